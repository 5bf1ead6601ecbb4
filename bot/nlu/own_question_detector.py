"""Rasa pipeline component: a message one of the practice's own questions answers.

Staff write questions and answers for things no topic covers (the console's review
queue; `own_questions:` in practice/profile.yml). This sets the intent `own_question`,
which action_own_question (actions/own_question.py) answers, when one of those
questions matches a message that the classifier
- did not understand (nlu_fallback, out_of_scope): a match is enough;
- was unsure of: a clear match is needed;
- was sure of: only a clear rewording of that question (staff usually write the
  question a client asked and the assistant got wrong), and never for safety,
  handoff, booking and conversation intents.
The matcher compares meaning (sentence embeddings; bot.answers.own_questions.MATCHER).
The questions are read from the profile at run time: a new one works at once,
without retraining.

Runs after the fallback and before the boundary and red-flag checks, which still win.
"""

from __future__ import annotations

import logging
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.answers.own_questions import MATCHER, best_own_question, own_questions
from bot.nlu.rule_component import RuleComponent, override_intent
from bot.practice.profile import current_profile

logger = logging.getLogger(__name__)

OWN_QUESTION_INTENT = "own_question"
NOT_UNDERSTOOD = frozenset({"nlu_fallback", "out_of_scope"})
# Below this confidence a topic guess gives way to an own question that matches
# clearly (the matcher's `clear` score).
UNSURE_CONFIDENCE = 0.5
# Never replaced, however well an own question matches.
PROTECTED = frozenset(
    {
        "medical_red_flag",
        "talk_to_therapist",
        "book_appointment",
        "inappropriate_request",
        "other_language",
        "stop",
        "affirm",
        "deny",
        "inform",
        "greet",
        "goodbye",
        "thanks",
    }
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OwnQuestionDetector(RuleComponent):
    """Overrides an unclear intent with own_question when the practice's own Q&A matches."""

    def process(self, messages: List[Message]) -> List[Message]:
        try:
            questions = own_questions(current_profile())
        except Exception:  # a broken profile must not break understanding
            logger.exception("could not read the practice's own questions")
            return messages
        if not questions:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            intent = message.get(INTENT) or {}
            name, confidence = intent.get(INTENT_NAME_KEY), intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0
            if name in PROTECTED:
                continue
            found = best_own_question(text, questions)
            if found is None:
                continue
            score = found[1]
            if name in NOT_UNDERSTOOD:
                needed = MATCHER.threshold
            elif confidence < UNSURE_CONFIDENCE:
                needed = MATCHER.clear
            else:
                needed = MATCHER.strong
            if score >= needed:
                override_intent(message, OWN_QUESTION_INTENT)
        return messages
