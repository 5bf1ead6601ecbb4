"""Therapist handoff on the live servers, with the action server's clock pinned.

In opening hours the assistant takes name and contact, tells staff, and pauses
itself until staff resume the conversation; after hours it takes a callback
request and says when the practice opens. (Test stories cannot show this: story
evaluation does not run the actions that read the clock.)
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.live.rest_client import say, texts

pytestmark = pytest.mark.e2e

TUESDAY_MORNING = "2026-12-01T10:00:00-08:00"  # open 9 am to 7 pm
SATURDAY_NIGHT = "2026-12-05T21:30:00-08:00"  # closed until Monday 9 am (Sunday is closed)


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_open_now_follows_the_clock(running_bot, pinned_clock):
    pinned_clock(TUESDAY_MORNING)
    assert "open" in texts(say(running_bot, new_sender("open"), "are you open right now?")).lower()
    pinned_clock(SATURDAY_NIGHT)
    closed = texts(say(running_bot, new_sender("open"), "are you open right now?")).lower()
    assert "closed" in closed and "monday" in closed


def test_in_hours_handoff_pauses_until_staff_resume(running_bot, bot_env, pinned_clock):
    pinned_clock(TUESDAY_MORNING)
    sender = new_sender("inhours")
    say(running_bot, sender, "does glute work help with sciatica?")
    opened = texts(say(running_bot, sender, "can I talk to a person please"))
    assert "therapist will get back to you shortly" in opened
    assert "What name" in opened
    assert "phone number" in texts(say(running_bot, sender, "Sam Lee"))
    # The question was taken from what they asked before, and nobody is asked
    # for a callback time when a therapist replies now.
    handed = texts(say(running_bot, sender, "415 555 0199"))
    assert "step back now so a person can take over" in handed, handed
    reference = handed.split("reference ")[1].split(")")[0]

    # Paused: the assistant does not answer; the channel only says a person has it.
    quiet = say(running_bot, sender, "hello? anyone there?")
    assert [r.get("text") for r in quiet] == [
        "A therapist has your details and will be in touch shortly. I've stepped back so they can take over."
    ]

    log = Path(bot_env["BOT_NOTIFICATIONS_LOG"]).read_text()
    assert f"Client waiting for a therapist {reference}" in log
    assert f"python -m bot resume {reference}" in log
    assert "does glute work help with sciatica?" in log  # the question and transcript reach staff

    stored = json.loads(run_cli(bot_env, "requests", "--json").stdout)
    mine = [row for row in stored if row["reference"] == reference]
    assert mine and mine[0]["question"] == "does glute work help with sciatica?"

    resumed = run_cli(dict(bot_env, RASA_URL=running_bot), "resume", sender)
    assert resumed.returncode == 0, resumed.stderr
    assert "every step" in texts(say(running_bot, sender, "why glutes?"))


def test_after_hours_handoff_takes_a_callback_request(running_bot, bot_env, pinned_clock):
    pinned_clock(SATURDAY_NIGHT)
    sender = new_sender("afterhours")
    opened = texts(say(running_bot, sender, "can I speak to a therapist?"))
    assert "we open on Monday at 9 am" in opened, opened
    assert "phone number" in texts(say(running_bot, sender, "Priya Shah"))
    assert "good time" in texts(say(running_bot, sender, "priya.shah@example.com"))
    assert "What would you like to talk about" in texts(say(running_bot, sender, "Monday after 1pm"))
    done = texts(say(running_bot, sender, "which massage suits someone training for a marathon"))
    assert "callback request is in" in done and "We open on Monday at 9 am" in done, done
    # An e-mail address is written to, never "called".
    assert "write to you at priya.shah@example.com" in done and "call you on priya" not in done, done
    reference = done.split("reference ")[1].split(")")[0]

    # Not paused after hours: the assistant keeps answering.
    assert "every step" in texts(say(running_bot, sender, "why glutes?"))

    stored = json.loads(run_cli(bot_env, "requests", "--json").stdout)
    mine = [row for row in stored if row["reference"] == reference]
    assert mine, f"{reference} not in the request store"
    assert mine[0]["best_time"] == "Monday after 1pm"
    assert mine[0]["question"] == "which massage suits someone training for a marathon"
    assert mine[0]["phone"] == "" and mine[0]["email"] == "priya.shah@example.com"
