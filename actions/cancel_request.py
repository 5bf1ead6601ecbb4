"""action_cancel_request: the client cancels the booking or callback request they were giving."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking_form import BOOKING_SLOTS
from actions.callback_form import CALLBACK_SLOTS
from actions.client_details import CANCELLED, cleared
from actions.replies import send


class ActionCancelRequest(Action):
    def name(self) -> Text:
        return "action_cancel_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        send(dispatcher, tracker, CANCELLED)
        # Both forms' details: a half-given callback's best time must not fill the next callback form.
        return cleared(dict.fromkeys(BOOKING_SLOTS + CALLBACK_SLOTS)) + [SlotSet("requested_slot", None)]
