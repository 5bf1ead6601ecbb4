"""Rasa pipeline component: messages in another language get `other_language`.

Runs after the classifier and the fallback (whose guesses on a Spanish or
Chinese message mean nothing) and before the red-flag check, so clear English
warning signs in a mixed message still reach the safety answer.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import other_language

OTHER_LANGUAGE_INTENT = "other_language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OtherLanguageDetector(GraphComponent):
    """Overrides the predicted intent with other_language for non-English text."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "OtherLanguageDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or other_language(text) is None:
                continue
            intent = {INTENT_NAME_KEY: OTHER_LANGUAGE_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get(INTENT_NAME_KEY) != "nlu_fallback"]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
        return messages
