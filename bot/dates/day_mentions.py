"""Which day a client's message means: "thursday", "next sat", "the 3rd", "24/12", "christmas eve".

Used for hours questions ("are you open on the 24th?") and booking times alike
(bot.dates.requested_time). Everything is in the practice's local dates.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional, Tuple

from bot.practice.profile import WEEKDAYS, PracticeProfile
from bot.practice.wording import MONTHS

_WEEKDAY_WORDS = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{name + "s": i for i, name in enumerate(WEEKDAYS)},
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "weds": 2,
    "wednes": 2,
    "wendsday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursdays": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
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
_NUMERIC_DATE = re.compile(r"(?<![\d/.:])(\d{1,2})(?:/(\d{1,2})(?:/(\d{2}|\d{4}))?|\.(\d{1,2})\.(\d{4}))(?![\d/.:])")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}){_ORDINAL}?\s+(?:of\s+)?({_MONTH_PATTERN})\.?\b(?:,?\s+(\d{{4}})\b)?")
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
    ("christmas eve", 12, 24),
    ("xmas eve", 12, 24),
    ("new years eve", 12, 31),
    ("new year eve", 12, 31),
    ("nye", 12, 31),
    ("new years day", 1, 1),
    ("new years", 1, 1),
    ("new year", 1, 1),
    ("christmas day", 12, 25),
    ("christmas", 12, 25),
    ("xmas", 12, 25),
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
                _MONTH_WORDS[found.group(month_group)],
                int(found.group(day_group)),
                today,
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


def _weekday_word(word: str) -> Optional[int]:
    """The weekday a word names, misspellings included ("tusday", "frday", "thrusday")."""
    if word in _WEEKDAY_WORDS:
        return _WEEKDAY_WORDS[word]
    if len(word) >= 5 and word.endswith(("day", "dy", "ay")):
        ratio, index = max((difflib.SequenceMatcher(None, word, name).ratio(), i) for i, name in enumerate(WEEKDAYS))
        if ratio >= 0.8 and word[0] == WEEKDAYS[index][0]:
            return index
    return None


def _weekday(text: str, today: dt.date) -> Optional[DayMatch]:
    tokens = list(re.finditer(r"[a-z0-9]+", text))
    for index, token in enumerate(tokens):
        word = token.group()
        wanted = _weekday_word(word)
        if wanted is None:
            continue
        before = tokens[index - 1].group() if index else ""
        if word in _AMBIGUOUS_SHORT and before in _NOT_BEFORE_SHORT:
            continue
        ahead = (wanted - today.weekday()) % 7
        two_before = tokens[index - 2].group() if index >= 2 else ""
        if before in {"next", "coming"} or (before == "week" and two_before == "next"):
            # "next tuesday", "next week tuesday": the first one after today, never today.
            start = tokens[index - (2 if before == "week" else 1)].start()
            return DayMatch(today + dt.timedelta(days=ahead or 7), (start, token.end()))
        start = tokens[index - 1].start() if before == "this" else token.start()
        return DayMatch(today + dt.timedelta(days=ahead), (start, token.end()), plain_weekday=before != "this")
    return None


# A month without a day, after a word that makes it a time ("next june", "in august", "sometime in may").
_MONTH_ONLY = re.compile(
    r"\b(?:in|next|this|early|late|mid|during|around|sometime(?:\s+in)?)\s+(january|february|march|april|may|june|july"
    r"|august|september|october|november|december)\b"
)


def month_named(text: str, today: dt.date) -> Optional[dt.date]:
    """The first day of a month named without a day ("sometime next june"): its next start, or today in it."""
    found = _MONTH_ONLY.search(normalize_text(text))
    if not found:
        return None
    month = _MONTH_WORDS[found.group(1)]
    if month == today.month and not found.group(0).startswith("next"):
        return today
    year = today.year if month > today.month else today.year + 1
    return dt.date(year, month, 1)


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
