"""Which session a client means, read against the demo profile's services."""

from __future__ import annotations

import pytest

from bot.practice.profile import current_profile
from bot.practice.service_choice import find_service


@pytest.fixture(scope="module")
def profile():
    return current_profile()


@pytest.mark.parametrize(
    "answer, key",
    [
        ("the regular hour", "massage_60"),
        ("the normal hour-long one", "massage_60"),  # once got the opening hours
        ("the long one", "massage_90"),
        ("the pregnancy one", "prenatal_60"),
        ("30", "massage_30"),
        ("the 90", "massage_90"),
        ("an hour", "massage_60"),
        ("1 hr", "massage_60"),
        ("sixty", "massage_60"),
        ("hour and a half", "massage_90"),
        ("1.5 hours", "massage_90"),
        ("half an hour", "massage_30"),
        ("the short one", "massage_30"),
        ("quick one", "massage_30"),
        ("standard please", "massage_60"),
        ("I'm pregnant, 60", "prenatal_60"),
        ("60-minute prenatal massage", "prenatal_60"),  # a button's payload
        ("60 min prenatal", "prenatal_60"),  # an SMS option typed back
        ("90-minute massage ($135)", "massage_90"),
        ("massage_90", "massage_90"),
    ],
)
def test_sessions_as_people_say_them(profile, answer, key):
    assert find_service(answer, profile, asked=True) == key


@pytest.mark.parametrize("answer", ["not sure", "yes", "Dana", "45 minutes", "the hot stone one"])
def test_no_session_is_made_up(profile, answer):
    assert find_service(answer, profile, asked=True) is None


def test_vague_words_count_only_as_an_answer_to_the_session_question(profile):
    assert find_service("it's been a long week", profile) is None
    assert find_service("30", profile) is None
    assert find_service("a 90 minute massage please", profile) == "massage_90"
    assert find_service("I'd like to book, I'm 20 weeks pregnant", profile) == "prenatal_60"


@pytest.mark.parametrize(
    "answer, key", [("60 minuts", "massage_60"), ("90mins", "massage_90"), ("90 mns", "massage_90")]
)
def test_minutes_typed_in_a_hurry(profile, answer, key):
    assert find_service(answer, profile, asked=True) == key
