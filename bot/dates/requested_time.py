"""Booking times: turn "thursday at 4" into a real local start time, or say why not.

Our own rules handle the phrasings clients actually use (weekday names, "next
tuesday 3pm", "tomorrow morning", "the 3rd", bare hours); `dateparser` covers
the rest ("in 3 days", "in 2 hours"). Every result is a real moment in the
practice's time zone, checked against the opening hours, the practice's
calendar feed when it has one (bot.practice.calendar_feed), the minimum notice
and how far ahead the practice books. Refusals come with the next free slots.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import dateparser
import phonenumbers

from bot.dates.day_mentions import find_day_match, month_named, normalize_text
from bot.practice import calendar_feed, clock
from bot.practice.calendar_feed import BusyTimes
from bot.practice.profile import PracticeProfile
from bot.practice.schedule import SEARCH_DAYS, UTC, local_datetime, local_now, open_ranges
from bot.requests.contact import strip_contact_details

log = logging.getLogger(__name__)

UNPARSED = "unparsed"
PAST = "past"
CLOSED = "closed"
TOO_SOON = "too_soon"
TOO_FAR = "too_far"
BUSY = "busy"  # open, but the practice's calendar has it booked

SLOT_STEP_MINUTES = 30
SUGGESTION_COUNT = 3

# Parts of the day as [start hour, end hour) windows for "tomorrow morning".
PARTS_OF_DAY = {
    "morning": (0, 12),
    "lunchtime": (11, 14),
    "afternoon": (12, 17),
    "evening": (17, 24),
}


@dataclass
class ParsedTime:
    """What a client's requested time means, and whether it can be booked.

    start: the requested local moment; for a date without a time (date_only)
    it is the local midnight starting that date. problem: None when bookable,
    else one of "unparsed", "past", "closed", "too_soon", "too_far", "busy".
    suggestions: for a refusal, the next free start times (for "busy", the free
    ones nearest the time asked for); for a bookable date without a time, that
    day's first free start times (within part_of_day).
    day_given: the text named a day or date; when False the day was inferred
    ("at 4" means the next 4 pm), so a caller holding an earlier answered day
    may pass it as `on_day` instead.
    week_of: "next week sometime" names a week but no day: the Monday of that
    week (start is None, no problem; suggestions are that week's first open times).
    """

    start: Optional[dt.datetime] = None
    date_only: bool = False
    problem: Optional[str] = None
    suggestions: List[dt.datetime] = field(default_factory=list)
    part_of_day: Optional[str] = None
    day_given: bool = False
    week_of: Optional[dt.date] = None
    # The practice's calendar feed was read, so "free" means free in it (else: opening hours only).
    calendar_checked: bool = False

    @property
    def ok(self) -> bool:
        return self.problem is None


# -- slots --------------------------------------------------------------------


def session_fits(profile: PracticeProfile, start: dt.datetime, minutes: int) -> bool:
    """True when a session starting at `start` lies inside one opening range.

    Measured in real elapsed time, so a session across a DST change is as long
    as it says.
    """
    local = start.astimezone(profile.timezone)
    end_utc = start.astimezone(UTC) + dt.timedelta(minutes=minutes)
    for opens, closes in open_ranges(profile, local.date()):
        opens_at = local_datetime(local.date(), opens, profile.timezone)
        closes_at = local_datetime(local.date(), closes, profile.timezone)
        if opens_at <= local and end_utc <= closes_at.astimezone(UTC):
            return True
    return False


def practice_calendar(profile: PracticeProfile) -> Optional[BusyTimes]:
    """The practice's busy times, or None: no calendar feed, or one that can't be used right now."""
    return calendar_feed.busy_times(profile, clock.now())


def session_free(profile: PracticeProfile, start: dt.datetime, minutes: int, busy: Optional[BusyTimes] = None) -> bool:
    """Inside the opening hours, and nothing booked in the calendar (when given) for the session and its buffer."""
    if not session_fits(profile, start, minutes):
        return False
    return busy is None or busy.is_free(start, start + dt.timedelta(minutes=minutes))


def _day_slots(
    profile: PracticeProfile, day: dt.date, minutes: int, busy: Optional[BusyTimes] = None, free_only: bool = True
) -> List[dt.datetime]:
    """Start times on the half hour on a local date where a session fits and is free.

    `busy` defaults to the practice's calendar; free_only=False ignores the calendar.
    """
    if free_only and busy is None:
        busy = practice_calendar(profile)
    slots: List[dt.datetime] = []
    for opens, closes in open_ranges(profile, day):
        first_minute = opens.hour * 60 + opens.minute
        first_minute += -first_minute % SLOT_STEP_MINUTES  # round up to :00 or :30
        for minute_of_day in range(first_minute, closes.hour * 60 + closes.minute, SLOT_STEP_MINUTES):
            wall = dt.time(minute_of_day // 60, minute_of_day % 60)
            start = local_datetime(day, wall, profile.timezone)
            if start.time() != wall:
                continue  # skipped by a spring-forward change: not a real time
            if session_free(profile, start, minutes, busy if free_only else None):
                slots.append(start)
    return slots


def next_open_slots(
    profile: PracticeProfile, after: dt.datetime, minutes: int, count: int = SUGGESTION_COUNT
) -> List[dt.datetime]:
    """The first `count` free start times at or after `after` (local, on the half hour)."""
    local_after = after.astimezone(profile.timezone)
    busy = practice_calendar(profile)
    found: List[dt.datetime] = []
    for offset in range(SEARCH_DAYS):
        day = local_after.date() + dt.timedelta(days=offset)
        for slot in _day_slots(profile, day, minutes, busy):
            if slot >= local_after:
                found.append(slot)
                if len(found) == count:
                    return found
    return found


# -- reading the time of day ---------------------------------------------------


@dataclass(frozen=True)
class _TimeOfDay:
    hour: int
    minute: int
    meridiem: Optional[str]  # "am", "pm" or None when not said
    literal: bool  # 24-hour style ("16:00", "09:30"): take the hour as written
    span: Tuple[int, int]


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUMBER_WORD = "|".join(_NUMBER_WORDS)
_NOON = re.compile(r"\b(?:noon|midday|12 ?noon)\b")
_MIDNIGHT = re.compile(r"\bmidnight\b")
_CLOCK = re.compile(r"\b(\d{1,2})[:.](\d{2})\s*(am|pm)?\b")
_HOUR_MERIDIEM = re.compile(r"\b(\d{1,2})\s*(am|pm)\b")
_PAST_TO = re.compile(r"\b(half past|quarter past|quarter to)\s+(\d{1,2})\b(?:\s*(am|pm)\b)?")
_OCLOCK = re.compile(r"\b(\d{1,2})\s*o\s?clock\b")
_BARE_HOUR = re.compile(
    r"(?:\b(?:at|around|about|by|after)|@)\s*(\d{1,2})\b"
    r"(?!\s*(?:st|nd|rd|th|days?|weeks?|months?|hours?|hrs?|mins?|minutes?|people|of|/|-)\b)"
)
_HOUR_WITH_PART = re.compile(
    r"\b(\d{1,2})\s+(?:in\s+the\s+(?:morning|afternoon|evening)|at\s+night|tonight|tonite"
    r"|this\s+(?:morning|afternoon|evening))\b"
)
_PART_OF_DAY = re.compile(
    r"\b(morning|mornings|afternoon|afternoons|arvo|evening|evenings|tonight|tonite|night|lunch ?time|lunch"
    r"|after work|after school|before work|first thing)\b|(?<![\d:.])(?<![\d:.] )\b(pm)\b"  # "2moro pm"
)
_RELATIVE_CLOCK = re.compile(r"\b(?:hours?|hrs?|minutes?|mins?)\b")
# A message that is only a time: "10", "4.30", "10:15" (the answer to "What time on Saturday?").
_BARE_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*[.!]?\s*$")
# A week without a day: "next week sometime", "later this week".
_WEEK = re.compile(r"\b(this|next|coming|following)\s+week\b|\bweek after next\b|\bin a week'?s? time\b")
# As soon as possible: the first free time (within the day or part of the day named).
_SOONEST = re.compile(
    r"\b(earliest|soonest|first (?:one|available|slot|free|open)|asap|as soon as (?:possible|you can))\b"
)
# No preference: the first free time within what was said before ("What time on Saturday?" "any").
# With a day in the same message ("any time saturday") that day's free times are offered instead.
_NO_PREFERENCE = re.compile(
    r"\b(any ?time|whenever|doesnt matter|does not matter|dont mind|do not mind|no preference)\b"
    r"|^\s*(?:any|anything|either|any one|any of them|you (?:choose|pick)|up to you)(?: (?:is|will be) fine)?\W*$"
)


def _prepare(text: str) -> str:
    """Normalised text with a.m./p.m. and spelled-out hours in digit form."""
    text = normalize_text(text)
    text = re.sub(r"\b([ap])\.\s?m\b\.?", r"\1m", text)
    words_to_digits = lambda m: f"{m.group(1)} {_NUMBER_WORDS[m.group(2)]}"  # noqa: E731
    text = re.sub(rf"\b(at|around|about|by|past|to)\s+({_NUMBER_WORD})\b", words_to_digits, text)
    text = re.sub(
        rf"\b({_NUMBER_WORD})(\s*(?:am|pm|o\s?clock|thirty|fifteen|forty[- ]?five))\b",
        lambda m: f"{_NUMBER_WORDS[m.group(1)]}{m.group(2)}",
        text,
    )
    minutes = {"thirty": "30", "fifteen": "15", "forty five": "45", "forty-five": "45", "fortyfive": "45"}
    return re.sub(
        r"\b(\d{1,2})\s+(thirty|fifteen|forty[- ]?five)\b",
        lambda m: f"{m.group(1)}:{minutes[m.group(2)]}",
        text,
    )


def _find_time_of_day(text: str, full_text: str, day_span: Tuple[int, int]) -> Optional[_TimeOfDay]:
    """The time of day in `text` (the message with the day blanked out).

    "9 in the morning" and "6 tonight" are read from `full_text`, as the day
    words may be the ones blanked; a number inside the day ("october 9") is not an hour.
    """
    found = _NOON.search(text)
    if found:
        return _TimeOfDay(12, 0, "pm", True, found.span())
    found = _MIDNIGHT.search(text)
    if found:
        return _TimeOfDay(0, 0, "am", True, found.span())
    found = _CLOCK.search(text)
    if found and int(found.group(1)) <= 23 and int(found.group(2)) <= 59:
        hour_text = found.group(1)
        literal = int(hour_text) >= 13 or hour_text.startswith("0")
        return _TimeOfDay(int(hour_text), int(found.group(2)), found.group(3), literal, found.span())
    found = _HOUR_MERIDIEM.search(text)
    if found and 1 <= int(found.group(1)) <= 12:
        return _TimeOfDay(int(found.group(1)), 0, found.group(2), False, found.span())
    found = _PAST_TO.search(text)
    if found and 1 <= int(found.group(2)) <= 12:
        hour, phrase = int(found.group(2)), found.group(1)
        if phrase == "quarter to":
            return _TimeOfDay(hour - 1 or 12, 45, found.group(3), False, found.span())
        return _TimeOfDay(hour, 30 if phrase == "half past" else 15, found.group(3), False, found.span())
    for found in _HOUR_WITH_PART.finditer(full_text):
        inside_day = day_span[0] <= found.start(1) < day_span[1]
        if not inside_day and 1 <= int(found.group(1)) <= 12:
            return _TimeOfDay(int(found.group(1)), 0, None, False, found.span(1))
    for pattern in (_OCLOCK, _BARE_HOUR):
        found = pattern.search(text)
        if found and 0 <= int(found.group(1)) <= 23:
            hour = int(found.group(1))
            return _TimeOfDay(hour, 0, None, hour >= 13 or hour == 0, found.span())
    return None


def _find_part_of_day(text: str) -> Optional[str]:
    found = _PART_OF_DAY.search(text)
    if not found:
        return None
    if found.group(2):
        return "afternoon"  # "pm" on its own
    word = found.group(1).replace(" ", "").rstrip("s")
    if word in ("tonight", "tonite", "night", "afterwork", "afterschool"):
        return "evening"
    if word in ("lunch", "lunchtime"):
        return "lunchtime"
    if word in ("beforework", "firstthing"):
        return "morning"
    return "afternoon" if word == "arvo" else word


def _bare_time(rest: str) -> Optional[_TimeOfDay]:
    """A message that is nothing but a time ("10", "4.30") once the day is taken out."""
    found = _BARE_TIME.match(rest)
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if not (1 <= hour <= 23 and minute <= 59):
        return None
    literal = hour >= 13 or found.group(1).startswith("0")
    return _TimeOfDay(hour, minute, None, literal, found.span(1))


def mentions_day_or_time(text: str, profile: PracticeProfile, today: dt.date) -> bool:
    """Whether a message names a day, a time or a part of the day, by our own rules only.

    For details given in passing ("Sam, tomorrow at 3"): dateparser is left out,
    as it finds dates in names and ordinary words ("April", "may").
    """
    clean = _prepare(strip_contact_details(text or "", _phone_region(profile)))
    day_match = find_day_match(clean, profile, today)
    rest = _blank(clean, day_match.span) if day_match else clean
    span = day_match.span if day_match else (0, 0)
    return bool(day_match or _find_time_of_day(rest, clean, span) or _find_part_of_day(clean) or _WEEK.search(clean))


def means_any_time(text: str) -> bool:
    """'any time', 'whenever', 'the earliest', 'asap': no preference within what was already said."""
    clean = _prepare(text or "")
    return bool(_SOONEST.search(clean) or _NO_PREFERENCE.search(clean))


def _hour_24(profile: PracticeProfile, day: dt.date, said: _TimeOfDay, part_of_day: Optional[str], minutes: int) -> int:
    """The 24-hour hour a client meant.

    Explicit am/pm and 24-hour times are taken as said. Otherwise a part of the
    day decides; then 12 is noon, bare 1-7 mean afternoon or evening (nobody
    books a massage at 4 in the morning) and 8-11 mean morning, unless the
    morning is closed that day and the evening is open.
    """
    hour = said.hour
    meridiem = said.meridiem
    if said.literal or hour > 12:
        return hour
    if meridiem is None and part_of_day is not None:
        meridiem = "am" if part_of_day == "morning" else "pm"
        if part_of_day == "lunchtime":
            meridiem = "am" if hour == 11 else "pm"
    if meridiem == "am":
        return 0 if hour == 12 else hour
    if meridiem == "pm" or hour == 12:
        return hour if hour == 12 else hour + 12
    if 1 <= hour <= 7:
        return hour + 12
    morning = local_datetime(day, dt.time(hour, said.minute), profile.timezone)
    evening = local_datetime(day, dt.time(hour + 12, said.minute), profile.timezone)
    if not session_fits(profile, morning, minutes) and session_fits(profile, evening, minutes):
        return hour + 12
    return hour


# -- dateparser for what our rules do not cover ---------------------------------


def _dateparser_settings(profile: PracticeProfile, now: dt.datetime) -> dict:
    return {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": local_now(profile, now).replace(tzinfo=None),
        "TIMEZONE": profile.timezone.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
    }


def _dateparser_moment(text: str, profile: PracticeProfile, now: dt.datetime) -> Optional[dt.datetime]:
    """dateparser's reading of the text as a local datetime, or None."""
    text = re.sub(r"[^\w:/.\- ]", " ", text).strip()
    if not text or not re.search(r"[a-z0-9]", text):
        return None
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=_dateparser_settings(profile, now))
    except Exception:  # dateparser raises assorted errors on odd input
        log.debug("dateparser could not read %r", text, exc_info=True)
        return None
    if parsed is None:
        return None
    wall = parsed.astimezone(profile.timezone) if parsed.tzinfo else parsed
    return local_datetime(wall.date(), wall.time().replace(second=0, microsecond=0), profile.timezone)


