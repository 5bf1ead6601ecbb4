"""Booking, callback and change requests as the assistant records them, their reference codes and JSON form.

A request is a plain dataclass; bot.requests.store keeps them (database, else spool).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, Optional, Type, Union

from bot.practice import clock

# No 0/O or 1/I: the code is read aloud over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 5
REFERENCE_PREFIXES = {"booking": "RB", "callback": "RC", "change": "RX"}


STATUSES = ("pending", "handled")
# What a client asks to change about a booking they already made; staff act on it.
CHANGE_KINDS = ("cancel", "move", "late")
# Staff fields, set from the console or the CLI; a request starts without them.
STAFF_NOTE_MAX_CHARS = 2000


# -- request objects ---------------------------------------------------------


def require_aware(value: Optional[dt.datetime], name: str) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


@dataclass(kw_only=True)
class BookingRequest:
    """A client's wish for an appointment, for staff to confirm."""

    kind: ClassVar[str] = "booking"

    reference: str = ""  # filled in by RequestStore.save() when empty
    created_at: dt.datetime = field(default_factory=clock.now)
    name: str
    phone: Optional[str] = None
    email: Optional[str] = None
    requested_start: Optional[dt.datetime] = None  # aware; None when only text was given
    requested_text: str = ""  # what the client typed, e.g. "thursday after work"
    service_key: Optional[str] = None
    include_glutes: Optional[bool] = None
    note: str = ""
    prenatal_flag: bool = False
    # The client mentioned a warning sign (recent surgery, a clot, pregnancy complications, ...):
    # a therapist checks it is safe, perhaps with their doctor, before confirming.
    needs_clearance: bool = False
    clearance_reason: str = ""
    channel: str = ""
    sender_id: str = ""
    status: str = "pending"
    handled_at: Optional[dt.datetime] = None
    handled_by: str = ""  # the staff member who marked it handled
    called_back_at: Optional[dt.datetime] = None  # staff called (or texted) the client back
    staff_note: str = ""

    def __post_init__(self) -> None:
        require_aware(self.requested_start, "requested_start")
        _check_common(self)


@dataclass(kw_only=True)
class CallbackRequest:
    """A client who wants a therapist to call them back."""

    kind: ClassVar[str] = "callback"

    reference: str = ""  # filled in by RequestStore.save() when empty
    created_at: dt.datetime = field(default_factory=clock.now)
    name: str
    phone: str = ""  # a phone number only; an e-mail address goes in `email`
    email: str = ""
    best_time: str = ""
    question: str = ""
    channel: str = ""
    sender_id: str = ""
    transcript: str = ""  # the conversation so far, one turn per line
    status: str = "pending"
    handled_at: Optional[dt.datetime] = None
    handled_by: str = ""  # the staff member who marked it handled
    called_back_at: Optional[dt.datetime] = None  # staff called (or texted) the client back
    staff_note: str = ""

    def __post_init__(self) -> None:
        if "@" in self.phone:
            raise ValueError("CallbackRequest.phone holds phone numbers only; put an e-mail address in `email`")
        _check_common(self)


@dataclass(kw_only=True)
class ChangeRequest:
    """A client's wish to cancel or move a booking, or word that they are running late.

    Always a new request for staff: the booking it is about is never edited.
    """

    kind: ClassVar[str] = "change"

    reference: str = ""  # filled in by RequestStore.save() when empty
    created_at: dt.datetime = field(default_factory=clock.now)
    change_kind: str  # one of CHANGE_KINDS
    about_reference: str  # the booking request it is about
    name: str
    phone: Optional[str] = None
    email: Optional[str] = None
    requested_start: Optional[dt.datetime] = None  # "move": the new time asked for
    requested_text: str = ""
    note: str = ""  # the client's own words, e.g. "running 10 minutes late"
    channel: str = ""
    sender_id: str = ""
    status: str = "pending"
    handled_at: Optional[dt.datetime] = None
    handled_by: str = ""  # the staff member who marked it handled
    called_back_at: Optional[dt.datetime] = None  # staff called (or texted) the client back
    staff_note: str = ""

    def __post_init__(self) -> None:
        if self.change_kind not in CHANGE_KINDS:
            raise ValueError(f"change_kind must be one of {CHANGE_KINDS}, got {self.change_kind!r}")
        require_aware(self.requested_start, "requested_start")
        _check_common(self)


ClientRequest = Union[BookingRequest, CallbackRequest, ChangeRequest]
REQUEST_TYPES: Dict[str, Type[Any]] = {
    "booking": BookingRequest,
    "callback": CallbackRequest,
    "change": ChangeRequest,
}


def _check_common(request: ClientRequest) -> None:
    require_aware(request.created_at, "created_at")
    require_aware(request.handled_at, "handled_at")
    require_aware(request.called_back_at, "called_back_at")
    if request.status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, got {request.status!r}")


@dataclass(frozen=True)
class SaveResult:
    reference: str
    stored: bool  # False: the database was down and the request waits in the spool


# -- reference codes -----------------------------------------------------------


def _random_code() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_reference(kind: str) -> str:
    """A fresh random reference such as RB-7K3Q9 (not checked for uniqueness)."""
    return f"{REFERENCE_PREFIXES[kind]}-{_random_code()}"


def normalize_reference(text: str) -> str:
    """Accept what staff type: lower case, spaces, a missing dash ("rb7k3q9")."""
    compact = "".join(text.split()).upper().replace("-", "")
    for prefix in REFERENCE_PREFIXES.values():
        if compact.startswith(prefix) and len(compact) == len(prefix) + REFERENCE_LENGTH:
            return f"{prefix}-{compact[len(prefix) :]}"
    return text.strip().upper()


# -- spool file format ----------------------------------------------------------

DATETIME_FIELDS = ("created_at", "handled_at", "requested_start", "called_back_at")


def request_to_json(request: ClientRequest) -> Dict[str, Any]:
    """A JSON-ready dict: the request's fields plus its kind, datetimes as ISO 8601."""
    data: Dict[str, Any] = {"kind": request.kind}
    for f in dataclasses.fields(request):
        value = getattr(request, f.name)
        data[f.name] = value.isoformat() if isinstance(value, dt.datetime) else value
    return data


def request_from_json(data: Dict[str, Any]) -> ClientRequest:
    values = {}
    for name in (f.name for f in dataclasses.fields(REQUEST_TYPES[data["kind"]])):
        if name not in data:
            continue
        value = data[name]
        if name in DATETIME_FIELDS and value is not None:
            value = dt.datetime.fromisoformat(value)
        values[name] = value
    return request_of_kind(data["kind"], values)


def request_of_kind(kind: str, values: Dict[str, Any]) -> ClientRequest:
    """A request from stored values (a database row or a spool file)."""
    # Rows from before the staff fields existed hold NULL there.
    values = {**values, **{key: values.get(key) or "" for key in ("handled_by", "staff_note") if key in values}}
    if kind == "callback":
        phone, email = values.get("phone") or "", values.get("email") or ""
        if "@" in phone and not email:
            phone, email = "", phone  # written before callbacks had an e-mail field
        values = {**values, "phone": phone, "email": email}
    if kind == "booking":
        # Rows written before the clearance flag existed hold NULL there.
        values = {
            **values,
            "needs_clearance": bool(values.get("needs_clearance")),
            "clearance_reason": values.get("clearance_reason") or "",
        }
    return REQUEST_TYPES[kind](**values)
