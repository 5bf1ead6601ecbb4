"""action_closest_passage: is any answer close enough to a message the classifier did not understand?

The first step after `nlu_fallback` outside a form (data/rules/conversation.yml):
it sets `passage_found` (which the rules branch on) and `closest_passage`. With
a passage, action_grounded_answer answers with it; without one, the two-stage
fallback asks "did you mean ...?" as before.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.grounded_answer import FOUND_SLOT, PASSAGE_SLOT, passages
from bot.answers.grounding import closest_passage
from bot.practice.profile import current_profile

logger = logging.getLogger(__name__)


class ActionClosestPassage(Action):
    def name(self) -> Text:
        return "action_closest_passage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message or {}
        try:
            found = closest_passage(
                message.get("text") or "",
                passages(domain, current_profile()),
                message.get("intent_ranking") or [],
            )
        except Exception:  # a broken search must not break the fallback: it then asks as before
            logger.exception("could not search the passages")
            found = None
        if found is None:
            return [SlotSet(FOUND_SLOT, False), SlotSet(PASSAGE_SLOT, None)]
        return [SlotSet(FOUND_SLOT, True), SlotSet(PASSAGE_SLOT, found.passage.key)]