# -- the main entry point ---------------------------------------------------------


def _refusal(
    profile: PracticeProfile,
    problem: str,
    start: Optional[dt.datetime],
    now: dt.datetime,
    minutes: int,
    date_only: bool = False,
    part_of_day: Optional[str] = None,
) -> ParsedTime:
    earliest = local_now(profile, now) + dt.timedelta(hours=profile.min_notice_hours)
    after = earliest
    if problem in (CLOSED, BUSY) and start is not None and start > earliest:
        after = start  # the nearest open times after the one asked for
    last_day = local_now(profile, now).date() + dt.timedelta(days=profile.max_days_ahead)
    if problem == BUSY and not date_only and start is not None:
        found = _free_near(profile, start, earliest, minutes)
    else:
        found = next_open_slots(profile, after, minutes)
    suggestions = [slot for slot in found if slot.date() <= last_day]
    return ParsedTime(start, date_only, problem, suggestions, part_of_day, calendar_checked=_checked(profile))


def _checked(profile: PracticeProfile) -> bool:
    return practice_calendar(profile) is not None


def _free_near(profile: PracticeProfile, wanted: dt.datetime, earliest: dt.datetime, minutes: int) -> List[dt.datetime]:
    """Free times for a taken one: that day's nearest to it, then the next free ones after that day."""
    same_day = [slot for slot in _day_slots(profile, wanted.date(), minutes) if slot >= earliest]
    nearest = sorted(sorted(same_day, key=lambda slot: abs(slot - wanted))[:SUGGESTION_COUNT])
    if len(nearest) < SUGGESTION_COUNT:
        next_day = local_datetime(wanted.date() + dt.timedelta(days=1), dt.time(0), profile.timezone)
        nearest += next_open_slots(profile, max(next_day, earliest), minutes, SUGGESTION_COUNT - len(nearest))
    return nearest


