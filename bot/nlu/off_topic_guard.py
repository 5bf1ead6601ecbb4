"""Rasa pipeline component: a topic guess with no topic words behind it becomes the polite boundary.

Trained with the NLU data (it keeps the training examples' words in the model);
the check itself is bot.nlu.off_topic_words. Runs after the FallbackClassifier
and before the rule components, which still win (sexual wording, another
language, unreadable text, warning signs).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.off_topic_words import OUT_OF_SCOPE, UNCLEAR, Vocabulary, off_topic_intent, unclear_guess_off_topic
from bot.nlu.rule_component import clear_intent, override_intent

_FILE = "vocabulary.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class OffTopicGuard(GraphComponent):
    """Overrides an unsupported topic guess with out_of_scope (a question) or nlu_fallback."""

    def __init__(self, model_storage: ModelStorage, resource: Resource, vocabulary: Optional[Vocabulary] = None):
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary or Vocabulary()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OffTopicGuard:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [(ex.get(TEXT) or "", ex.get(INTENT) or "") for ex in training_data.intent_examples]
        self.vocabulary = Vocabulary.from_examples(examples)
        with self._model_storage.write_to(self._resource) as folder:
            (folder / _FILE).write_text(json.dumps(self.vocabulary.as_json()), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> OffTopicGuard:
        with model_storage.read_from(resource) as folder:
            vocabulary = Vocabulary.from_json(json.loads((folder / _FILE).read_text(encoding="utf-8")))
        return cls(model_storage, resource, vocabulary)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT) or ""
            name = off_topic_intent(
                text,
                intent.get(INTENT_NAME_KEY) or "",
                float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0),
                self.vocabulary,
            )
            ranking = [
                (r.get(INTENT_NAME_KEY) or "", float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
                for r in message.get(INTENT_RANKING_KEY) or []
            ]
            if intent.get(INTENT_NAME_KEY) == UNCLEAR and unclear_guess_off_topic(text, ranking, self.vocabulary):
                name = OUT_OF_SCOPE  # not understood, but clearly about something else
            if name == UNCLEAR:
                clear_intent(message)  # no "did you mean ...?" about the topic just ruled out
            elif name is not None:
                override_intent(message, name)
        return messages
