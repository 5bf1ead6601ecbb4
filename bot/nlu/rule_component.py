"""What the rule components beside the classifier share.

A rule component decides some intents by plain patterns (safety, language,
boundaries) and overrides whatever the classifier or the FallbackClassifier said. It has
nothing to train, so it is created the same way each time.
"""

from __future__ import annotations

from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


class RuleComponent(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()


def override_intent(message: Message, name: str) -> None:
    """Make `name` the intent, certain, and drop it and the fallback from the rest of the ranking."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get(INTENT_NAME_KEY) not in (name, "nlu_fallback")]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)


def clear_intent(message: Message) -> None:
    """Make the message unclear (nlu_fallback, certain) with nothing else to suggest."""
    unclear = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, unclear, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [unclear], add_to_output=True)
