"""Opening hours as moments: open or closed now, when the current range closes, the next opening.

Pure logic over a PracticeProfile. Every function takes the current moment `now`
(an aware datetime, any time zone) explicitly; all reasoning happens in the
practice's local time (profile.timezone), so a server clock in UTC is fine.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo

from bot.practice.profile import PracticeProfile, TimeRange

UTC = dt.timezone.utc
SEARCH_DAYS = 800  # hours repeat weekly; special days are finite, so this always ends

# -- local time helpers --------------------------------------------------------


def local_now(profile: PracticeProfile, now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("`now` must be an aware datetime")
    return now.astimezone(profile.timezone)


def local_datetime(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    """A real local moment for a wall-clock date and time.

    A time skipped by a spring-forward change (02:30 on a change night) moves
    forward by the gap, as a wall clock would; a repeated time in the autumn
    means its first occurrence (fold=0).
    """
    naive = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    aware = naive.replace(tzinfo=tz)
    real = aware.astimezone(UTC).astimezone(tz)
    return real if real.replace(tzinfo=None) != naive else aware


def open_ranges(profile: PracticeProfile, day: dt.date) -> List[TimeRange]:
    """That day's opening ranges with touching ranges merged (09-12 + 12-17 = 09-17)."""
    merged: List[TimeRange] = []
    for start, end in profile.hours_on(day):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _current_range(profile: PracticeProfile, now: dt.datetime) -> Optional[Tuple[dt.datetime, dt.datetime]]:
    local = local_now(profile, now)
    for start, end in open_ranges(profile, local.date()):
        opens = local_datetime(local.date(), start, profile.timezone)
        closes = local_datetime(local.date(), end, profile.timezone)
        if opens <= local < closes:
            return opens, closes
    return None


# -- open / closed ------------------------------------------------------------


def is_open(profile: PracticeProfile, now: dt.datetime) -> bool:
    """True from the opening minute up to (not including) the closing minute."""
    return _current_range(profile, now) is not None


def closes_at(profile: PracticeProfile, now: dt.datetime) -> Optional[dt.datetime]:
    """When the current opening range ends (local time), or None when closed."""
    current = _current_range(profile, now)
    return current[1] if current else None


def next_opening(profile: PracticeProfile, now: dt.datetime) -> dt.datetime:
    """The next moment the practice opens, strictly after `now` (local time).

    When open now this is the opening after the current range closes, not the
    start of the current one: it answers "when do you open next?". Exactly at
    opening time the practice counts as open, so the answer is the next opening.
    """
    local = local_now(profile, now)
    for offset in range(SEARCH_DAYS):
        day = local.date() + dt.timedelta(days=offset)
        for start, _end in open_ranges(profile, day):
            opens = local_datetime(day, start, profile.timezone)
            if opens > local:
                return opens
    raise ValueError("the profile has no opening hours in the foreseeable future")
