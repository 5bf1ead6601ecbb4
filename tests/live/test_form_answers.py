"""The worst slips of issue 13, end to end over REST on the live servers with a pinned clock.

Each client answers what the assistant asks; what they read and what staff find
stored (`python -m bot requests --json`) are both checked. The per-slot
decisions behind these are unit-tested in tests/unit/actions/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Dict, List
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import run_cli
from tests.live.rest_client import say, texts

pytestmark = pytest.mark.e2e

LA = ZoneInfo("America/Los_Angeles")
WEDNESDAY_MORNING = "2026-12-02T11:00:00-08:00"  # open 9 am to 7 pm
SATURDAY_NIGHT = "2026-12-05T21:30:00-08:00"  # closed until Monday 9 am
NAME_QUESTION = "What name should I put the request under?"


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def buttons(replies: List[Dict]) -> List[str]:
    return [b["payload"] for r in replies for b in r.get("buttons", [])]


def asked_once(text: str) -> None:
    """No question is asked twice in one reply."""
    questions = [q.strip().lower() for q in re.findall(r"[^.?!\n]*\?", text)]
    assert len(questions) == len(set(questions)), text


def stored(bot_env, reference: str) -> Dict:
    listed = run_cli(bot_env, "requests", "--json")
    assert listed.returncode == 0, listed.stderr
    return next(r for r in json.loads(listed.stdout) if r["reference"] == reference)


def test_a_first_timer_books_as_people_write(running_bot, bot_env, pinned_clock):
    pinned_clock(WEDNESDAY_MORNING)
    sender = new_sender("first-timer")
    client = [
        ("hi, I've never had a massage, can I book one?", NAME_QUESTION),
        ("Name's Dana Kowalski", "phone number"),
        ("503 555 0148", "day and time"),
        ("mon 10am", "Which session"),  # said on a Wednesday: next Monday, never tomorrow
        ("the normal hour-long one", "glute work"),  # once got the opening hours
        ("no thanks", "therapist to know"),
        ("first time, please go gentle on pressure", "Here's your booking request"),  # once got an FAQ, three times
    ]
    for message, next_question in client:
        reply = texts(say(running_bot, sender, message))
        assert next_question in reply, (message, reply)
        asked_once(reply)
        assert "cancelled" not in reply and "Take care" not in reply
    assert "- Name: Dana Kowalski" in reply
    assert "- When: Monday 7 December at 10 am" in reply and "tomorrow" not in reply
    assert "60-minute massage ($95)" in reply
    done = texts(say(running_bot, sender, "yes please"))
    reference = re.search(r"RB-[A-Z0-9]+", done).group(0)
    row = stored(bot_env, reference)
    assert row["name"] == "Dana Kowalski" and row["phone"] == "+15035550148"
    start = dt.datetime.fromisoformat(row["requested_start"]).astimezone(LA)
    assert (start.date(), start.hour) == (dt.date(2026, 12, 7), 10)
    assert row["service_key"] == "massage_60" and "gentle on pressure" in row["note"]


@pytest.mark.parametrize("name", ["Dana Kowalski", "Oluwaseun Adeyemi", "jean-luc picard", "Siobhan O'Neill"])
def test_a_name_is_taken_as_the_name_whatever_the_classifier_thought(running_bot, pinned_clock, name):
    pinned_clock(WEDNESDAY_MORNING)
    sender = new_sender("name")
    assert NAME_QUESTION in texts(say(running_bot, sender, "I'd like to book a massage"))
    reply = texts(say(running_bot, sender, name))
    assert "phone number" in reply, reply  # the next question: not a cancel, a goodbye or an FAQ
    assert "cancelled" not in reply and "Take care" not in reply


def test_a_day_alone_then_a_weekend_morning_and_an_hour_are_said_once(running_bot, bot_env, pinned_clock):
    pinned_clock(WEDNESDAY_MORNING)
    sender = new_sender("days")
    opening = texts(say(running_bot, sender, "can I come Thursday?"))
    asked_once(opening)
    assert NAME_QUESTION in opening and "What time" not in opening  # one question at a time
    say(running_bot, sender, "Priya Shah")
    assert "What time on Thursday 3 December" in texts(say(running_bot, sender, "priya@example.com"))
    morning = texts(say(running_bot, sender, "sat morning actually"))
    assert "What time on Saturday morning (5 December)" in morning
    assert "Which session" in texts(say(running_bot, sender, "10"))  # the day and the morning are not asked again
    for message in ("60", "yes"):
        say(running_bot, sender, message)
    summary = texts(say(running_bot, sender, "no"))
    assert "- When: Saturday 5 December at 10 am" in summary
    reference = re.search(r"RB-[A-Z0-9]+", texts(say(running_bot, sender, "yes"))).group(0)
    assert stored(bot_env, reference)["email"] == "priya@example.com"


def test_tomorrow_with_an_hour_is_said_once(running_bot, pinned_clock):
    pinned_clock(WEDNESDAY_MORNING)
    sender = new_sender("tomorrow")
    for message in ("book me in please", "Sam Lee", "503 555 0101"):
        say(running_bot, sender, message)
    assert "Which session" in texts(say(running_bot, sender, "tomorrow at 11"))


def test_two_unclear_messages_offer_a_person_and_yes_takes_the_offer(running_bot, pinned_clock):
    pinned_clock(SATURDAY_NIGHT)
    sender = new_sender("unclear")
    first = say(running_bot, sender, "ugh")
    assert "/talk_to_therapist" not in buttons(first)
    second = say(running_bot, sender, "mmm blah")
    assert "Would you like a therapist to get back to you?" in texts(second)
    assert "/talk_to_therapist" in buttons(second)
    taken = texts(say(running_bot, sender, "yes please"))
    assert "We're closed right now" in taken and NAME_QUESTION in taken  # a callback request, not "anything else?"


def test_unclear_answers_in_a_form_offer_a_person_and_the_form_goes_on(running_bot, bot_env, pinned_clock):
    pinned_clock(WEDNESDAY_MORNING)
    sender = new_sender("unclear-form")
    say(running_bot, sender, "book me in please")
    say(running_bot, sender, "Wanjiru Kamau")
    say(running_bot, sender, "503 555 0221")
    first = texts(say(running_bot, sender, "purple monkey dishwasher"))
    assert "day and time" in first.lower()
    second = say(running_bot, sender, "zzzz qqq")
    assert "/talk_to_therapist" in buttons(second) and "I can ask a therapist to contact you" in texts(second)
    assert "Which session" in texts(say(running_bot, sender, "friday at 10am"))  # nothing given is lost


@pytest.mark.parametrize(
    "question",
    ["what currency do they use in japan?", "which river is the longest in the world?", "what's 17 times 23?"],
)
def test_off_topic_questions_get_the_polite_boundary(running_bot, question):
    reply = texts(say(running_bot, new_sender("off-topic"), question))
    assert "not something I can help with" in reply, reply
    assert "$" not in reply and "sheet" not in reply


def test_bad_input_mid_form_gets_a_clear_reply_and_nothing_is_lost(running_bot, bot_env, pinned_clock):
    pinned_clock(WEDNESDAY_MORNING)
    sender = new_sender("bad-input")
    say(running_bot, sender, "I'd like to book a massage please")
    emoji = texts(say(running_bot, sender, "\U0001f642\U0001f642\U0001f642"))
    assert "didn't catch a name" in emoji and NAME_QUESTION in emoji
    say(running_bot, sender, "I'm Ruth Abernathy")
    html = texts(say(running_bot, sender, "<a href='http://x.example'>click me</a>"))
    assert "phone number" in html
    say(running_bot, sender, "503 555 0241")
    long = texts(say(running_bot, sender, "blah " * 2000))
    assert "day and time" in long.lower()
    asked_once(long)
    answers = ("thursday at 11am", "60 minutes", "no", "no")
    for message in answers:
        reply = texts(say(running_bot, sender, message))
    assert "- Name: Ruth Abernathy" in reply and "- Contact: +15035550241" in reply
    assert "Thursday 3 December at 11 am" in reply


def test_an_off_topic_question_mid_form_gets_the_boundary_then_the_question_again(running_bot, pinned_clock):
    pinned_clock(WEDNESDAY_MORNING)
    sender = new_sender("off-topic-form")
    for message in ("I'd like to book a massage", "Rosalind Achterberg", "503 555 0231", "thursday at 3pm"):
        say(running_bot, sender, message)
    glutes = texts(say(running_bot, sender, "60 minutes"))
    assert "glute work" in glutes
    reply = texts(say(running_bot, sender, "random question, do you know who won the world cup in 2018?"))
    assert "not something I can help with" in reply and "glute work" in reply