def _check_exact(
    profile: PracticeProfile,
    start: dt.datetime,
    now: dt.datetime,
    minutes: int,
    part_of_day: Optional[str],
) -> ParsedTime:
    local = local_now(profile, now)
    last_day = local.date() + dt.timedelta(days=profile.max_days_ahead)
    if start < local:
        problem = PAST
    elif start.date() > last_day:
        problem = TOO_FAR
    elif not session_fits(profile, start, minutes):
        problem = CLOSED
    elif start < local + dt.timedelta(hours=profile.min_notice_hours):
        problem = TOO_SOON
    elif not session_free(profile, start, minutes, practice_calendar(profile)):
        problem = BUSY
    else:
        return ParsedTime(start, False, None, [], part_of_day, calendar_checked=_checked(profile))
    return _refusal(profile, problem, start, now, minutes, part_of_day=part_of_day)


def _window_slots(
    profile: PracticeProfile, day: dt.date, minutes: int, part_of_day: Optional[str], free_only: bool = True
) -> List[dt.datetime]:
    """That day's free (or, free_only=False, open) start times within the part of the day asked for."""
    first_hour, end_hour = PARTS_OF_DAY.get(part_of_day or "", (0, 24))
    return [s for s in _day_slots(profile, day, minutes, free_only=free_only) if first_hour <= s.hour < end_hour]


