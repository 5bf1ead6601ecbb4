"""The practice's own booking page with a request's details filled in (booking.link_template).

Booking platforms that take details in the address (name, phone, date, ...) let
a client confirm their request themselves in one tap; the request is stored
and sent to staff either way.
"""

from __future__ import annotations

from typing import Dict
from urllib.parse import quote

from bot.practice.profile import PracticeProfile
from bot.requests.models import BookingRequest


def link_values(profile: PracticeProfile, request: BookingRequest) -> Dict[str, str]:
    """The placeholders' values: the date and time are the practice's local ones."""
    local = request.requested_start.astimezone(profile.timezone) if request.requested_start else None
    return {
        "name": request.name,
        "phone": request.phone or "",
        "email": request.email or "",
        "date": local.date().isoformat() if local else "",
        "time": local.strftime("%H:%M") if local else "",
        "service": request.service_key or "",
    }


def prefilled_link(profile: PracticeProfile, request: BookingRequest) -> str:
    """The booking page for this request: prefilled from the template, else the plain booking page."""
    if not profile.booking_link_template:
        return profile.booking_url
    values = {key: quote(value, safe="") for key, value in link_values(profile, request).items()}
    return profile.booking_link_template.format(**values)
