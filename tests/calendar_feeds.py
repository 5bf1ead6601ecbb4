"""iCalendar feeds written by the tests themselves, as a booking platform would export them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import List, Optional, Union

_uids = itertools.count(1)

When = Union[dt.datetime, dt.date]


def _stamp(value: When, tzid: Optional[str]) -> str:
    if isinstance(value, dt.datetime):
        if tzid == "UTC":
            return ":" + value.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        text = value.strftime("%Y%m%dT%H%M%S")
        return f";TZID={tzid}:{text}" if tzid else f":{text}"  # no TZID: floating local time
    return f";VALUE=DATE:{value.strftime('%Y%m%d')}"


def event(
    start: When,
    end: Optional[When] = None,
    *,
    summary: str = "Booked",
    tzid: Optional[str] = "America/Los_Angeles",
    rrule: Optional[str] = None,
    exdates: List[dt.datetime] = (),
    recurrence_id: Optional[dt.datetime] = None,
    uid: Optional[str] = None,
    status: Optional[str] = None,
    transparent: bool = False,
    duration: Optional[str] = None,
) -> str:
    """One VEVENT. Datetimes are written as wall times in `tzid` (naive or aware alike: its wall clock)."""
    lines = ["BEGIN:VEVENT", f"UID:{uid or f'event-{next(_uids)}@tests'}", "DTSTAMP:20260101T000000Z"]
    lines.append("DTSTART" + _stamp(start, tzid))
    if end is not None:
        lines.append("DTEND" + _stamp(end, tzid))
    if duration:
        lines.append(f"DURATION:{duration}")
    if rrule:
        lines.append(f"RRULE:{rrule}")
    for day in exdates:
        lines.append("EXDATE" + _stamp(day, tzid))
    if recurrence_id is not None:
        lines.append("RECURRENCE-ID" + _stamp(recurrence_id, tzid))
    if status:
        lines.append(f"STATUS:{status}")
    if transparent:
        lines.append("TRANSP:TRANSPARENT")
    lines += [f"SUMMARY:{summary}", "END:VEVENT"]
    return "\r\n".join(lines)


def calendar(*events: str, name: str = "Test practice") -> str:
    """A whole feed. Time zones are referred to by IANA name, as Google and Outlook exports do."""
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//massage assistant tests//EN", f"X-WR-CALNAME:{name}"]
    return "\r\n".join(head + list(events) + ["END:VCALENDAR"]) + "\r\n"
