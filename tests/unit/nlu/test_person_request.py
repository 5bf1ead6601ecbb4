"""Explicit requests to be contacted by a person win over the topic they mention."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.person_request import is_person_request
from bot.nlu.person_request_detector import PersonRequestDetector


@pytest.mark.parametrize(
    "text",
    [
        "can someone get back to me tomorrow? question about deep tissue",
        "Could the therapist please call me back about my hip",
        "please have somebody text me, it's about a gift card",
        "get a therapist to ring me before I book",
        "I'd like someone from the team to contact me",
        "would one of your therapists phone me about massage at 30 weeks",
    ],
)
def test_requests_for_a_person(text):
    assert is_person_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "can you text me the confirmation",  # the assistant, not a person
        "do therapists call you before the first visit?",  # a question about the practice
        "my therapist called me yesterday",
        "can someone massage my lower back",
        "/talk_to_therapist",
    ],
)
def test_other_messages_are_not(text):
    assert not is_person_request(text)


def test_the_component_overrides_a_topic_guess():
    message = Message(data={"text": "can someone get back to me? I have a q about massage while pregnant"})
    ranking = [{"name": "pregnancy", "confidence": 0.5}, {"name": "talk_to_therapist", "confidence": 0.46}]
    message.set("intent", ranking[0])
    message.set("intent_ranking", ranking)
    PersonRequestDetector().process([message])
    assert message.get("intent") == {"name": "talk_to_therapist", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == ["talk_to_therapist", "pregnancy"]
