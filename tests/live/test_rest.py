"""The real servers over REST: the design questions, a booking, safety, handoff."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import run_cli
from tests.live.rest_client import say, texts

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "question, must_say",
    [
        ("why glutes?", ["every step", "upper and lower body"]),
        ("how will I be covered?", ["sheet", "only the area being worked on"]),
        ("is it okay while pregnant?", ["later months", "tell us you're pregnant", "midwife"]),
    ],
)
def test_design_questions_get_grounded_answers(running_bot, question, must_say):
    replies = say(running_bot, f"design-{uuid.uuid4().hex[:6]}", question)
    answer = texts(replies).lower()
    for phrase in must_say:
        assert phrase.lower() in answer, f"{question!r} -> {answer!r}"
    assert replies[-1].get("buttons"), "the answer offers a next step"


def test_practice_answers_come_from_the_profile(running_bot):
    answer = texts(say(running_bot, "prices", "how much is a 90 minute massage?"))
    assert "$135" in answer


def test_red_flag_gets_safety_answer_not_faq(running_bot):
    answer = texts(say(running_bot, "redflag", "my calf is swollen red and hot, can I still get a massage?")).lower()
    assert "911" in answer or "doctor" in answer
    assert "sheet" not in answer and "every step" not in answer


def test_one_shot_booking_is_stored_and_listed(running_bot, bot_env):
    sender = f"booker-{uuid.uuid4().hex[:6]}"
    first = texts(
        say(running_bot, sender, "Book Jane Doe, 415 555 0142, next Tuesday 3pm, a 60 minute massage with glutes")
    )
    assert "riverside-massage.example/book" in first  # the online link is always offered
    # Only what is missing is asked (the note), then the summary.
    answer = texts(say(running_bot, sender, "no"))
    assert "Jane Doe" in answer and "+14155550142" in answer and "($95)" in answer
    done = texts(say(running_bot, sender, "/affirm"))
    assert "reference RB-" in done
    reference = done.split("reference ")[1].split(")")[0]
    listed = run_cli(bot_env, "requests", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    mine = [r for r in rows if r["reference"] == reference]
    assert mine and mine[0]["name"] == "Jane Doe" and mine[0]["phone"] == "+14155550142"
    # "next Tuesday 3pm" in the practice's time zone, whatever day the suite runs.
    start = dt.datetime.fromisoformat(mine[0]["requested_start"]).astimezone(ZoneInfo("America/Los_Angeles"))
    assert (start.strftime("%A"), start.hour, start.minute) == ("Tuesday", 15, 0)


def test_two_unclear_messages_end_in_an_offer_of_a_person(running_bot):
    sender = f"lost-{uuid.uuid4().hex[:6]}"
    first = say(running_bot, sender, "qwzx blorp")
    assert "did you mean" in texts(first).lower() or "another way" in texts(first).lower()
    final = say(running_bot, sender, "qwzx blorp")  # still unclear: no loop, a person is offered
    payloads = [b["payload"] for r in final for b in r.get("buttons", [])]
    assert "/talk_to_therapist" in payloads, texts(final)
