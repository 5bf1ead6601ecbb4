"""action_handoff: a person now in opening hours, a callback after hours, decided once."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from actions.handoff import ActionHandoff
from tests.unit.actions.action_helpers import (
    CLOSED_MOMENT,
    PRACTICE_TZ,
    assert_sms_text,
    bot_event,
    only_text,
    slot_values,
    user_event,
)

REFERENCE = re.compile(r"\bRC-[2-9A-HJ-NP-Z]{5}\b")
# Saturday 13 June 2026 at 5 pm: closed after 4 pm, closed Sunday, open Monday 9 am.
SATURDAY_EVENING = dt.datetime(2026, 6, 13, 17, 0, tzinfo=PRACTICE_TZ).astimezone(dt.timezone.utc)

QUESTION = "Is deep tissue okay with my sciatica?"
HISTORY = [
    user_event(QUESTION, "conditions_helped"),
    bot_event("Tight glutes may add to low back pain and sciatica-type pain."),
    user_event("can I talk to a real person?", "talk_to_therapist"),
    bot_event("Of course. A therapist will get back to you shortly."),
    user_event("Jane Doe, 415 555 0142", "inform"),
]
DETAILS = {"client_name": "Jane Doe", "contact": "+14155550142", "callback_question": QUESTION}


# -- opening the handoff ------------------------------------------------------------------------


def test_in_hours_the_intro_promises_a_therapist_shortly(run_action, make_tracker):
    tracker = make_tracker("can I talk to a real person?", "talk_to_therapist", history=HISTORY[:2])
    events, dispatcher = run_action(ActionHandoff(), tracker)
    assert only_text(dispatcher) == (
        "Of course. A therapist will get back to you shortly. I just need a couple of details so they can reach you."
    )
    assert slot_values(events) == {
        "gave_up": None,
        "invalid_answers": 0,
        "therapist_live": True,
        "callback_question": QUESTION,
    }


def test_after_hours_the_intro_says_when_we_open_and_what_to_do_if_urgent(run_action, make_tracker, pinned_clock):
    pinned_clock(CLOSED_MOMENT)
    _, dispatcher = run_action(ActionHandoff(), make_tracker("someone call me", "talk_to_therapist"))
    text = only_text(dispatcher)
    assert text.startswith("We're closed right now; we open tomorrow at 9 am.")
    assert "I'll take a callback request so a therapist can call you then." in text
    assert "If it's urgent, please call 911 or your doctor." in text


def test_after_hours_on_saturday_evening_we_open_on_monday(run_action, make_tracker, pinned_clock):
    pinned_clock(SATURDAY_EVENING)
    _, dispatcher = run_action(ActionHandoff(), make_tracker("someone call me", "talk_to_therapist"))
    assert only_text(dispatcher).startswith("We're closed right now; we open on Monday at 9 am.")


@pytest.mark.parametrize("moment", ["open", "closed"])
def test_sms_intro_is_short_plain_text(run_action, make_tracker, pinned_clock, moment):
    if moment == "closed":
        pinned_clock(CLOSED_MOMENT)
    _, dispatcher = run_action(ActionHandoff(), make_tracker("talk to someone", "talk_to_therapist", channel="sms"))
    text = only_text(dispatcher)
    assert_sms_text(text)
    expected = (
        "Of course, a therapist will get back to you shortly."
        if moment == "open"
        else "We're closed now and open tomorrow at 9 am."
    )
    assert text.startswith(expected)


def test_without_an_earlier_question_none_is_assumed(run_action, make_tracker):
    history = [user_event("hi", "greet"), user_event("/talk_to_therapist", "talk_to_therapist")]
    events, _ = run_action(ActionHandoff(), make_tracker("yes", "affirm", history=history))
    assert "callback_question" not in slot_values(events)


def test_unclear_messages_are_no_question_for_the_therapist(run_action, make_tracker):
    # After two unclear messages and "yes please" to the offer of a person, the form asks what it is about.
    history = [user_event("ugh", "nlu_fallback"), user_event("mmm blah", "nlu_fallback")]
    events, _ = run_action(ActionHandoff(), make_tracker("yes please", "affirm", history=history))
    assert "callback_question" not in slot_values(events)
