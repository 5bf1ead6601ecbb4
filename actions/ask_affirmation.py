"""First stage of the two-stage fallback: "Did you mean ...?" in plain words.

Rasa's default asks "Did you mean 'draping_coverage'?"; clients should see the
topic as a question they might have asked instead.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import is_sms
from bot.topics import DID_YOU_MEAN


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        guess = next((r["name"] for r in ranking if r.get("name") in DID_YOU_MEAN), None)
        if guess is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        topic = DID_YOU_MEAN[guess]
        text = (
            f"Did you mean {topic}?"
            if is_sms(tracker)
            else f"Sorry, I want to be sure I understood. Did you mean {topic}?"
        )
        dispatcher.utter_message(
            text=text,
            buttons=[
                {"title": "Yes", "payload": f"/{guess}"},
                {"title": "No", "payload": "/out_of_scope"},
            ],
        )
        return []
