"""Rasa pipeline component: a message nobody could read is unclear, whatever the classifier guessed.

Emoji, punctuation, key-mash and filler ("hmm", "ugh", "ok whatever lol") get
`nlu_fallback` with no other guess, so outside a form the fallback asks to put
it another way (never "did you mean ...?" about a topic nobody raised), and the
second one in a row offers a person. Inside a form the question just asked reads
the message first and says it didn't catch that. The rules live in
bot.nlu.unclear_text.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.rule_component import RuleComponent, clear_intent
from bot.nlu.unclear_text import is_filler, is_unclear


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class UnclearDetector(RuleComponent):
    """Sets nlu_fallback, with an empty ranking, on unreadable or filler-only messages."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or not (is_unclear(text) or is_filler(text)):
                continue
            clear_intent(message)
        return messages
