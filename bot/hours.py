"""Opening hours: open/closed now, next opening, plain-words descriptions, answers.

Pure logic over a PracticeProfile. Every function takes the current moment `now`
(an aware datetime, any time zone) explicitly; all reasoning happens in the
practice's local time (profile.timezone), so a server clock in UTC is fine.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from bot.profile import WEEKDAYS, PracticeProfile, TimeRange

UTC = dt.timezone.utc
SMS_MAX_CHARS = 306
SEARCH_DAYS = 800  # hours repeat weekly; special days are finite, so this always ends

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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


# -- words --------------------------------------------------------------------

def time_text(time: dt.time) -> str:
    """9 am, 1:30 pm, noon, midnight."""
    if time.hour == 12 and time.minute == 0:
        return "noon"
    if time.hour == 0 and time.minute == 0:
        return "midnight"
    hour = time.hour % 12 or 12
    suffix = "am" if time.hour < 12 else "pm"
    minutes = f":{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes} {suffix}"


def compact_time_text(time: dt.time) -> str:
    """9am, 1:30pm, 12pm: the short form used in SMS summaries."""
    hour = time.hour % 12 or 12
    suffix = "am" if time.hour < 12 else "pm"
    minutes = f":{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes}{suffix}"


def date_text(day: dt.date, with_year: bool = False) -> str:
    """Friday 2 January (2027)."""
    text = f"{WEEKDAYS[day.weekday()].capitalize()} {day.day} {MONTHS[day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def needs_year(day: dt.date, today: dt.date) -> bool:
    # Within the coming ten months a date without a year is unambiguous.
    return day < today and day.year != today.year or (day - today).days > 300


def day_phrase(day: dt.date, today: dt.date) -> str:
    """'today', 'tomorrow', 'on Monday' (within a week), 'on Friday 2 January'."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    if 2 <= delta <= 6:
        return f"on {WEEKDAYS[day.weekday()].capitalize()}"
    return f"on {date_text(day, needs_year(day, today))}"


def describe_moment(profile: PracticeProfile, moment: dt.datetime, now: dt.datetime) -> str:
    """'today at 9 am', 'tomorrow at 9 am', 'on Monday at 10 am', 'on Friday 2 January at 9 am'."""
    local = moment.astimezone(profile.timezone)
    today = local_now(profile, now).date()
    return f"{day_phrase(local.date(), today)} at {time_text(local.time())}"


def _ranges_text(ranges: Sequence[TimeRange]) -> str:
    return " and ".join(f"{time_text(a)} to {time_text(b)}" for a, b in ranges)


def _compact_ranges_text(ranges: Sequence[TimeRange]) -> str:
    if not ranges:
        return "closed"
    return "/".join(f"{compact_time_text(a)}-{compact_time_text(b)}" for a, b in ranges)


def day_hours_text(profile: PracticeProfile, day: dt.date) -> str:
    """'9 am to 7 pm', 'closed', 'closed (Christmas Day)', '9 am to 1 pm (Christmas Eve)'."""
    ranges = open_ranges(profile, day)
    text = _ranges_text(ranges) if ranges else "closed"
    special = profile.special_days.get(day)
    return f"{text} ({special.reason})" if special else text


def _weekly_groups(profile: PracticeProfile) -> List[Tuple[int, int, Tuple[TimeRange, ...]]]:
    """Runs of consecutive weekdays (Monday first) with identical hours."""
    groups: List[Tuple[int, int, Tuple[TimeRange, ...]]] = []
    for index, name in enumerate(WEEKDAYS):
        hours = tuple(profile.weekly_hours[name])
        if groups and groups[-1][2] == hours:
            groups[-1] = (groups[-1][0], index, hours)
        else:
            groups.append((index, index, hours))
    return groups


