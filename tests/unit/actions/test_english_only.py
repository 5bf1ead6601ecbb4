"""action_english_only: a polite note with the practice's phone and the emergency number."""

from __future__ import annotations

import pytest

from actions.answer_topic import ActionAnswerTopic
from actions.english_only import ActionEnglishOnly
from tests.unit.actions.action_helpers import CHANNELS, assert_sms_text, only_message, payloads


@pytest.mark.parametrize("channel", CHANNELS)
def test_note_gives_phone_and_emergency_number(make_tracker, run_action, channel):
    tracker = make_tracker("¿Puedo reservar un masaje?", "other_language", channel=channel)
    events, dispatcher = run_action(ActionEnglishOnly(), tracker)
    message = only_message(dispatcher)
    assert events == []
    assert "English" in message["text"]
    assert "+1 415 555 0100" in message["text"] and "911" in message["text"]
    if channel == "sms":
        assert_sms_text(message["text"])
    else:
        assert "/talk_to_therapist" in payloads(message)


def test_note_follows_the_profile(make_tracker, run_action, edit_profile):
    edit_profile(lambda profile: profile["contact"].update(phone="+1 503 555 0177"))
    tracker = make_tracker("Bonjour, vous êtes ouverts?", "other_language")
    _, dispatcher = run_action(ActionEnglishOnly(), tracker)
    assert "+1 503 555 0177" in only_message(dispatcher)["text"]


def test_mid_form_other_language_and_inappropriate_get_their_own_answers(make_tracker, run_action):
    _, dispatcher = run_action(ActionAnswerTopic(), make_tracker("mañana a las tres", "other_language"))
    assert "only read and answer messages in English" in only_message(dispatcher)["text"]
    _, dispatcher = run_action(ActionAnswerTopic(), make_tracker("any extras?", "inappropriate_request"))
    assert dispatcher.messages[0]["response"] == "utter_inappropriate"
