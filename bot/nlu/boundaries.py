"""Rasa pipeline component: two boundaries decided by rules, not by the classifier.

- a message in another language gets `other_language` (the classifier's guess
  on a Spanish or Chinese message means nothing);
- clear sexual or harassing wording gets `inappropriate_request`.

Runs after the classifier and the fallback and before the red-flag check, so
clear English warning signs in the same message still reach the safety answer.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.boundaries import INAPPROPRIATE_INTENT, is_inappropriate_request
from bot.language import other_language

OTHER_LANGUAGE_INTENT = "other_language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class BoundaryDetector(GraphComponent):
    """Overrides the predicted intent with other_language or inappropriate_request."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "BoundaryDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            if other_language(text) is not None:
                name = OTHER_LANGUAGE_INTENT
            elif is_inappropriate_request(text):
                name = INAPPROPRIATE_INTENT
            else:
                continue
            intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get(INTENT_NAME_KEY) not in (name, "nlu_fallback")]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
        return messages
