"""The answer to an hours question: bot.answers.hours."""

import datetime as dt

import pytest

from bot.answers.hours import answer_hours_question
from bot.channels.sms_text import fits_two_segments
from bot.dates import day_mentions
from bot.practice import schedule
from tests.unit.profile_factory import TUESDAY_10AM, UTC, at, make_test_profile

make_profile = make_test_profile
NOW = TUESDAY_10AM


@pytest.fixture(scope="module")
def profile():
    return make_profile()


# -- answers -------------------------------------------------------------------------


def assert_sms_ok(sms):
    assert sms.isascii()
    assert fits_two_segments(sms)
    assert sms.strip() == sms and sms


def test_answer_open_now(profile):
    web, sms = answer_hours_question(profile, "Are you open now?", NOW)
    assert web == "Yes, we're open right now, until 5 pm."
    assert sms == web
    assert_sms_ok(sms)


def test_answer_closed_now_gives_next_opening(profile):
    late = at(2026, 10, 13, 22, 0)
    web, sms = answer_hours_question(profile, "you open right now?", late)
    assert web.startswith("We're closed right now.")
    assert "tomorrow at 9 am" in web
    assert_sms_ok(sms)


def test_answer_closed_now_names_the_holiday_in_between(profile):
    evening = at(2026, 12, 24, 18, 0)
    web, _ = answer_hours_question(profile, "are you open now", evening)
    assert "tomorrow (Christmas Day)" in web
    assert "on Saturday at 10 am" in web


def test_answer_on_a_closed_special_day_names_it(profile):
    training_day = at(2026, 10, 16, 10, 0)
    web, _ = answer_hours_question(profile, "are you open today?", training_day)
    assert web == "We're closed today (Staff training). We open tomorrow at 10 am."


def test_answer_in_the_lunch_gap_gives_both_ranges(profile):
    lunch = at(2026, 10, 15, 12, 15)
    web, _ = answer_hours_question(profile, "open now?", lunch)
    assert web == ("We're closed right now. We open today at 1 pm. Today's hours are 9 am to noon and 1 pm to 8 pm.")


def test_answer_named_day(profile):
    web, sms = answer_hours_question(profile, "open sunday?", NOW)
    assert web == "We're closed on Sunday. We open again on Monday at 9 am."
    assert_sms_ok(sms)
    web, _ = answer_hours_question(profile, "what are your hours on saturday", NOW)
    assert web == "On Saturday we're open 10 am to 2 pm."
    web, _ = answer_hours_question(profile, "hours tomorrow?", NOW)
    assert web == "Tomorrow we're open 9 am to 5 pm."
    web, _ = answer_hours_question(profile, "open christmas eve?", NOW)
    assert web == "On Thursday 24 December we're open 9 am to 1 pm (Christmas Eve)."
    web, _ = answer_hours_question(profile, "open on the 16th?", NOW)
    assert web == "We're closed on Friday (Staff training). We open again on Saturday at 10 am."


def test_answer_weekend_gives_both_days(profile):
    web, sms = answer_hours_question(profile, "are you open this weekend?", NOW)
    assert web == "Our weekend hours: Saturday 10 am to 2 pm, Sunday closed."
    assert_sms_ok(sms)


def test_answer_today_before_opening_includes_todays_hours(profile):
    early = at(2026, 10, 13, 7, 0)
    web, _ = answer_hours_question(profile, "are you open today?", early)
    assert web == "We're closed right now. We open today at 9 am. Today's hours are 9 am to 5 pm."


def test_answer_without_a_day_gives_status_and_week(profile):
    web, sms = answer_hours_question(profile, "What are your opening hours?", NOW)
    assert web.startswith("We're open right now, until 5 pm.")
    assert "Monday to Wednesday: 9 am to 5 pm" in web
    assert "Sunday: closed" in web
    assert "Mon-Wed 9am-5pm" in sms and "Sun closed" in sms
    assert "\n" not in sms
    assert_sms_ok(sms)


def test_answer_mentions_special_days_in_the_coming_week(profile):
    web, sms = answer_hours_question(profile, "opening hours?", at(2026, 12, 21, 10, 0))
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
        web, sms = answer_hours_question(fancy, question, NOW)
        assert_sms_ok(sms)
    assert "Founder's Day - a very long" in answer_hours_question(fancy, "open tomorrow?", NOW)[1]


def test_sydney_profile_uses_the_local_date():
    sydney = make_profile(timezone="Australia/Sydney", holidays=[], exceptions=[])
    # Sunday 23:30 UTC is Monday 9:30 am in Sydney (AEST, UTC+10).
    now = dt.datetime(2026, 7, 5, 23, 30, tzinfo=UTC)
    assert schedule.is_open(sydney, now)
    assert day_mentions.find_day_match("are you open today?", sydney, dt.date(2026, 7, 6)).date == dt.date(2026, 7, 6)
    web, _ = answer_hours_question(sydney, "are you open now?", now)
    assert "open right now, until 5 pm" in web
    # Day-first dates outside the Americas.
    assert day_mentions.find_day_match("open 3/4?", sydney, dt.date(2026, 7, 6)).date == dt.date(2027, 4, 3)