def week_summary(profile: PracticeProfile, compact: bool = False) -> str:
    """The usual weekly hours, equal consecutive days grouped.

    Multi-line by default ("Monday to Wednesday: 9 am to 7 pm" ...); compact=True
    gives one SMS-sized line: "Mon-Wed 9am-7pm, Thu 9am-8pm, ..., Sun closed".
    """
    lines = []
    for first, last, hours in _weekly_groups(profile):
        if compact:
            days = _SHORT_DAYS[first] if first == last else f"{_SHORT_DAYS[first]}-{_SHORT_DAYS[last]}"
            lines.append(f"{days} {_compact_ranges_text(hours)}")
        else:
            first_name, last_name = WEEKDAYS[first].capitalize(), WEEKDAYS[last].capitalize()
            if first == last:
                days = first_name
            elif last == first + 1:
                days = f"{first_name} and {last_name}"
            else:
                days = f"{first_name} to {last_name}"
            lines.append(f"{days}: {_ranges_text(hours) if hours else 'closed'}")
    return ", ".join(lines) if compact else "\n".join(lines)


# -- which day does a question name? -------------------------------------------

_WEEKDAY_WORDS = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{name + "s": i for i, name in enumerate(WEEKDAYS)},
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "wednes": 2, "wendsday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursdays": 3, "fri": 4, "sat": 5, "sun": 6,
}
# Short forms that are also ordinary words ("I sat all day", "the sun").
_AMBIGUOUS_SHORT = {"mon", "wed", "sat", "sun"}
_NOT_BEFORE_SHORT = {"i", "we", "you", "he", "she", "they", "have", "had", "has", "just", "the", "in", "a"}

_MONTH_WORDS = {
    **{m.lower(): i + 1 for i, m in enumerate(MONTHS)},
    **{m.lower()[:3]: i + 1 for i, m in enumerate(MONTHS)},
    "sept": 9,
}
_MONTH_PATTERN = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)"

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
# 24/12, 12/24, 24/12/2026; dotted only with a year (24.12.2026), as 4.30 is a time.
_NUMERIC_DATE = re.compile(
    r"(?<![\d/.:])(\d{1,2})(?:/(\d{1,2})(?:/(\d{2}|\d{4}))?|\.(\d{1,2})\.(\d{4}))(?![\d/.:])"
)
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}}){_ORDINAL}?\s+(?:of\s+)?({_MONTH_PATTERN})\.?\b(?:,?\s+(\d{{4}})\b)?"
)
_MONTH_DAY = re.compile(
    rf"\b({_MONTH_PATTERN})\.?\s+(?:the\s+)?(\d{{1,2}}){_ORDINAL}?\b"
    r"(?!\s*(?:am|pm)\b|[:.]\d)"  # "may 3pm" is a time, not the 3rd of May
    r"(?:,?\s+(\d{4})\b)?"
)
_DAY_OF_MONTH = re.compile(
    rf"\bthe\s+(\d{{1,2}}){_ORDINAL}?\b"
    r"(?!\s*(?:time|visit|session|appointment|massage|[:.]\d|am\b|pm\b))"  # "the 1st time"
)
_RELATIVE_DAYS = (
    (re.compile(r"\b(?:the\s+)?day\s+after\s+(?:tomorrow|tmrw|tmr)\b"), 2),
    (re.compile(r"\b(?:today|tonight|tonite|this\s+(?:morning|afternoon|evening))\b"), 0),
    (re.compile(r"\b(?:tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|tmrow|tomoz|2morrow|2moro)\b"), 1),
    (re.compile(r"\byesterday\b"), -1),
)
_WEEKEND = re.compile(r"\b(?:(this|next|coming)\s+)?(?:week-?ends?|wknds?)\b")
_NAMED_DAYS = (  # (words, month, day); longest names first so "christmas eve" beats "christmas"
    ("christmas eve", 12, 24), ("xmas eve", 12, 24),
    ("new years eve", 12, 31), ("new year eve", 12, 31), ("nye", 12, 31),
    ("new years day", 1, 1), ("new years", 1, 1), ("new year", 1, 1),
    ("christmas day", 12, 25), ("christmas", 12, 25), ("xmas", 12, 25),
    ("boxing day", 12, 26),
)


