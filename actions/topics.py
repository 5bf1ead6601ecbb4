"""Answer any FAQ topic by name: used when a question arrives mid-form.

Outside forms each topic has its own rule; inside a form one rule covers them
all, answers with this action and then returns to the form's question.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.language import english_only_reply
from actions.practice import ANSWERS, practice_answer
from actions.replies import send
from bot.store import utc_now

ARTICLE_TOPICS = (
    "why_glutes", "glute_muscles", "conditions_helped", "pregnancy", "technique", "soreness_pain",
    "self_massage", "draping_coverage", "underwear", "when_in_session", "aftercare_effects", "ask_for_glutes",
)
OTHER_RESPONSES = ("bot_challenge", "what_can_you_do", "thanks")


class ActionAnswerTopic(Action):
    clock: Callable[[], dt.datetime] = staticmethod(utc_now)

    def name(self) -> Text:
        return "action_answer_topic"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        topic = tracker.get_intent_of_latest_message()
        if topic in ANSWERS or topic == "other_language":
            if topic in ANSWERS:
                reply = practice_answer(topic, tracker.latest_message.get("text") or "", self.clock())
            else:
                reply = english_only_reply()
            # Mid-form, the form's own question follows: no extra buttons.
            send(dispatcher, tracker, dataclasses.replace(reply, buttons=(), sms_buttons=()))
        elif topic == "inappropriate_request":
            dispatcher.utter_message(response="utter_inappropriate")
        elif topic in ARTICLE_TOPICS or topic in OTHER_RESPONSES:
            dispatcher.utter_message(response=f"utter_{topic}")
        else:
            dispatcher.utter_message(response="utter_what_can_you_do")
        return []
