"""How dates, times and opening hours are said to a client, in plain words.

"9 am", "noon", "tomorrow", "on Friday 2 January", "Monday to Wednesday: 9 am to 7 pm".
Pure functions; the practice's time zone comes from the profile.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional, Sequence, Tuple

from bot.practice.profile import WEEKDAYS, PracticeProfile, TimeRange
from bot.practice.schedule import local_now, open_ranges

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def time_text(time: dt.time, compact: bool = False) -> str:
    """9 am, 1:30 pm, noon, midnight; compact (SMS summaries): 9am, 1:30pm, 12pm, 12am."""
    if not compact and time.minute == 0 and time.hour in (0, 12):
        return "noon" if time.hour == 12 else "midnight"
    hour = time.hour % 12 or 12
    suffix = "am" if time.hour < 12 else "pm"
    minutes = f":{time.minute:02d}" if time.minute else ""
    return f"{hour}{minutes}{'' if compact else ' '}{suffix}"


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


def ranges_text(ranges: Sequence[TimeRange]) -> str:
    return " and ".join(f"{time_text(a)} to {time_text(b)}" for a, b in ranges)


def _compact_ranges_text(ranges: Sequence[TimeRange]) -> str:
    if not ranges:
        return "closed"
    return "/".join(f"{time_text(a, compact=True)}-{time_text(b, compact=True)}" for a, b in ranges)


def day_hours_text(profile: PracticeProfile, day: dt.date) -> str:
    """'9 am to 7 pm', 'closed', 'closed (Christmas Day)', '9 am to 1 pm (Christmas Eve)'."""
    ranges = open_ranges(profile, day)
    text = ranges_text(ranges) if ranges else "closed"
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
            lines.append(f"{days}: {ranges_text(hours) if hours else 'closed'}")
    return ", ".join(lines) if compact else "\n".join(lines)


def describe_slot(profile: PracticeProfile, start: dt.datetime, now: dt.datetime) -> str:
    """'Thursday 26 November at 4 pm': always the weekday and the date, even for today or tomorrow.

    A booking summary is where a misread day gets caught ("mon" read as tomorrow),
    so it never says only "tomorrow". The text parses back to the same time, so it
    can be a button's payload.
    """
    local = start.astimezone(profile.timezone)
    today = local_now(profile, now).date()
    return f"{date_text(local.date(), needs_year(local.date(), today))} at {time_text(local.time())}"


def free_times_text(slots: Sequence[dt.datetime]) -> str:
    """'Free then: 10 am, 12:30 pm or 1 pm.' for one day's free start times ('' when none)."""
    times = [time_text(slot.timetz().replace(tzinfo=None)) for slot in slots]
    if not times:
        return ""
    joined = times[0] if len(times) == 1 else ", ".join(times[:-1]) + " or " + times[-1]
    return f"Free then: {joined}."


def time_problem_text(profile: PracticeProfile, problem: Optional[str]) -> str:
    """Why a requested time can't be booked (bot.dates.requested_time's problem codes), in one sentence."""
    return {
        "past": "That time has already passed.",
        "closed": "We're closed then.",
        "too_soon": f"That's a little too soon for us to prepare (we need {profile.min_notice_hours} hours' notice).",
        "too_far": f"We only take requests up to {profile.max_days_ahead} days ahead.",
        "busy": "Sorry, that time is already booked.",
    }.get(problem or "", "Sorry, I couldn't work out the day and time.")
