"""Rasa pipeline component: clear red-flag wording wins over the classifier.

The patterns live in bot.nlu.red_flag_patterns (no Rasa dependency); this component runs them
on every message after the intent classifier and the FallbackClassifier, so a clear
warning sign is routed to the safety answer even when the model is unsure or
predicted another topic with high confidence.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.red_flag_patterns import ENTITY, RED_FLAG_INTENT, find_red_flag
from bot.nlu.rule_component import RuleComponent, override_intent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RedFlagDetector(RuleComponent):
    """Overrides the predicted intent with medical_red_flag on a clear warning sign."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            flag = find_red_flag(message.get(TEXT) or "")
            if flag is None or (message.get(TEXT) or "").startswith("/"):
                continue
            override_intent(message, RED_FLAG_INTENT)
            entity = {
                ENTITY_ATTRIBUTE_TYPE: ENTITY,
                ENTITY_ATTRIBUTE_VALUE: flag.kind,
                ENTITY_ATTRIBUTE_START: flag.start,
                ENTITY_ATTRIBUTE_END: flag.end,
                EXTRACTOR: self.__class__.__name__,
            }
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages
