"""Days and times as clients write them: every weekday said on every other weekday, short
forms, parts of the day, "next week sometime", and both DST changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.dates import requested_time
from bot.practice import wording
from tests.unit.profile_factory import make_test_profile

LA = ZoneInfo("America/Los_Angeles")
# Monday 12 to Sunday 18 October 2026: an ordinary week (the 16th is a training day, closed).
WEEK = [dt.date(2026, 10, 12) + dt.timedelta(days=n) for n in range(7)]
SPOKEN = {
    0: ["monday", "Mon", "mon", "mondays"],
    1: ["tuesday", "tue", "tues", "Tues."],
    2: ["wednesday", "wed", "weds"],
    3: ["thursday", "thu", "thur", "thurs"],
    4: ["friday", "fri", "Fri"],
    5: ["saturday", "sat"],
    6: ["sunday", "sun"],
}


@pytest.fixture(scope="module")
def profile():
    return make_test_profile(min_notice_hours=1, max_days_ahead=60)


def morning_of(day: dt.date, hour: int = 8) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LA)


def parse(text, profile, now, **hints):
    return requested_time.parse_requested_time(text, profile, now, **hints)


@pytest.mark.parametrize("today", WEEK, ids=[d.strftime("%A") for d in WEEK])
@pytest.mark.parametrize("weekday", range(7), ids=[w[0] for w in SPOKEN.values()])
def test_every_weekday_from_every_weekday_means_its_next_occurrence(profile, today, weekday):
    ahead = (weekday - today.weekday()) % 7  # today itself while 10 am is still ahead
    for said in SPOKEN[weekday]:
        parsed = parse(f"{said} 10am", profile, morning_of(today))
        assert parsed.start == dt.datetime.combine(today + dt.timedelta(days=ahead), dt.time(10), tzinfo=LA), said
        assert parsed.day_given
        # Without a time: that day, to be asked what time (today's name on a day
        # with nothing left open, like the closed 16th or a Sunday, means next week's).
        day_only = parse(said, profile, morning_of(today))
        nothing_left_today = (
            ahead == 0 and not requested_time.next_open_slots(profile, morning_of(today), 60, 1)[0].date() == today
        )
        expected_day = today + dt.timedelta(days=7 if nothing_left_today else ahead)
        assert day_only.date_only and day_only.start.date() == expected_day, said


@pytest.mark.parametrize("today", WEEK, ids=[d.strftime("%A") for d in WEEK])
def test_a_weekday_whose_time_has_passed_today_means_next_week(profile, today):
    said = SPOKEN[today.weekday()][1]
    parsed = parse(f"{said} 10am", profile, morning_of(today, 15))
    assert parsed.start.date() == today + dt.timedelta(days=7)


def test_mon_on_a_wednesday_is_next_monday_never_tomorrow(profile):
    wednesday = morning_of(dt.date(2026, 10, 14), 10)
    parsed = parse("mon 10am", profile, wednesday)
    assert parsed.ok and parsed.start == dt.datetime(2026, 10, 19, 10, tzinfo=LA)
    assert wording.describe_slot(profile, parsed.start, wednesday) == "Monday 19 October at 10 am"


@pytest.mark.parametrize("today", WEEK[:5], ids=[d.strftime("%A") for d in WEEK[:5]])
def test_tomorrow_at_an_hour_is_read_in_one_go(profile, today):
    parsed = parse("tomorrow at 11", profile, morning_of(today))
    assert not parsed.date_only
    assert parsed.start == dt.datetime.combine(today + dt.timedelta(days=1), dt.time(11), tzinfo=LA)


@pytest.mark.parametrize("today", WEEK[:5], ids=[d.strftime("%A") for d in WEEK[:5]])
def test_a_weekend_morning_keeps_both_the_day_and_the_morning(profile, today):
    parsed = parse("sat morning", profile, morning_of(today))
    assert parsed.ok and parsed.date_only and parsed.part_of_day == "morning"
    saturday = dt.date(2026, 10, 17)
    assert parsed.start.date() == saturday
    # Saturday opens at 10: the morning's first open half hours.
    assert [s.time() for s in parsed.suggestions] == [dt.time(10), dt.time(10, 30), dt.time(11)]
    # The answer to "What time on Saturday morning?" needs nothing said twice.
    for answer, expected in (("10", dt.time(10)), ("10:30", dt.time(10, 30)), ("any", dt.time(10))):
        timed = parse(answer, profile, morning_of(today), on_day=saturday, part_of_day_said="morning")
        assert timed.ok and timed.start == dt.datetime.combine(saturday, expected, tzinfo=LA), answer


@pytest.mark.parametrize(
    "text, part",
    [("after work", "evening"), ("fri arvo", "afternoon"), ("mornings", "morning"), ("lunchtime", "lunchtime")],
)
def test_parts_of_the_day(profile, text, part):
    assert parse(text, profile, morning_of(WEEK[0])).part_of_day == part


@pytest.mark.parametrize("today", WEEK, ids=[d.strftime("%A") for d in WEEK])
def test_next_week_sometime_names_the_week_not_a_day(profile, today):
    parsed = parse("next week sometime", profile, morning_of(today))
    assert parsed.ok and parsed.start is None and parsed.week_of == dt.date(2026, 10, 19)
    assert parsed.suggestions and all(
        dt.date(2026, 10, 19) <= s.date() < dt.date(2026, 10, 26) for s in parsed.suggestions
    )
    # A plain weekday said next is that week's, even when this week's is still ahead.
    parsed = parse("friday at 2", profile, morning_of(today), week_of=dt.date(2026, 10, 19))
    assert parsed.start == dt.datetime(2026, 10, 23, 14, tzinfo=LA)


@pytest.mark.parametrize("text, hour", [("10", 10), ("3", 15), ("tues 2", 14), ("thurs 4", 16)])
def test_a_bare_hour_after_a_day_or_alone_is_the_time(profile, text, hour):
    parsed = parse(text, profile, morning_of(WEEK[0]))
    assert parsed.start is not None and parsed.start.hour == hour and not parsed.date_only


def test_mentions_use_our_rules_only(profile):
    today = WEEK[0]
    for text in ("Sam, tomorrow at 3", "sat morning", "after work", "mon", "next week"):
        assert requested_time.mentions_day_or_time(text, profile, today), text
    for text in ("Dana Kowalski", "April Jones", "I sat down", "30", "60 minute massage", "may I"):
        assert not requested_time.mentions_day_or_time(text, profile, today), text


# -- both DST changes (2026: spring forward 8 March, fall back 1 November) -----------------


@pytest.mark.parametrize(
    "now, text, expected, offset_hours",
    [
        # Saturday before spring forward (PST) -> Monday after (PDT).
        (dt.datetime(2026, 3, 7, 9, tzinfo=LA), "mon 10am", dt.datetime(2026, 3, 9, 10, tzinfo=LA), -7),
        (dt.datetime(2026, 3, 7, 9, tzinfo=LA), "tues 2", dt.datetime(2026, 3, 10, 14, tzinfo=LA), -7),
        (dt.datetime(2026, 3, 6, 9, tzinfo=LA), "sat 11", dt.datetime(2026, 3, 7, 11, tzinfo=LA), -8),
        # Friday before fall back (PDT) -> Monday after (PST).
        (dt.datetime(2026, 10, 30, 9, tzinfo=LA), "mon 10am", dt.datetime(2026, 11, 2, 10, tzinfo=LA), -8),
        (dt.datetime(2026, 10, 30, 9, tzinfo=LA), "wed at 4", dt.datetime(2026, 11, 4, 16, tzinfo=LA), -8),
        (dt.datetime(2026, 10, 30, 9, tzinfo=LA), "tomorrow at 11", dt.datetime(2026, 10, 31, 11, tzinfo=LA), -7),
    ],
)
def test_weekdays_across_both_dst_changes(profile, now, text, expected, offset_hours):
    parsed = parse(text, profile, now)
    assert parsed.ok, parsed
    assert parsed.start == expected
    assert parsed.start.utcoffset() == dt.timedelta(hours=offset_hours)
    assert wording.describe_slot(profile, parsed.start, now).startswith(expected.strftime("%A %-d %B"))


@pytest.mark.parametrize("now", [dt.datetime(2026, 3, 4, 9, tzinfo=LA), dt.datetime(2026, 10, 28, 9, tzinfo=LA)])
def test_next_week_sometime_across_a_dst_change(profile, now):
    parsed = parse("next week sometime", profile, now)
    monday = now.date() + dt.timedelta(days=7 - now.weekday())
    assert parsed.week_of == monday
    assert parsed.suggestions[0] == dt.datetime.combine(monday, dt.time(9), tzinfo=LA)


@pytest.mark.parametrize(
    "text, weekday",
    [("tusday 4pm", 1), ("frday at 3pm", 4), ("thrusday at 2", 3), ("wensday at 11", 2), ("satuday 10am", 5)],
)
def test_misspelt_weekdays(profile, text, weekday):
    parsed = parse(text, profile, morning_of(WEEK[0]))  # said on a Monday
    assert parsed.start.weekday() == weekday and parsed.start.date() > WEEK[0]


@pytest.mark.parametrize("text", ["sundae", "money", "fridge", "someday soon", "my birthday"])
def test_words_near_a_weekday_are_not_one(profile, text):
    assert parse(text, profile, morning_of(WEEK[0])).day_given is False


def test_pm_on_its_own_is_the_afternoon(profile):
    parsed = parse("need a massage asap, 2moro pm ok?", profile, morning_of(WEEK[1]))
    assert parsed.ok and parsed.start == dt.datetime(2026, 10, 14, 12, tzinfo=LA)  # tomorrow's first afternoon time


def test_a_month_beyond_the_booking_window_is_too_far_not_unreadable(profile):
    assert parse("sometime next june", profile, morning_of(WEEK[0])).problem == requested_time.TOO_FAR
    within = parse("sometime in november", profile, morning_of(WEEK[0]))
    assert within.ok and within.week_of == dt.date(2026, 10, 26)  # the week the month starts in
    assert not requested_time.mentions_day_or_time("may I come in?", profile, WEEK[0])
