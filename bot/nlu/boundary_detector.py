"""Rasa pipeline component: two boundaries decided by rules, not by the classifier.

- a message in another language gets `other_language` (the classifier's guess
  on a Spanish or Chinese message means nothing);
- clear sexual or harassing wording gets `inappropriate_request`.

Runs after the classifier and the fallback and before the red-flag check, so
clear English warning signs in the same message still reach the safety answer.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.inappropriate_patterns import INAPPROPRIATE_INTENT, is_inappropriate_request
from bot.nlu.language_detection import other_language
from bot.nlu.rule_component import RuleComponent, override_intent

OTHER_LANGUAGE_INTENT = "other_language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class BoundaryDetector(RuleComponent):
    """Overrides the predicted intent with other_language or inappropriate_request."""

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
            override_intent(message, name)
        return messages
