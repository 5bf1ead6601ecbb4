"""Opening hours with a pinned clock: edges, holidays, DST, other time zones, answers."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot import hours
from tests.unit.profile_factory import make_test_profile

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.timezone.utc


make_profile = make_test_profile


@pytest.fixture(scope="module")
def profile():
    return make_profile()


def at(year, month, day, hour=0, minute=0, second=0, tz=LA):
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)


# Tuesday 13 October 2026, 10:00 in Los Angeles.
NOW = at(2026, 10, 13, 10, 0)


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
    assert hours.is_open(profile, moment) is expected


def test_closes_at_when_open_and_none_when_closed(profile):
    assert hours.closes_at(profile, at(2026, 10, 13, 9, 0)) == at(2026, 10, 13, 17, 0)
    assert hours.closes_at(profile, at(2026, 10, 15, 11, 0)) == at(2026, 10, 15, 12, 0)
    assert hours.closes_at(profile, at(2026, 12, 24, 10, 0)) == at(2026, 12, 24, 13, 0)
    assert hours.closes_at(profile, at(2026, 10, 13, 17, 0)) is None


def test_touching_ranges_count_as_one_opening():
    profile = make_profile(monday="09:00-12:00, 12:00-17:00")
    assert hours.closes_at(profile, at(2026, 10, 12, 11, 0)) == at(2026, 10, 12, 17, 0)
    assert hours.day_hours_text(profile, dt.date(2026, 10, 12)) == "9 am to 5 pm"


def test_next_opening_is_strictly_after_now(profile):
    # Closed before opening: today's opening.
    assert hours.next_opening(profile, at(2026, 10, 13, 8, 0)) == at(2026, 10, 13, 9, 0)
    # Open (even at the opening minute): the opening after this range closes.
    assert hours.next_opening(profile, at(2026, 10, 13, 9, 0)) == at(2026, 10, 14, 9, 0)
    # Thursday lunch gap: the afternoon range.
    assert hours.next_opening(profile, at(2026, 10, 15, 12, 30)) == at(2026, 10, 15, 13, 0)


def test_overnight_after_hours_opens_tomorrow_at_nine(profile):
    late = at(2026, 10, 13, 22, 30)
    assert hours.describe_moment(profile, hours.next_opening(profile, late), late) == "tomorrow at 9 am"
    small_hours = at(2026, 10, 14, 1, 0)
    assert hours.describe_moment(profile, hours.next_opening(profile, small_hours), small_hours) == "today at 9 am"


def test_saturday_evening_next_opening_is_monday(profile):
    saturday_evening = at(2026, 10, 17, 18, 0)
    opening = hours.next_opening(profile, saturday_evening)
    assert opening == at(2026, 10, 19, 9, 0)
    assert hours.describe_moment(profile, opening, saturday_evening) == "on Monday at 9 am"


def test_holidays_and_exceptions_push_the_next_opening(profile):
    # Christmas Eve closes at 1 pm; Christmas Day is a holiday; Saturday opens at 10.
    after_eve = at(2026, 12, 24, 13, 30)
    assert hours.next_opening(profile, after_eve) == at(2026, 12, 26, 10, 0)
    # Thursday night before the Friday training day: Saturday.
    thursday_night = at(2026, 10, 15, 21, 0)
    assert hours.describe_moment(profile, hours.next_opening(profile, thursday_night), thursday_night) == (
        "on Saturday at 10 am"
    )


def test_describe_moment_wording(profile):
    assert hours.describe_moment(profile, at(2026, 10, 13, 13, 30), NOW) == "today at 1:30 pm"
    assert hours.describe_moment(profile, at(2026, 10, 14, 12, 0), NOW) == "tomorrow at noon"
    assert hours.describe_moment(profile, at(2026, 10, 19, 10, 0), NOW) == "on Monday at 10 am"
    # A week or more ahead gets the full date.
    assert hours.describe_moment(profile, at(2026, 10, 20, 9, 0), NOW) == "on Tuesday 20 October at 9 am"
    assert hours.describe_moment(profile, at(2027, 1, 8, 9, 0), at(2026, 12, 20, 9, 0)) == (
        "on Friday 8 January at 9 am"
    )
    # A moment given in UTC is described in local time.
    assert hours.describe_moment(profile, dt.datetime(2026, 10, 14, 16, 0, tzinfo=UTC), NOW) == "tomorrow at 9 am"


def test_time_text():
    assert hours.time_text(dt.time(9, 0)) == "9 am"
    assert hours.time_text(dt.time(13, 30)) == "1:30 pm"
    assert hours.time_text(dt.time(12, 0)) == "noon"
    assert hours.time_text(dt.time(0, 0)) == "midnight"
    assert hours.time_text(dt.time(0, 30)) == "12:30 am"
    assert hours.compact_time_text(dt.time(12, 0)) == "12pm"


def test_day_hours_text(profile):
    assert hours.day_hours_text(profile, dt.date(2026, 10, 13)) == "9 am to 5 pm"
    assert hours.day_hours_text(profile, dt.date(2026, 10, 15)) == "9 am to noon and 1 pm to 8 pm"
    assert hours.day_hours_text(profile, dt.date(2026, 10, 18)) == "closed"
    assert hours.day_hours_text(profile, dt.date(2026, 12, 25)) == "closed (Christmas Day)"
    assert hours.day_hours_text(profile, dt.date(2026, 12, 24)) == "9 am to 1 pm (Christmas Eve)"


def test_week_summary_groups_equal_consecutive_days(profile):
    assert hours.week_summary(profile).splitlines() == [
        "Monday to Wednesday: 9 am to 5 pm",
        "Thursday: 9 am to noon and 1 pm to 8 pm",
        "Friday: 9 am to 5 pm",
        "Saturday: 10 am to 2 pm",
        "Sunday: closed",
    ]
    assert hours.week_summary(profile, compact=True) == (
        "Mon-Wed 9am-5pm, Thu 9am-12pm/1pm-8pm, Fri 9am-5pm, Sat 10am-2pm, Sun closed"
    )
    weekend_closed = make_profile(thursday="09:00-17:00", saturday="closed")
    assert hours.week_summary(weekend_closed, compact=True) == "Mon-Fri 9am-5pm, Sat-Sun closed"
    assert hours.week_summary(weekend_closed).splitlines()[-1] == "Saturday and Sunday: closed"


# -- daylight saving time --------------------------------------------------------

def test_spring_forward_weekday_opening_follows_local_clock(profile):
    # Monday 9 March 2026: 9 am is now 16:00 UTC (PDT), not 17:00 (PST).
    assert hours.is_open(profile, dt.datetime(2026, 3, 9, 16, 0, tzinfo=UTC))
    assert not hours.is_open(profile, dt.datetime(2026, 3, 9, 15, 59, tzinfo=UTC))
    opening = hours.next_opening(profile, at(2026, 3, 8, 7, 0))
    assert opening == at(2026, 3, 9, 9, 0)
    assert opening.utcoffset() == dt.timedelta(hours=-7)


def test_spring_forward_night_clinic_across_the_gap(profile):
    # 10:30 UTC is 3:30 am PDT, just after clocks jumped from 2 am to 3 am.
    during = dt.datetime(2026, 3, 8, 10, 30, tzinfo=UTC)
    assert hours.is_open(profile, during)
    assert hours.closes_at(profile, during).astimezone(UTC) == dt.datetime(2026, 3, 8, 13, 0, tzinfo=UTC)
    opening = hours.next_opening(profile, at(2026, 3, 7, 15, 0))
    assert opening.astimezone(UTC) == dt.datetime(2026, 3, 8, 9, 0, tzinfo=UTC)  # 1 am PST


def test_fall_back_weekday_opening_follows_local_clock(profile):
    # Monday 2 November 2026: 9 am is 17:00 UTC (PST).
    assert hours.is_open(profile, dt.datetime(2026, 11, 2, 17, 0, tzinfo=UTC))
    assert not hours.is_open(profile, dt.datetime(2026, 11, 2, 16, 30, tzinfo=UTC))


def test_fall_back_repeated_hour_is_open_both_times(profile):
    first_130 = dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # 1:30 am PDT
    second_130 = dt.datetime(2026, 11, 1, 9, 30, tzinfo=UTC)  # 1:30 am PST
    assert hours.is_open(profile, first_130) and hours.is_open(profile, second_130)
    # The clinic closes at 3 am PST = 11:00 UTC, three real hours after 8:00 UTC.
    assert hours.closes_at(profile, first_130).astimezone(UTC) == dt.datetime(2026, 11, 1, 11, 0, tzinfo=UTC)


def test_local_datetime_moves_a_skipped_time_forward():
    moved = hours.local_datetime(dt.date(2026, 3, 8), dt.time(2, 30), LA)
    assert (moved.hour, moved.minute) == (3, 30)
    assert moved.utcoffset() == dt.timedelta(hours=-7)
    repeated = hours.local_datetime(dt.date(2026, 11, 1), dt.time(1, 30), LA)
    assert repeated.utcoffset() == dt.timedelta(hours=-7)  # the first 1:30


# -- other time zones, `now` given in UTC ------------------------------------------

def test_london_profile_with_utc_clock():
    london = make_profile(timezone="Europe/London", holidays=[], exceptions=[])
    # Summer (BST, UTC+1): Monday 9 am local is 08:00 UTC.
    assert hours.is_open(london, dt.datetime(2026, 7, 6, 8, 0, tzinfo=UTC))
    assert not hours.is_open(london, dt.datetime(2026, 7, 6, 7, 59, tzinfo=UTC))
    # Winter (GMT): 9 am local is 09:00 UTC.
    assert hours.is_open(london, dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    assert not hours.is_open(london, dt.datetime(2026, 1, 5, 8, 59, tzinfo=UTC))
    closing = hours.closes_at(london, dt.datetime(2026, 7, 6, 12, 0, tzinfo=UTC))
    assert closing.tzinfo.key == "Europe/London" and closing.hour == 17


def test_sydney_profile_uses_the_local_date():
    sydney = make_profile(timezone="Australia/Sydney", holidays=[], exceptions=[])
    # Sunday 23:30 UTC is Monday 9:30 am in Sydney (AEST, UTC+10).
    now = dt.datetime(2026, 7, 5, 23, 30, tzinfo=UTC)
    assert hours.is_open(sydney, now)
    assert hours.find_day_in_question("are you open today?", sydney, now) == dt.date(2026, 7, 6)
    web, _ = hours.answer_hours_question(sydney, "are you open now?", now)
    assert "open right now, until 5 pm" in web
    # Day-first dates outside the Americas.
    assert hours.find_day_in_question("open 3/4?", sydney, now) == dt.date(2027, 4, 3)


def test_aware_now_is_required(profile):
    with pytest.raises(ValueError):
        hours.is_open(profile, dt.datetime(2026, 10, 13, 10, 0))


# -- which day a question names ----------------------------------------------------

@pytest.mark.parametrize(
    "question, expected",
    [
        ("are you open today?", dt.date(2026, 10, 13)),
        ("open tonight?", dt.date(2026, 10, 13)),
        ("Are you open tomorrow?", dt.date(2026, 10, 14)),
        ("open tmrw", dt.date(2026, 10, 14)),
        ("open the day after tomorrow?", dt.date(2026, 10, 15)),
        ("open sun?", dt.date(2026, 10, 18)),
        ("what time do you open on thurs", dt.date(2026, 10, 15)),
        ("open Tuesday?", dt.date(2026, 10, 13)),  # today is Tuesday
        ("open next tuesday?", dt.date(2026, 10, 20)),
        ("this saturday?", dt.date(2026, 10, 17)),
        ("next saturday", dt.date(2026, 10, 17)),
        ("open on the weekend?", dt.date(2026, 10, 17)),
        ("do you do weekends", dt.date(2026, 10, 17)),
        ("open at christmas?", dt.date(2026, 12, 25)),
        ("christmas eve hours", dt.date(2026, 12, 24)),
        ("open on thanksgiving?", dt.date(2026, 11, 26)),  # a holiday named in the profile
        ("open dec 24?", dt.date(2026, 12, 24)),
        ("open December 24th?", dt.date(2026, 12, 24)),
        ("open 24th of december", dt.date(2026, 12, 24)),
        ("open 24/12?", dt.date(2026, 12, 24)),
        ("open 12/24?", dt.date(2026, 12, 24)),
        ("open on 2027-02-01?", dt.date(2027, 2, 1)),
        ("open on the 3rd?", dt.date(2026, 11, 3)),
        ("open on the 20th?", dt.date(2026, 10, 20)),
        ("open jan 5?", dt.date(2027, 1, 5)),  # a date already passed this year means next year
        ("are you open now?", None),
        ("what are your hours", None),
        ("I sat in the sun too long, are you open?", None),
        ("are you open 24/7?", None),
        ("is it my 1st time?", None),
    ],
)
def test_find_day_in_question(profile, question, expected):
    assert hours.find_day_in_question(question, profile, NOW) == expected


def test_weekend_on_sunday_means_next_saturday(profile):
    sunday = at(2026, 10, 18, 11, 0)
    assert hours.find_day_in_question("open at the weekend?", profile, sunday) == dt.date(2026, 10, 24)


# -- answers -------------------------------------------------------------------------

def assert_sms_ok(sms):
    assert sms.isascii()
    assert len(sms) <= hours.SMS_MAX_CHARS
    assert sms.strip() == sms and sms


def test_answer_open_now(profile):
    web, sms = hours.answer_hours_question(profile, "Are you open now?", NOW)
    assert web == "Yes, we're open right now, until 5 pm."
    assert sms == web
    assert_sms_ok(sms)


def test_answer_closed_now_gives_next_opening(profile):
    late = at(2026, 10, 13, 22, 0)
    web, sms = hours.answer_hours_question(profile, "you open right now?", late)
    assert web.startswith("We're closed right now.")
    assert "tomorrow at 9 am" in web
    assert_sms_ok(sms)


def test_answer_closed_now_names_the_holiday_in_between(profile):
    evening = at(2026, 12, 24, 18, 0)
    web, _ = hours.answer_hours_question(profile, "are you open now", evening)
    assert "tomorrow (Christmas Day)" in web
    assert "on Saturday at 10 am" in web


def test_answer_on_a_closed_special_day_names_it(profile):
    training_day = at(2026, 10, 16, 10, 0)
    web, _ = hours.answer_hours_question(profile, "are you open today?", training_day)
    assert web == "We're closed today (Staff training). We open tomorrow at 10 am."


def test_answer_in_the_lunch_gap_gives_both_ranges(profile):
    lunch = at(2026, 10, 15, 12, 15)
    web, _ = hours.answer_hours_question(profile, "open now?", lunch)
    assert web == (
        "We're closed right now. We open today at 1 pm. "
        "Today's hours are 9 am to noon and 1 pm to 8 pm."
    )


def test_answer_named_day(profile):
    web, sms = hours.answer_hours_question(profile, "open sunday?", NOW)
    assert web == "We're closed on Sunday. We open again on Monday at 9 am."
    assert_sms_ok(sms)
    web, _ = hours.answer_hours_question(profile, "what are your hours on saturday", NOW)
    assert web == "On Saturday we're open 10 am to 2 pm."
    web, _ = hours.answer_hours_question(profile, "hours tomorrow?", NOW)
    assert web == "Tomorrow we're open 9 am to 5 pm."
    web, _ = hours.answer_hours_question(profile, "open christmas eve?", NOW)
    assert web == "On Thursday 24 December we're open 9 am to 1 pm (Christmas Eve)."
    web, _ = hours.answer_hours_question(profile, "open on the 16th?", NOW)
    assert web == "We're closed on Friday (Staff training). We open again on Saturday at 10 am."


def test_answer_weekend_gives_both_days(profile):
    web, sms = hours.answer_hours_question(profile, "are you open this weekend?", NOW)
    assert web == "Our weekend hours: Saturday 10 am to 2 pm, Sunday closed."
    assert_sms_ok(sms)


def test_answer_today_before_opening_includes_todays_hours(profile):
    early = at(2026, 10, 13, 7, 0)
    web, _ = hours.answer_hours_question(profile, "are you open today?", early)
    assert web == "We're closed right now. We open today at 9 am. Today's hours are 9 am to 5 pm."


def test_answer_without_a_day_gives_status_and_week(profile):
    web, sms = hours.answer_hours_question(profile, "What are your opening hours?", NOW)
    assert web.startswith("We're open right now, until 5 pm.")
    assert "Monday to Wednesday: 9 am to 5 pm" in web
    assert "Sunday: closed" in web
    assert "Mon-Wed 9am-5pm" in sms and "Sun closed" in sms
    assert "\n" not in sms
    assert_sms_ok(sms)


def test_answer_mentions_special_days_in_the_coming_week(profile):
    web, sms = hours.answer_hours_question(profile, "opening hours?", at(2026, 12, 21, 10, 0))
    assert "Thursday 24 December: 9 am to 1 pm (Christmas Eve)" in web
    assert "Friday 25 December: closed (Christmas Day)" in web
    assert "Christmas Day" in sms
    assert_sms_ok(sms)


def test_sms_stays_ascii_and_short_with_fancy_profile_text():
    fancy = make_profile(
        holidays=[{"date": "2026-10-14", "name": "Founder\u2019s Day \u2014 " + "a very long celebration " * 15}],
        exceptions=[],
    )
    for question in ("open tomorrow?", "hours?", "are you open now?"):
        web, sms = hours.answer_hours_question(fancy, question, NOW)
        assert_sms_ok(sms)
    assert "Founder's Day - a very long" in hours.answer_hours_question(fancy, "open tomorrow?", NOW)[1]
