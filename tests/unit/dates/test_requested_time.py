"""Booking time normalisation with a pinned clock."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.dates import requested_time
from bot.practice import wording
from tests.unit.profile_factory import EXCEPTIONS, make_test_profile

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.timezone.utc


# Booking tests keep Christmas Eve an ordinary Thursday.
WHEN_EXCEPTIONS = [e for e in EXCEPTIONS if e["reason"] != "Christmas Eve"]


def make_profile(timezone="America/Los_Angeles", min_notice_hours=2, max_days_ahead=60):
    return make_test_profile(
        timezone=timezone, exceptions=WHEN_EXCEPTIONS, min_notice_hours=min_notice_hours, max_days_ahead=max_days_ahead
    )


@pytest.fixture(scope="module")
def profile():
    return make_profile()


def at(year, month, day, hour=0, minute=0, tz=LA):
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


# Tuesday 13 October 2026, 10:00 in Los Angeles. Notice: 2 hours. Books up to 12 December.
NOW = at(2026, 10, 13, 10, 0)


# -- exact times that can be booked ---------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("thursday at 4", at(2026, 10, 15, 16, 0)),  # bare 1-7 means pm
        ("Thursday at 7", at(2026, 10, 15, 19, 0)),
        ("thursday at 9", at(2026, 10, 15, 9, 0)),  # 8-11 means am when open
        ("next tuesday 3pm", at(2026, 10, 20, 15, 0)),
        ("tomorrow at 10:30am", at(2026, 10, 14, 10, 30)),
        ("tomorrow at 10.30 a.m.", at(2026, 10, 14, 10, 30)),
        ("tomorrow at four", at(2026, 10, 14, 16, 0)),
        ("Oct 22 at 2pm", at(2026, 10, 22, 14, 0)),
        ("10/22 at 2:30 pm", at(2026, 10, 22, 14, 30)),
        ("Book Jane Doe, 415 555 0142, next Tuesday 3pm", at(2026, 10, 20, 15, 0)),
        ("jane@example.com wednesday 11am please", at(2026, 10, 14, 11, 0)),
        ("noon on saturday", at(2026, 10, 17, 12, 0)),
        ("half past three on wednesday", at(2026, 10, 14, 15, 30)),
        ("monday 16:00", at(2026, 10, 19, 16, 0)),
        ("at 3", at(2026, 10, 13, 15, 0)),  # no day: the next 3 pm, today
        ("in 2 hours", at(2026, 10, 13, 12, 0)),  # dateparser reads this one
        ("in 6 days at 10am", at(2026, 10, 19, 10, 0)),
        ("friday the 23rd at 4 in the afternoon", at(2026, 10, 23, 16, 0)),
        ("the 3rd at 11am", at(2026, 11, 3, 11, 0)),
        ("Wednesday 28th October, 9 in the morning", at(2026, 10, 28, 9, 0)),
    ],
)
def test_bookable_exact_times(profile, text, expected):
    parsed = requested_time.parse_requested_time(text, profile, NOW)
    assert parsed.problem is None, (text, parsed)
    assert parsed.ok and not parsed.date_only
    assert parsed.start == expected
    assert parsed.start.tzinfo is not None and parsed.start.utcoffset() == expected.utcoffset()
    assert parsed.suggestions == []


def test_day_given_tells_an_inferred_day_apart(profile):
    assert requested_time.parse_requested_time("4pm", profile, NOW).day_given is False
    assert requested_time.parse_requested_time("thursday at 4", profile, NOW).day_given is True
    assert requested_time.parse_requested_time("friday", profile, NOW).day_given is True
    # A caller that remembered an earlier day can put it in front, as an ISO date.
    combined = requested_time.parse_requested_time("2026-10-22 4pm", profile, NOW)
    assert combined.ok and combined.day_given and combined.start == at(2026, 10, 22, 16, 0)


def test_a_time_already_passed_today_without_a_day_means_tomorrow(profile):
    parsed = requested_time.parse_requested_time("at 9:30am", profile, NOW)
    assert parsed.ok and parsed.start == at(2026, 10, 14, 9, 30)


def test_in_three_days_lands_on_a_date(profile):
    # Read by dateparser: Wednesday + 3 days is Saturday.
    parsed = requested_time.parse_requested_time("in 3 days", profile, at(2026, 10, 14, 10, 0))
    assert parsed.date_only and parsed.ok
    assert parsed.start.date() == dt.date(2026, 10, 17)


def test_weekday_alone_is_date_only_with_that_days_first_slots(profile):
    parsed = requested_time.parse_requested_time("wednesday", profile, NOW)
    assert parsed.ok and parsed.date_only
    assert parsed.start == at(2026, 10, 14, 0, 0)
    assert parsed.suggestions == [at(2026, 10, 14, 9, 0), at(2026, 10, 14, 9, 30), at(2026, 10, 14, 10, 0)]


def test_tomorrow_morning_is_a_date_without_a_time(profile):
    parsed = requested_time.parse_requested_time("tomorrow morning", profile, NOW)
    assert parsed.ok and parsed.date_only and parsed.part_of_day == "morning"
    assert parsed.start.date() == dt.date(2026, 10, 14)
    assert all(s.date() == dt.date(2026, 10, 14) and s.hour < 12 for s in parsed.suggestions)


def test_the_third_is_the_next_third(profile):
    parsed = requested_time.parse_requested_time("can I come on the 3rd?", profile, NOW)
    assert parsed.ok and parsed.date_only
    assert parsed.start.date() == dt.date(2026, 11, 3)


def test_morning_when_todays_is_too_late_means_tomorrow_morning(profile):
    parsed = requested_time.parse_requested_time("can I come in the morning?", profile, NOW)
    assert parsed.ok and parsed.date_only
    assert parsed.start.date() == dt.date(2026, 10, 14)


def test_weekday_time_already_passed_today_means_next_week(profile):
    tuesday_evening = at(2026, 10, 13, 18, 0)
    parsed = requested_time.parse_requested_time("tuesday at 4", profile, tuesday_evening)
    assert parsed.ok and parsed.start == at(2026, 10, 20, 16, 0)


def test_bare_eight_means_pm_when_only_the_evening_is_open():
    late_profile = make_profile()
    parsed = requested_time.parse_requested_time("thursday at 8:30", late_profile, NOW, minutes=30)
    # 8:30 am is before opening; Thursday is open until 8 pm, 8:30 pm is too late either way.
    assert parsed.problem == "closed" and parsed.start == at(2026, 10, 15, 8, 30)
    parsed = requested_time.parse_requested_time("thursday at 7:30", late_profile, NOW, minutes=30)
    assert parsed.ok and parsed.start == at(2026, 10, 15, 19, 30)


# -- refusals, each with suggestions ----------------------------------------------------


def test_no_preference_takes_the_first_open_time(profile):
    parsed = requested_time.parse_requested_time("whenever suits you", profile, NOW)
    assert parsed.ok and not parsed.date_only and parsed.start == at(2026, 10, 13, 12, 0)


def test_unparsed(profile):
    parsed = requested_time.parse_requested_time("when my sister is in town", profile, NOW)
    assert parsed.problem == "unparsed" and parsed.start is None
    assert parsed.suggestions == [at(2026, 10, 13, 12, 0), at(2026, 10, 13, 12, 30), at(2026, 10, 13, 13, 0)]


@pytest.mark.parametrize("text", ["yesterday at 3pm", "today at 9am", "12 October 2026"])
def test_past(profile, text):
    parsed = requested_time.parse_requested_time(text, profile, NOW)
    assert parsed.problem == "past"
    assert parsed.suggestions == [at(2026, 10, 13, 12, 0), at(2026, 10, 13, 12, 30), at(2026, 10, 13, 13, 0)]


def test_this_morning_in_the_afternoon_is_past(profile):
    parsed = requested_time.parse_requested_time("this morning", profile, at(2026, 10, 13, 13, 0))
    assert parsed.problem == "past" and parsed.date_only
    assert parsed.suggestions[0] == at(2026, 10, 13, 15, 0)


def test_closed_on_a_closed_weekday(profile):
    parsed = requested_time.parse_requested_time("sunday at 2pm", profile, NOW)
    assert parsed.problem == "closed" and parsed.start == at(2026, 10, 18, 14, 0)
    assert parsed.suggestions == [at(2026, 10, 19, 9, 0), at(2026, 10, 19, 9, 30), at(2026, 10, 19, 10, 0)]


def test_closed_on_a_holiday(profile):
    parsed = requested_time.parse_requested_time("thanksgiving at 10am", profile, NOW)
    assert parsed.problem == "closed" and parsed.start == at(2026, 11, 26, 10, 0)
    assert parsed.suggestions == [at(2026, 11, 27, 9, 0), at(2026, 11, 27, 9, 30), at(2026, 11, 27, 10, 0)]


def test_closed_exception_day_date_only(profile):
    parsed = requested_time.parse_requested_time("friday", profile, NOW)
    assert parsed.problem == "closed" and parsed.date_only
    assert parsed.suggestions[0] == at(2026, 10, 17, 10, 0)


def test_closed_when_the_session_does_not_fit_before_closing(profile):
    parsed = requested_time.parse_requested_time("today at 4:30pm", profile, NOW, minutes=60)
    assert parsed.problem == "closed"
    assert parsed.suggestions == [at(2026, 10, 14, 9, 0), at(2026, 10, 14, 9, 30), at(2026, 10, 14, 10, 0)]
    assert requested_time.parse_requested_time("today at 4:30pm", profile, NOW, minutes=30).ok


def test_closed_in_the_lunch_gap_suggests_the_afternoon(profile):
    parsed = requested_time.parse_requested_time("thursday at 11:30am", profile, NOW, minutes=60)
    assert parsed.problem == "closed"
    assert parsed.suggestions == [at(2026, 10, 15, 13, 0), at(2026, 10, 15, 13, 30), at(2026, 10, 15, 14, 0)]


def test_closed_part_of_day(profile):
    parsed = requested_time.parse_requested_time("saturday evening", profile, NOW)
    assert parsed.problem == "closed" and parsed.date_only and parsed.part_of_day == "evening"
    assert len(parsed.suggestions) == 3


@pytest.mark.parametrize("text", ["today at 11am", "this morning"])
def test_too_soon(profile, text):
    # 10 am now with 2 hours' notice: the morning's remaining slots are too close.
    parsed = requested_time.parse_requested_time(text, profile, NOW)
    assert parsed.problem == "too_soon"
    assert parsed.suggestions == [at(2026, 10, 13, 12, 0), at(2026, 10, 13, 12, 30), at(2026, 10, 13, 13, 0)]


def test_too_far(profile):
    parsed = requested_time.parse_requested_time("december 15 at 10am", profile, NOW)
    assert parsed.problem == "too_far" and parsed.start == at(2026, 12, 15, 10, 0)
    assert parsed.suggestions == [at(2026, 10, 13, 12, 0), at(2026, 10, 13, 12, 30), at(2026, 10, 13, 13, 0)]


def test_suggestions_never_go_beyond_the_booking_window():
    saturday_noon = at(2026, 10, 17, 12, 0)  # Saturday ends 2 pm; Sunday closed
    two_days = requested_time.parse_requested_time("sunday at 10", make_profile(max_days_ahead=2), saturday_noon)
    assert two_days.problem == "closed"
    assert two_days.suggestions == [at(2026, 10, 19, 9, 0), at(2026, 10, 19, 9, 30), at(2026, 10, 19, 10, 0)]
    one_day = requested_time.parse_requested_time("sunday at 10", make_profile(max_days_ahead=1), saturday_noon)
    assert one_day.problem == "closed" and one_day.suggestions == []


# -- slots and DST -------------------------------------------------------------------


def test_next_open_slots_respects_ranges_and_session_length(profile):
    after = at(2026, 10, 15, 11, 0)  # Thursday: 9-12 and 13-20
    assert requested_time.next_open_slots(profile, after, 60) == [
        at(2026, 10, 15, 11, 0),
        at(2026, 10, 15, 13, 0),
        at(2026, 10, 15, 13, 30),
    ]
    assert requested_time.next_open_slots(profile, at(2026, 10, 15, 11, 15), 60)[0] == at(2026, 10, 15, 13, 0)
    saturday_late = at(2026, 10, 17, 13, 30)
    assert requested_time.next_open_slots(profile, saturday_late, 90, count=2) == [
        at(2026, 10, 19, 9, 0),
        at(2026, 10, 19, 9, 30),
    ]


def test_spring_forward_slots_skip_the_missing_hour(profile):
    slots = requested_time.next_open_slots(profile, at(2026, 3, 8, 0, 0), 60, count=5)
    assert [(s.hour, s.minute) for s in slots] == [(1, 0), (1, 30), (3, 0), (3, 30), (4, 0)]
    assert [s.utcoffset().total_seconds() / 3600 for s in slots] == [-8, -8, -7, -7, -7]


def test_spring_forward_requested_time_in_the_gap_moves_forward(profile):
    parsed = requested_time.parse_requested_time("march 8 at 2:30am", profile, at(2026, 3, 1, 12, 0))
    assert parsed.ok
    assert (parsed.start.hour, parsed.start.minute) == (3, 30)
    assert parsed.start.utcoffset() == dt.timedelta(hours=-7)


def test_fall_back_sessions_are_measured_in_real_time(profile):
    # 1 am to 3 am PST on 1 November is three real hours (1:00-2:00 happens twice).
    slots = requested_time.next_open_slots(profile, at(2026, 11, 1, 0, 0), 120, count=3)
    assert [s.astimezone(UTC) for s in slots[:2]] == [
        dt.datetime(2026, 11, 1, 8, 0, tzinfo=UTC),  # 1:00 am PDT
        dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC),  # 1:30 am PDT
    ]
    assert slots[2] == at(2026, 11, 2, 9, 0)


def test_fall_back_repeated_time_means_the_first(profile):
    parsed = requested_time.parse_requested_time("november 1 at 1:30am", profile, at(2026, 10, 25, 12, 0))
    assert parsed.ok
    assert parsed.start.astimezone(UTC) == dt.datetime(2026, 11, 1, 8, 30, tzinfo=UTC)


def test_other_time_zone_with_utc_clock():
    london = make_profile(timezone="Europe/London")
    now = dt.datetime(2026, 7, 6, 8, 0, tzinfo=UTC)  # Monday 9 am BST
    parsed = requested_time.parse_requested_time("tomorrow at 10am", london, now)
    assert parsed.ok
    assert parsed.start.tzinfo.key == "Europe/London"
    assert parsed.start.astimezone(UTC) == dt.datetime(2026, 7, 7, 9, 0, tzinfo=UTC)
    # 7/8 is the 7th of August outside the Americas.
    assert requested_time.parse_requested_time("7/8 at 11am", london, now).start.date() == dt.date(2026, 8, 7)


def test_min_notice_zero_allows_the_next_half_hour():
    no_notice = make_profile(min_notice_hours=0)
    parsed = requested_time.parse_requested_time("today at 10:30", no_notice, NOW)
    assert parsed.ok and parsed.start == at(2026, 10, 13, 10, 30)


# -- wording -----------------------------------------------------------------------


def test_describe_slot_always_names_the_weekday_and_date(profile):
    # Today and tomorrow too: a summary is where a misread day gets caught.
    assert wording.describe_slot(profile, at(2026, 10, 13, 15, 0), NOW) == "Tuesday 13 October at 3 pm"
    assert wording.describe_slot(profile, at(2026, 10, 14, 9, 30), NOW) == "Wednesday 14 October at 9:30 am"
    assert wording.describe_slot(profile, at(2026, 11, 26, 16, 0), NOW) == "Thursday 26 November at 4 pm"
    assert wording.describe_slot(profile, dt.datetime(2026, 10, 15, 23, 0, tzinfo=UTC), NOW) == (
        "Thursday 15 October at 4 pm"
    )


def test_day_phrase_for_a_date_only_request():
    today = NOW.astimezone(ZoneInfo("America/Los_Angeles")).date()
    assert wording.day_phrase(dt.date(2026, 10, 14), today) == "tomorrow"
    assert wording.day_phrase(dt.date(2026, 10, 17), today) == "on Saturday"
