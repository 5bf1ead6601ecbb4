"""Rasa pipeline component: an explicit request to be contacted by a person is talk_to_therapist.

Runs after the classifier, the fallback and the off-topic guard, and before the
boundary and red-flag checks, so a warning sign in the same message still gets
the safety answer first. The patterns live in bot.nlu.person_request.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.person_request import TALK_TO_THERAPIST, is_person_request
from bot.nlu.rule_component import RuleComponent, override_intent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PersonRequestDetector(RuleComponent):
    """Sets talk_to_therapist on "can someone get back to me about ...?"."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if is_person_request(message.get(TEXT) or ""):
                override_intent(message, TALK_TO_THERAPIST)
        return messages
