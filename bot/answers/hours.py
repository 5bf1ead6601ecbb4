"""The answer to an hours question: open now?, a named day, the weekend, or the usual week."""

from __future__ import annotations

import datetime as dt
import re
from typing import List, Tuple

from bot.channels.sms_text import fit_to_two_segments, fits_two_segments, to_sms_text
from bot.dates.day_mentions import find_day_match, normalize_text
from bot.practice.profile import PracticeProfile
from bot.practice.schedule import closes_at, local_datetime, local_now, next_opening, open_ranges
from bot.practice.wording import (
    date_text,
    day_hours_text,
    day_phrase,
    describe_moment,
    ranges_text,
    time_text,
    week_summary,
)

_NOW_WORDS = re.compile(
    r"\b(?:now|right now|currently|at the moment|atm|still open|open yet|anyone there|closing soon)\b"
)


def sms_safe(text: str) -> str:
    """Plain ASCII of at most two SMS segments."""
    return fit_to_two_segments(to_sms_text(text))


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
        return f"{lead} {we_are} open {ranges_text(ranges)}{note}."
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
        if fits_two_segments(to_sms_text(with_notes)):
            sms = with_notes
    return web, sms_safe(sms)