@dataclass(frozen=True)
class DayMatch:
    """A day named in text: the local date, where it was said, and how."""

    date: dt.date
    span: Tuple[int, int]
    plain_weekday: bool = False  # "thursday" (may roll a week on), not "next thursday"
    weekend: bool = False


def normalize_text(text: str) -> str:
    """Lower case, straight apostrophes (then dropped), single spaces."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = re.sub(r"[\u2018\u2019\u02bc`']", "", text)
    text = re.sub(r"[\u2013\u2014]", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def _upcoming(month: int, day: int, today: dt.date, year: Optional[int] = None) -> Optional[dt.date]:
    """The date with this month/day on or after today (next year when passed)."""
    if year is not None:
        if year < 100:
            year += 2000
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    for candidate_year in (today.year, today.year + 1, today.year + 2, today.year + 3, today.year + 4):
        try:
            candidate = dt.date(candidate_year, month, day)
        except ValueError:
            continue  # 29 February
        if candidate >= today:
            return candidate
    return None


def _month_first(profile: PracticeProfile) -> bool:
    # US-style 12/24 for practices in the Americas; 24/12 elsewhere.
    return str(profile.timezone.key).startswith("America/")


def _explicit_date(text: str, profile: PracticeProfile, today: dt.date) -> Optional[DayMatch]:
    found = _ISO_DATE.search(text)
    if found:
        year, month, day = (int(g) for g in found.groups())
        date = _upcoming(month, day, today, year)
        if date:
            return DayMatch(date, found.span())
    found = _NUMERIC_DATE.search(text)
    if found and found.group() != "24/7":  # "open 24/7?" is not the 24th of July
        first = int(found.group(1))
        second = int(found.group(2) or found.group(4))
        year = found.group(3) or found.group(5)
        if first > 12:
            day, month = first, second
        elif second > 12:
            month, day = first, second
        elif _month_first(profile):
            month, day = first, second
        else:
            day, month = first, second
        if 1 <= month <= 12:
            date = _upcoming(month, day, today, int(year) if year else None)
            if date:
                return DayMatch(date, found.span())
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        found = pattern.search(text)
        if found:
            year = found.group(3)
            date = _upcoming(
                _MONTH_WORDS[found.group(month_group)], int(found.group(day_group)), today,
                int(year) if year else None,
            )
            if date:
                return DayMatch(date, found.span())
    return None


def _named_day(text: str, profile: PracticeProfile, today: dt.date) -> Optional[DayMatch]:
    # The profile's own holiday names first ("Thanksgiving", "Staff training day").
    specials = sorted(
        (d for d in profile.special_days.values() if d.date >= today),
        key=lambda d: (-len(d.reason), d.date),
    )
    for special in specials:
        name = normalize_text(special.reason)
        if len(name) < 4 or name in {"holiday", "special hours"}:
            continue
        found = re.search(rf"\b{re.escape(name)}\b", text)
        if found:
            return DayMatch(special.date, found.span())
    for words, month, day in _NAMED_DAYS:
        found = re.search(rf"\b{words}\b", text)
        if found:
            date = _upcoming(month, day, today)
            if date:
                return DayMatch(date, found.span())
    return None


def _day_of_month(text: str, today: dt.date) -> Optional[DayMatch]:
    found = _DAY_OF_MONTH.search(text)
    if not found:
        return None
    wanted = int(found.group(1))
    if not 1 <= wanted <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):  # the next month that has that day
        try:
            candidate = dt.date(year, month, wanted)
        except ValueError:
            candidate = None
        if candidate and candidate >= today:
            return DayMatch(candidate, found.span())
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _weekday(text: str, today: dt.date) -> Optional[DayMatch]:
    tokens = list(re.finditer(r"[a-z0-9]+", text))
    for index, token in enumerate(tokens):
        word = token.group()
        if word not in _WEEKDAY_WORDS:
            continue
        before = tokens[index - 1].group() if index else ""
        if word in _AMBIGUOUS_SHORT and before in _NOT_BEFORE_SHORT:
            continue
        wanted = _WEEKDAY_WORDS[word]
        ahead = (wanted - today.weekday()) % 7
        two_before = tokens[index - 2].group() if index >= 2 else ""
        if before in {"next", "coming"} or (before == "week" and two_before == "next"):
            # "next tuesday", "next week tuesday": the first one after today, never today.
            start = tokens[index - (2 if before == "week" else 1)].start()
            return DayMatch(today + dt.timedelta(days=ahead or 7), (start, token.end()))
        start = tokens[index - 1].start() if before == "this" else token.start()
        return DayMatch(
            today + dt.timedelta(days=ahead), (start, token.end()), plain_weekday=before != "this"
        )
    return None


def find_day_match(text: str, profile: PracticeProfile, today: dt.date) -> Optional[DayMatch]:
    """The local date a message names, with its span in normalize_text(text).

    Rules: explicit dates and holiday names beat relative words, which beat
    weekday names. A weekday means its next occurrence, today included; "next
    saturday" means the first Saturday after today. Dates without a year mean
    the next time that date comes round. The weekend means the coming Saturday.
    """
    text = normalize_text(text)
    for finder in (
        lambda: _explicit_date(text, profile, today),
        lambda: _named_day(text, profile, today),
    ):
        match = finder()
        if match:
            return match
    for pattern, offset in _RELATIVE_DAYS:
        found = pattern.search(text)
        if found:
            return DayMatch(today + dt.timedelta(days=offset), found.span())
    match = _day_of_month(text, today) or _weekday(text, today)
    if match:
        return match
    found = _WEEKEND.search(text)
    if found:
        ahead = (5 - today.weekday()) % 7
        if found.group(1) == "next" and ahead == 0:
            ahead = 7
        return DayMatch(today + dt.timedelta(days=ahead), found.span(), weekend=True)
    return None


def find_day_in_question(text: str, profile: PracticeProfile, now: dt.datetime) -> Optional[dt.date]:
    """The local date a question is about, or None when it names no day."""
    match = find_day_match(text, profile, local_now(profile, now).date())
    return match.date if match else None


# -- answers ------------------------------------------------------------------

_NOW_WORDS = re.compile(
    r"\b(?:now|right now|currently|at the moment|atm|still open|open yet|anyone there|closing soon)\b"
)


def ascii_text(text: str) -> str:
    """Plain ASCII (GSM-7 friendly): straight quotes, hyphens, no accents or symbols."""
    replacements = {
        "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
        "\u2026": "...", "\u00a0": " ", "\u00a3": "GBP ", "\u20ac": "EUR ",
    }
    for fancy, plain in replacements.items():
        text = text.replace(fancy, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[ \t]+", " ", text).strip()


def sms_safe(text: str) -> str:
    """ASCII text of at most two SMS segments, cut at a sentence, comma or word."""
    text = ascii_text(text)
    if len(text) <= SMS_MAX_CHARS:
        return text
    cut = text[:SMS_MAX_CHARS]
    for mark in (". ", ", ", " "):
        position = cut.rfind(mark)
        if position > SMS_MAX_CHARS // 2:
            return cut[: position + 1].rstrip(" ,")
    return cut


def _status_sentence(profile: PracticeProfile, now: dt.datetime, answer_yes: bool = False) -> str:
    closing = closes_at(profile, now)
    if closing is not None:
        lead = "Yes, we're" if answer_yes else "We're"
        return f"{lead} open right now, until {time_text(closing.time())}."
    opening = next_opening(profile, now)
    # Say why a longer gap than usual: holidays between now and the next opening.
    today = local_now(profile, now).date()
    opening_day = opening.astimezone(profile.timezone).date()
    closures = [
        f"{day_phrase(day, today)} ({special.reason})"
        for day, special in sorted(profile.special_days.items())
        if today <= day < opening_day and not special.hours
    ][:2]
    if not closures:
        closed_when = "right now"
    elif closures[0].startswith("today"):
        closed_when = " and ".join(closures)
    else:
        closed_when = "right now and " + " and ".join(closures)
    return f"We're closed {closed_when}. We open {describe_moment(profile, opening, now)}."


def _day_sentence(profile: PracticeProfile, day: dt.date, now: dt.datetime) -> str:
    today = local_now(profile, now).date()
    phrase = day_phrase(day, today)
    ranges = open_ranges(profile, day)
    special = profile.special_days.get(day)
    note = f" ({special.reason})" if special else ""
    past = day < today
    if ranges:
        lead = phrase[0].upper() + phrase[1:]
        we_are = "we were" if past else "we're"
        return f"{lead} {we_are} open {_ranges_text(ranges)}{note}."
    if past:
        return f"We were closed {phrase}{note}."
    after_day = local_datetime(day, dt.time(23, 59), profile.timezone)
    reopen = describe_moment(profile, next_opening(profile, after_day), now)
    return f"We're closed {phrase}{note}. We open again {reopen}."


def _upcoming_specials(profile: PracticeProfile, today: dt.date, days: int = 7) -> List[str]:
    notes = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        if day in profile.special_days:
            notes.append(f"{date_text(day)}: {day_hours_text(profile, day)}")
    return notes


def answer_hours_question(profile: PracticeProfile, text: str, now: dt.datetime) -> Tuple[str, str]:
    """A warm, short answer to an hours question: (web text, SMS text).

    "Are you open now?" gives the current status and the next opening; a named
    day gives that day's hours (Saturday and Sunday for the weekend); anything
    else gives today's status and the weekly hours.
    """
    local = local_now(profile, now)
    today = local.date()
    match = find_day_match(text, profile, today)
    asks_now = bool(_NOW_WORDS.search(normalize_text(text)))

    if match is not None and match.weekend:
        saturday, sunday = match.date, match.date + dt.timedelta(days=1)
        web = (
            f"Our weekend hours: Saturday {day_hours_text(profile, saturday)}, "
            f"Sunday {day_hours_text(profile, sunday)}."
        )
        if not open_ranges(profile, saturday) and not open_ranges(profile, sunday):
            after_weekend = local_datetime(sunday, dt.time(23, 59), profile.timezone)
            web += f" We open again {describe_moment(profile, next_opening(profile, after_weekend), now)}."
        if today in (saturday, sunday):
            web = f"{_status_sentence(profile, now)} {web}"
        return web, sms_safe(web)

    if match is not None and match.date != today:
        web = _day_sentence(profile, match.date, now)
        return web, sms_safe(web)

    if match is not None or asks_now:
        status = _status_sentence(profile, now, answer_yes=True)
        # About today: the status, plus today's full hours when they add something.
        ranges = open_ranges(profile, today)
        closing = closes_at(profile, now)
        extra = ""
        if ranges and (len(ranges) > 1 or (closing is None and local.time() < ranges[0][0])):
            extra = f" Today's hours are {day_hours_text(profile, today)}."
        web = status + extra
        return web, sms_safe(web)

    status = _status_sentence(profile, now)
    notes = _upcoming_specials(profile, today)
    web = f"{status}\n\nOur usual hours:\n{week_summary(profile)}"
    sms = f"{status} Hours: {week_summary(profile, compact=True)}."
    if notes:
        web += "\n\nComing up: " + "; ".join(notes) + "."
        with_notes = f"{sms} Note: {'; '.join(notes)}."
        if len(ascii_text(with_notes)) <= SMS_MAX_CHARS:
            sms = with_notes
    return web, sms_safe(sms)
