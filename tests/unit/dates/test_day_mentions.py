"""Which day a message names: bot.dates.day_mentions."""

import datetime as dt

import pytest

from bot.dates import day_mentions
from bot.practice import schedule
from tests.unit.profile_factory import TUESDAY_10AM, at, make_test_profile

make_profile = make_test_profile
NOW = TUESDAY_10AM


@pytest.fixture(scope="module")
def profile():
    return make_profile()


# -- which day a question names ----------------------------------------------------


def day_named(question, profile, now):
    match = day_mentions.find_day_match(question, profile, schedule.local_now(profile, now).date())
    return match.date if match else None


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
def test_day_named_in_question(profile, question, expected):
    assert day_named(question, profile, NOW) == expected


def test_weekend_on_sunday_means_next_saturday(profile):
    sunday = at(2026, 10, 18, 11, 0)
    assert day_named("open at the weekend?", profile, sunday) == dt.date(2026, 10, 24)
