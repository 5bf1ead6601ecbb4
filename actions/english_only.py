"""A polite note for messages in another language: the assistant reads English only.

The note is in English (a translation would be guesswork) and gives the
practice's phone number and the emergency number, since the message we
cannot read might be about a health problem.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import TALK, Reply, send
from bot.practice.profile import current_profile


def english_only_reply() -> Reply:
    profile = current_profile()
    return Reply(
        "Sorry, I can only read and answer messages in English. "
        f"Please write to me in English, or call us on {profile.phone} and we'll do our best to help. "
        f"If it's an emergency, call {profile.emergency_number}.",
        f"Sorry, I can only read English. Please write in English or call us on {profile.phone}. "
        f"Emergency: call {profile.emergency_number}.",
        buttons=(TALK,),
        sms_buttons=(),
    )


class ActionEnglishOnly(Action):
    def name(self) -> Text:
        return "action_english_only"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        send(dispatcher, tracker, english_only_reply())
        return []
