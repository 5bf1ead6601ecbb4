"""Rasa pipeline component: clear red-flag wording wins over the classifier.

The patterns live in bot.safety (no Rasa dependency); this component runs them
on every message after DIET and after the FallbackClassifier, so a clear
warning sign is routed to the safety answer even when the model is unsure or
predicted another topic with high confidence.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE, EXTRACTOR, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY, TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety import ENTITY, RED_FLAG_INTENT, find_red_flag


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RedFlagDetector(GraphComponent):
    """Overrides the predicted intent with medical_red_flag on a clear warning sign."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            flag = find_red_flag(message.get(TEXT) or "")
            if flag is None or (message.get(TEXT) or "").startswith("/"):
                continue
            intent = {INTENT_NAME_KEY: RED_FLAG_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [
                r for r in message.get(INTENT_RANKING_KEY, [])
                if r.get(INTENT_NAME_KEY) not in (RED_FLAG_INTENT, "nlu_fallback")
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
            entity = {
                ENTITY_ATTRIBUTE_TYPE: ENTITY,
                ENTITY_ATTRIBUTE_VALUE: flag.kind,
                ENTITY_ATTRIBUTE_START: flag.start,
                ENTITY_ATTRIBUTE_END: flag.end,
                EXTRACTOR: self.__class__.__name__,
            }
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages
