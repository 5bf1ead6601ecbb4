"""Opening hours as moments, and how they are said: bot.practice.schedule and bot.practice.wording."""

import datetime as dt

import pytest

from bot.practice import schedule, wording
from tests.unit.profile_factory import LA, TUESDAY_10AM, UTC, at, make_test_profile

make_profile = make_test_profile
NOW = TUESDAY_10AM


@pytest.fixture(scope="module")
def profile():
    return make_profile()


# -- open / closed edges ---------------------------------------------------------


@pytest.mark.parametrize(
    "moment, expected",
    [
        (at(2026, 10, 13, 8, 59, 59), False),
        (at(2026, 10, 13, 9, 0), True),  # exactly at opening
        (at(2026, 10, 13, 16, 59, 59), True),
        (at(2026, 10, 13, 17, 0), False),  # exactly at closing
        (at(2026, 10, 15, 11, 59), True),  # Thursday morning range
        (at(2026, 10, 15, 12, 0), False),  # Thursday lunch gap
        (at(2026, 10, 15, 13, 0), True),
        (at(2026, 10, 18, 12, 0), False),  # Sunday
        (at(2026, 12, 25, 11, 0), False),  # holiday on a Friday
        (at(2026, 12, 24, 12, 59), True),  # Christmas Eve short hours
        (at(2026, 12, 24, 13, 0), False),
        (at(2026, 10, 16, 11, 0), False),  # exception: closed for training
    ],
)
def test_is_open_edges(profile, moment, expected):
    assert schedule.is_open(profile, moment) is expected


def test_closes_at_when_open_and_none_when_closed(profile):
    assert schedule.closes_at(profile, at(2026, 10, 13, 9, 0)) == at(2026, 10, 13, 17, 0)
    assert schedule.closes_at(profile, at(2026, 10, 15, 11, 0)) == at(2026, 10, 15, 12, 0)
    assert schedule.closes_at(profile, at(2026, 12, 24, 10, 0)) == at(2026, 12, 24, 13, 0)
    assert schedule.closes_at(profile, at(2026, 10, 13, 17, 0)) is None


def test_touching_ranges_count_as_one_opening():
    profile = make_profile(monday="09:00-12:00, 12:00-17:00")
    assert schedule.closes_at(profile, at(2026, 10, 12, 11, 0)) == at(2026, 10, 12, 17, 0)
    assert wording.day_hours_text(profile, dt.date(2026, 10, 12)) == "9 am to 5 pm"


def test_next_opening_is_strictly_after_now(profile):
    # Closed before opening: today's opening.
    assert schedule.next_opening(profile, at(2026, 10, 13, 8, 0)) == at(2026, 10, 13, 9, 0)
    # Open (even at the opening minute): the opening after this range closes.
    assert schedule.next_opening(profile, at(2026, 10, 13, 9, 0)) == at(2026, 10, 14, 9, 0)
    # Thursday lunch gap: the afternoon range.
    assert schedule.next_opening(profile, at(2026, 10, 15, 12, 30)) == at(2026, 10, 15, 13, 0)


def test_overnight_after_hours_opens_tomorrow_at_nine(profile):
    late = at(2026, 10, 13, 22, 30)
    assert wording.describe_moment(profile, schedule.next_opening(profile, late), late) == "tomorrow at 9 am"
    small_hours = at(2026, 10, 14, 1, 0)
    assert wording.describe_moment(profile, schedule.next_opening(profile, small_hours), small_hours) == "today at 9 am"


def test_saturday_evening_next_opening_is_monday(profile):
    saturday_evening = at(2026, 10, 17, 18, 0)
    opening = schedule.next_opening(profile, saturday_evening)
    assert opening == at(2026, 10, 19, 9, 0)
    assert wording.describe_moment(profile, opening, saturday_evening) == "on Monday at 9 am"


def test_holidays_and_exceptions_push_the_next_opening(profile):
    # Christmas Eve closes at 1 pm; Christmas Day is a holiday; Saturday opens at 10.
    after_eve = at(2026, 12, 24, 13, 30)
    assert schedule.next_opening(profile, after_eve) == at(2026, 12, 26, 10, 0)
    # Thursday night before the Friday training day: Saturday.
    thursday_night = at(2026, 10, 15, 21, 0)
    assert wording.describe_moment(profile, schedule.next_opening(profile, thursday_night), thursday_night) == (
        "on Saturday at 10 am"
    )


def test_describe_moment_wording(profile):
    assert wording.describe_moment(profile, at(2026, 10, 13, 13, 30), NOW) == "today at 1:30 pm"
    assert wording.describe_moment(profile, at(2026, 10, 14, 12, 0), NOW) == "tomorrow at noon"
    assert wording.describe_moment(profile, at(2026, 10, 19, 10, 0), NOW) == "on Monday at 10 am"
    # A week or more ahead gets the full date.
    assert wording.describe_moment(profile, at(2026, 10, 20, 9, 0), NOW) == "on Tuesday 20 October at 9 am"
    assert wording.describe_moment(profile, at(2027, 1, 8, 9, 0), at(2026, 12, 20, 9, 0)) == (
        "on Friday 8 January at 9 am"
    )
    # A moment given in UTC is described in local time.
    assert wording.describe_moment(profile, dt.datetime(2026, 10, 14, 16, 0, tzinfo=UTC), NOW) == "tomorrow at 9 am"


def test_time_text():
    assert wording.time_text(dt.time(9, 0)) == "9 am"
    assert wording.time_text(dt.time(13, 30)) == "1:30 pm"
    assert wording.time_text(dt.time(12, 0)) == "noon"
    assert wording.time_text(dt.time(0, 0)) == "midnight"
    assert wording.time_text(dt.time(0, 30)) == "12:30 am"
    assert wording.time_text(dt.time(12, 0), compact=True) == "12pm"


def test_day_hours_text(profile):
    assert wording.day_hours_text(profile, dt.date(2026, 10, 13)) == "9 am to 5 pm"
    assert wording.day_hours_text(profile, dt.date(2026, 10, 15)) == "9 am to noon and 1 pm to 8 pm"
    assert wording.day_hours_text(profile, dt.date(2026, 10, 18)) == "closed"
    assert wording.day_hours_text(profile, dt.date(2026, 12, 25)) == "closed (Christmas Day)"
    assert wording.day_hours_text(profile, dt.date(2026, 12, 24)) == "9 am to 1 pm (Christmas Eve)"


def test_week_summary_groups_equal_consecutive_days(profile):
    assert wording.week_summary(profile).splitlines() == [
        "Monday to Wednesday: 9 am to 5 pm",
        "Thursday: 9 am to noon and 1 pm to 8 pm",
        "Friday: 9 am to 5 pm",
        "Saturday: 10 am to 2 pm",
        "Sunday: closed",
    ]
    assert wording.week_summary(profile, compact=True) == (
        "Mon-Wed 9am-5pm, Thu 9am-12pm/1pm-8pm, Fri 9am-5pm, Sat 10am-2pm, Sun closed"
    )
    weekend_closed = make_profile(thursday="09:00-17:00", saturday="closed")
    assert wording.week_summary(weekend_closed, compact=True) == "Mon-Fri 9am-5pm, Sat-Sun closed"
    assert wording.week_summary(weekend_closed).splitlines()[-1] == "Saturday and Sunday: closed"


# -- daylight saving time --------------------------------------------------------


def test_spring_forward_weekday_opening_follows_local_clock(profile):
    # Monday 9 March 2026: 9 am is now 16:00 UTC (PDT), not 17:00 (PST).
    assert schedule.is_open(profile, dt.datetime(2026, 3, 9, 16, 0, tzinfo=UTC))
    assert not schedule.is_open(profile, dt.datetime(2026, 3, 9, 15, 59, tzinfo=UTC))
    opening = schedule.next_opening(profile, at(2026, 3, 8, 7, 0))
    assert opening == at(2026, 3, 9, 9, 0)
    assert opening.utcoffset() == dt.timedelta(hours=-7)


def test_spring_forward_night_clinic_across_the_gap(profile):
    # 10:30 UTC is 3:30 am PDT, just after clocks jumped from 2 am to 3 am.
    during = dt.datetime(2026, 3, 8, 10, 30, tzinfo=UTC)
    assert schedule.is_open(profile, during)
    assert schedule.closes_at(profile, during).astimezone(UTC) == dt.datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    opening = schedule.next_opening(profile, at(2026, 3, 7, 15, 0))
    assert opening.astimezone(UTC) == dt.datetime(2026, 3, 8, 9, 0, tzinfo=UTC)  # 1 am PST


def test_fall_back_weekday_opening_follows_local_clock(profile):
    # Monday 2 November 2026: 9 am is 17:00 UTC (PST).
    assert schedule.is_open(profile, dt.datetime(2026, 11, 2, 17, 0, tzinfo=UTC))
    assert not schedule.is_open(profile, dt.datetime(2026, 11, 2, 16, 30, tzinfo=UTC))


def test_fall_back_repeated_hour_is_open_both_times(profile):
    first_130 = dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 1:30 am PDT
    second_130 = dt.datetime(2026, 11, 1, 9, 30, tzinfo=UTC)  # 1:30 am PST
    assert schedule.is_open(profile, first_130) and schedule.is_open(profile, second_130)
    # The clinic closes at 3 am PST = 11:00 UTC, three real hours after 8:00 UTC.
    assert schedule.closes_at(profile, first_130).astimezone(UTC) == dt.datetime(2026, 11, 1, 11, 0, tzinfo=UTC)


def test_local_datetime_moves_a_skipped_time_forward():
    moved = schedule.local_datetime(dt.date(2026, 3, 8), dt.time(2, 30), LA)
    assert (moved.hour, moved.minute) == (3, 30)
    assert moved.utcoffset() == dt.timedelta(hours=-7)
    repeated = schedule.local_datetime(dt.date(2026, 11, 1), dt.time(1, 30), LA)
    assert repeated.utcoffset() == dt.timedelta(hours=-7)  # the first 1:30


# -- other time zones, `now` given in UTC ------------------------------------------


def test_london_profile_with_utc_clock():
    london = make_profile(timezone="Europe/London", holidays=[], exceptions=[])
    # Summer (BST, UTC+1): Monday 9 am local is 08:00 UTC.
    assert schedule.is_open(london, dt.datetime(2026, 7, 6, 8, 0, tzinfo=UTC))
    assert not schedule.is_open(london, dt.datetime(2026, 7, 6, 7, 59, tzinfo=UTC))
    # Winter (GMT): 9 am local is 09:00 UTC.
    assert schedule.is_open(london, dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    assert not schedule.is_open(london, dt.datetime(2026, 1, 5, 8, 59, tzinfo=UTC))
    closing = schedule.closes_at(london, dt.datetime(2026, 7, 6, 12, 0, tzinfo=UTC))
    assert closing.tzinfo.key == "Europe/London" and closing.hour == 17


def test_aware_now_is_required(profile):
    with pytest.raises(ValueError):
        schedule.is_open(profile, dt.datetime(2026, 10, 13, 10, 0))
