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
