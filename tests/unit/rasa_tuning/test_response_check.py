"""bot/rasa_tuning/response_check.py: the same verdict and message as Rasa's check, for good and bad replies."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_tuning import response_check

GOOD = {
    "events": [{"event": "slot", "name": "client_name", "value": "Kim Lee", "timestamp": None}],
    "responses": [{"text": "Thanks, Kim.", "buttons": [{"title": "Book", "payload": "/book_appointment"}]}],
}
BAD = [
    {"events": [{"event": "slot", "value": "no name"}]},  # a slot event without a name
    {"events": "not a list"},
    {"responses": ["a string, not an object"]},
    {"events": [{"event": "no_such_event"}]},
]


def _verdict(check, result):
    try:
        return check(RemoteAction("action_x", None), result), None
    except ValidationError as error:
        return None, error.message


def test_good_replies_pass_as_they_did():
    assert _verdict(response_check.validate_action_result, GOOD) == (True, None)
    assert _verdict(response_check._original, GOOD) == (True, None)


@pytest.mark.parametrize("result", BAD)
def test_bad_replies_fail_with_rasas_own_message(result):
    ours, theirs = _verdict(response_check.validate_action_result, result), _verdict(response_check._original, result)
    assert ours[1] is not None and "Failed to validate Action server response" in ours[1]
    assert ours == theirs


def _events_as_rasa_writes_them():
    """One event of each kind the action server can send back, serialised by Rasa itself."""
    from rasa.shared.core import events

    return [
        event.as_dict()
        for event in (
            events.UserUttered("hi", {"name": "greet", "confidence": 0.9}, [{"entity": "day", "value": "mon"}]),
            events.ActionExecuted("utter_greet"),
            events.SlotSet("client_name", "Kim"),
            events.EntitiesAdded([{"entity": "day", "value": "mon"}]),
            events.ReminderCancelled(name="r"),
            events.ActionExecutionRejected("booking_form"),
            events.LoopInterrupted(True),
            events.ActiveLoop("booking_form"),
            events.AllSlotsReset(),
            events.ConversationResumed(),
            events.ConversationPaused(),
            events.FollowupAction("utter_greet"),
            events.StoryExported(),
            events.Restarted(),
            events.ActionReverted(),
            events.UserUtteranceReverted(),
            events.BotUttered("Hello", {"buttons": [{"title": "Yes", "payload": "/affirm"}]}),
            events.SessionStarted(),
            events.AgentUttered("x"),
        )
    ]


def _replies():
    good = _events_as_rasa_writes_them()
    yield {"events": good, "responses": [{"text": "ok"}]}
    for event in good:
        yield {"events": [event]}
        broken = dict(event)
        broken["timestamp"] = "yesterday"
        yield {"events": [broken]}
        yield {"events": [{**event, "event": 7}]}
        yield {"events": [{key: value for key, value in event.items() if key != "event"}]}
    yield {"events": [{"event": "slot", "name": "a"}]}  # no value
    yield {"events": [{"event": "entities", "entities": "none"}]}
    yield {"events": [{"event": "slot", "name": "a", "value": 1}, "not an object"]}
    yield {"events": None}
    yield []
    yield {}


@pytest.mark.parametrize("result", list(_replies()))
def test_checking_each_event_against_its_own_schema_gives_the_full_verdict(result):
    full = response_check._validator().is_valid(result)
    assert response_check.passes_by_event(result) == full
    assert _verdict(response_check.validate_action_result, result) == _verdict(response_check._original, result)
