"""action_closest_passage: is any answer close enough to a message the classifier did not understand?

The first step after `nlu_fallback` outside a form (data/rules/conversation.yml):
it sets `passage_found` (which the rules branch on) and `closest_passage`. With
a passage, action_grounded_answer answers with it; without one, the two-stage
fallback asks "did you mean ...?" as before.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Dict, List, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.grounded_answer import FOUND_SLOT, PASSAGE_SLOT, passages
from bot.answers.grounding import closest_passage
from bot.nlu.nearest_passage import index_for
from bot.paths import REPO_ROOT
from bot.practice.profile import current_profile

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Load the encoder and embed the passages, so the first unclear message waits for neither.

    Measured: about 4 s on a busy two-core machine, once per action server.
    The domain Rasa sends is the repository's domain.yml, so the index built
    here is the one the action finds later.
    """
    try:
        domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
        index_for([p.search_text for p in passages(domain, current_profile())])
    except Exception:  # the action itself retries (and reports) on first use
        logger.warning("could not prepare the passages in advance", exc_info=True)


threading.Thread(target=warm_up, name="passage-warm-up", daemon=True).start()


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
