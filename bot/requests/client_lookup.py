"""Which booking a client means when they ask about "my booking", and whether it is theirs.

A client is recognised only in ways that prove it: the same conversation
(channel and sender id), the number a signed SMS came from, or, on the web, a
reference together with the phone number or e-mail it was booked with. A
reference alone proves nothing (it may be read over a shoulder), so it never
opens someone else's booking.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import List, Optional, Sequence

from bot.requests.contact import extract_email, extract_phone, normalize_phone
from bot.requests.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, BookingRequest, ChangeRequest, ClientRequest
from bot.requests.store import RequestStore

SMS_CHANNEL = "sms"
# RB-7K3Q9, rb 7k3q9, RB7K3Q9; booking references only (a change or callback reference is not a booking).
_REFERENCE = re.compile(rf"\b(RB)[\s-]?([{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}})\b", re.IGNORECASE)
# How long after its start a booking still counts as the one a client means by "running late".
LATE_GRACE = dt.timedelta(hours=2)


def find_reference(text: str) -> Optional[str]:
    """A booking reference quoted in a message, normalised (RB-7K3Q9), or None."""
    found = _REFERENCE.search(text or "")
    return f"{found.group(1).upper()}-{found.group(2).upper()}" if found else None


def without_reference(text: str) -> str:
    """The message with any booking reference blanked, so its digits are not read as a time."""
    return _REFERENCE.sub(" ", text or "")


def own_requests(store: RequestStore, channel: str, sender_id: str) -> List[ClientRequest]:
    """This client's bookings and change requests: same conversation, or (SMS) the same number."""
    phone = normalize_phone(sender_id) if channel == SMS_CHANNEL else None
    return store.requests_from(channel, sender_id, phone=phone)


def bookings_of(requests: Sequence[ClientRequest]) -> List[BookingRequest]:
    return [r for r in requests if isinstance(r, BookingRequest)]


def changes_for(requests: Sequence[ClientRequest], reference: str) -> List[ChangeRequest]:
    return [r for r in requests if isinstance(r, ChangeRequest) and r.about_reference == reference]


def booking_meant(bookings: Sequence[BookingRequest], now: dt.datetime) -> Optional[BookingRequest]:
    """The booking "my booking" means: the next one still to come, else the latest made."""
    upcoming = [b for b in bookings if b.requested_start and b.requested_start + LATE_GRACE >= now]
    if upcoming:
        return min(upcoming, key=lambda b: b.requested_start)
    return max(bookings, key=lambda b: b.created_at) if bookings else None


def contact_matches(booking: BookingRequest, text: str) -> bool:
    """The message gives the phone number or e-mail the booking was made with."""
    text = without_reference(text)  # "RB-7K3Q9 415 555 0142": the code's last digit would spoil the number
    phone, email = extract_phone(text), extract_email(text)
    return bool((phone and phone == booking.phone) or (email and email == (booking.email or "").lower()))


def booking_by_reference(
    store: RequestStore,
    reference: str,
    channel: str,
    sender_id: str,
    contact_text: str = "",
) -> Optional[BookingRequest]:
    """The quoted booking if this client may see it, else None (whether or not it exists).

    By SMS only the sending number counts. Elsewhere the same conversation, or
    the phone number or e-mail it was booked with given in `contact_text`.
    """
    mine = {r.reference: r for r in bookings_of(own_requests(store, channel, sender_id))}
    if reference in mine:
        return mine[reference]
    if channel == SMS_CHANNEL:
        return None
    found = store.get(reference)
    if isinstance(found, BookingRequest) and contact_text and contact_matches(found, contact_text):
        return found
    return None
