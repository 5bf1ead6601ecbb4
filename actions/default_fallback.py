"""action_default_fallback: the fallback's last step offers a person, and remembers the offer.

Rasa's own version says utter_default and takes back the unclear message; ours
does the same and sets `person_offered`, so a plain "yes please" to "Would you
like a therapist to get back to you?" hands over (data/rules/handoff.yml)
instead of getting "Is there anything else I can help with?".
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

PERSON_OFFERED = "person_offered"


def person_offered() -> EventType:
    """The event that lets a plain "yes" to the offer just made mean "contact me"."""
    return SlotSet(PERSON_OFFERED, True)


class ActionDefaultFallback(Action):
    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_default")
        # Reverted first, so the offer outlives the reverted unclear message.
        return [UserUtteranceReverted(), person_offered()]