def _check_date_only(
    profile: PracticeProfile,
    day: dt.date,
    now: dt.datetime,
    minutes: int,
    part_of_day: Optional[str],
) -> ParsedTime:
    local = local_now(profile, now)
    start = local_datetime(day, dt.time(0, 0), profile.timezone)
    earliest = local + dt.timedelta(hours=profile.min_notice_hours)
    slots = _window_slots(profile, day, minutes, part_of_day)
    if day < local.date():
        problem = PAST
    elif (day - local.date()).days > profile.max_days_ahead:
        problem = TOO_FAR
    elif not slots:
        problem = BUSY if _window_slots(profile, day, minutes, part_of_day, free_only=False) else CLOSED
    elif all(slot < local for slot in slots):
        problem = PAST
    elif all(slot < earliest for slot in slots):
        problem = TOO_SOON
    else:
        bookable = [slot for slot in slots if slot >= earliest][:SUGGESTION_COUNT]
        return ParsedTime(start, True, None, bookable, part_of_day, calendar_checked=_checked(profile))
    return _refusal(profile, problem, start, now, minutes, True, part_of_day)


def _blank(text: str, span: Tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def parse_requested_time(
    text: str,
    profile: PracticeProfile,
    now: dt.datetime,
    minutes: int = 60,
    on_day: Optional[dt.date] = None,
    part_of_day_said: Optional[str] = None,
    week_of: Optional[dt.date] = None,
) -> ParsedTime:
    """Read a requested booking time and check it can be booked.

    `minutes` is the session length: the whole session must fit in the opening
    hours. Rules beyond dateparser's: a weekday means its next occurrence
    (today included, unless that time today has passed: then next week);
    "next tuesday" is the first Tuesday after today; bare hours 1-7 mean pm;
    a weekday or "tomorrow morning" without a time is date_only. A time skipped
    by a DST change moves forward by the gap; a repeated one means the first.

    What the client said before, for an answer to "What time on Saturday?":
    `on_day` is the day when the text names none, `part_of_day_said` the part
    of the day ("morning") when the text names none, and `week_of` the Monday
    of a week already named ("next week sometime"), in which a plain weekday is
    read. A message that is only a number ("10") is a time; "asap" or "the
    earliest" takes the first free time within what was said, and so does "any
    time" in answer to a day already given ("any time saturday" lists Saturday's).
    """
    local = local_now(profile, now)
    today = local.date()
    clean = _prepare(strip_contact_details(text or "", _phone_region(profile)))
    day_match = find_day_match(clean, profile, today)
    if day_match and week_of and day_match.plain_weekday:
        # "tuesday" after "next week sometime": the Tuesday of that week.
        moved = day_match.date
        while moved < week_of:
            moved += dt.timedelta(days=7)
        day_match = dataclasses.replace(day_match, date=moved, plain_weekday=False)
    rest = _blank(clean, day_match.span) if day_match else clean
    said = _find_time_of_day(rest, clean, day_match.span if day_match else (0, 0)) or _bare_time(rest)
    part_of_day = _find_part_of_day(clean) or (part_of_day_said if said is None or not said.meridiem else None)

    day: Optional[dt.date] = day_match.date if day_match else None
    if day is None and on_day is not None:
        day = on_day
    soonest = bool(_SOONEST.search(clean))
    no_preference = bool(_NO_PREFERENCE.search(clean)) and day_match is None and not _WEEK.search(clean)
    if said is None and (soonest or no_preference):
        return _first_open(profile, now, minutes, day, part_of_day, week_of)
    if day is None and said is None:
        month = month_named(clean, today)
        if month is not None and (month - today).days > profile.max_days_ahead:
            return _refusal(profile, TOO_FAR, None, now, minutes)  # "sometime next june"
        week = _week_named(clean, today) or week_of
        if week is None and month is not None:
            week = (
                month - dt.timedelta(days=month.weekday())
                if month > today
                else today - dt.timedelta(days=today.weekday())
            )
        if week is not None:
            return _week_only(profile, now, minutes, week)
    if day is None:
        leftover = _blank(rest, said.span) if said else rest
        guessed = _dateparser_moment(leftover, profile, now) if said or not part_of_day else None
        if guessed is not None and said is None and _RELATIVE_CLOCK.search(leftover):
            result = _check_exact(profile, guessed, now, minutes, None)  # "in 2 hours"
            result.day_given = True
            return result
        if guessed is not None:
            day = guessed.date()
        elif said is None and part_of_day is None:
            return _refusal(profile, UNPARSED, None, now, minutes)
    day_given = day is not None

    if said is None:
        if day is None:  # "in the morning": today's if it can still be booked, else tomorrow's
            earliest = local + dt.timedelta(hours=profile.min_notice_hours)
            todays = _window_slots(profile, today, minutes, part_of_day)
            bookable_today = any(slot >= earliest for slot in todays)
            day = today if bookable_today else today + dt.timedelta(days=1)
        elif (
            day_match
            and day_match.plain_weekday
            and day == today
            and not any(s >= local for s in _window_slots(profile, day, minutes, part_of_day))
        ):
            day += dt.timedelta(days=7)  # "friday" said on a Friday evening
        result = _check_date_only(profile, day, now, minutes, part_of_day)
    else:
        day = day if day is not None else today
        start = _start_on(profile, day, said, part_of_day, minutes)
        weekday_today = bool(day_match and day_match.plain_weekday and day == today)
        if start < local and (not day_given or weekday_today):
            # "at 4" after 4 pm means tomorrow; "thursday at 4" on a Thursday evening, next week.
            day += dt.timedelta(days=7 if day_given else 1)
            start = _start_on(profile, day, said, part_of_day, minutes)
        result = _check_exact(profile, start, now, minutes, part_of_day)
    result.day_given = day_given
    return result


def _week_named(clean: str, today: dt.date) -> Optional[dt.date]:
    """The Monday of "this week" / "next week" / "the week after next", or None."""
    found = _WEEK.search(clean)
    if not found:
        return None
    monday = today - dt.timedelta(days=today.weekday())
    if found.group(1) == "this":
        return monday
    if "after next" in found.group(0):
        return monday + dt.timedelta(days=14)
    return monday + dt.timedelta(days=7)


def _week_only(profile: PracticeProfile, now: dt.datetime, minutes: int, monday: dt.date) -> ParsedTime:
    """'next week sometime': no day yet; the week's first open times as suggestions."""
    local = local_now(profile, now)
    earliest = local + dt.timedelta(hours=profile.min_notice_hours)
    last_day = local.date() + dt.timedelta(days=profile.max_days_ahead)
    week_start = max(earliest, local_datetime(monday, dt.time(0, 0), profile.timezone))
    slots = [
        s
        for s in next_open_slots(profile, week_start, minutes, count=SUGGESTION_COUNT)
        if s.date() < monday + dt.timedelta(days=7) and s.date() <= last_day
    ]
    if monday > last_day:
        return _refusal(profile, TOO_FAR, None, now, minutes)
    return ParsedTime(None, False, None, slots, None, False, week_of=monday, calendar_checked=_checked(profile))


def _first_open(
    profile: PracticeProfile,
    now: dt.datetime,
    minutes: int,
    day: Optional[dt.date],
    part_of_day: Optional[str],
    week_of: Optional[dt.date],
) -> ParsedTime:
    """'any time' / 'the earliest': the first open time on that day (part of the day, week), else overall."""
    local = local_now(profile, now)
    earliest = local + dt.timedelta(hours=profile.min_notice_hours)
    if day is not None:
        start = next((s for s in _window_slots(profile, day, minutes, part_of_day) if s >= earliest), None)
        if start is None:
            result = _check_date_only(profile, day, now, minutes, part_of_day)  # says why not, with suggestions
            result.day_given = True
            return result
    else:
        after = earliest
        if week_of is not None:
            after = max(earliest, local_datetime(week_of, dt.time(0, 0), profile.timezone))
        found = next_open_slots(profile, after, minutes, count=1)
        if not found:
            return _refusal(profile, TOO_FAR, None, now, minutes)
        start = found[0]
    result = _check_exact(profile, start, now, minutes, part_of_day)
    result.day_given = True
    return result


def _start_on(
    profile: PracticeProfile, day: dt.date, said: _TimeOfDay, part_of_day: Optional[str], minutes: int
) -> dt.datetime:
    hour = _hour_24(profile, day, said, part_of_day, minutes)
    return local_datetime(day, dt.time(hour, said.minute), profile.timezone)


def _phone_region(profile: PracticeProfile) -> str:
    """The practice's own phone region, so local numbers in a message are recognised."""
    try:
        number = phonenumbers.parse(profile.phone, None)
    except phonenumbers.NumberParseException:
        return "US"
    return phonenumbers.region_code_for_number(number) or "US"
