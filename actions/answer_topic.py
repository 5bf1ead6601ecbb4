"""Answer any FAQ topic by name: used when a question arrives mid-form.

Outside forms each topic has its own rule; inside a form one rule covers them
all, answers with this action and then returns to the form's question.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.english_only import english_only_reply
from actions.own_question import own_question_reply
from actions.practice_answer import practice_answer
from actions.replies import send
from bot import topics
from bot.practice import clock


class ActionAnswerTopic(Action):
    def name(self) -> Text:
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        topic = tracker.get_intent_of_latest_message()
        registered = topics.BY_KEY.get(topic or "")
        if topic in topics.PRACTICE_TOPICS or topic == "other_language":
            if topic in topics.PRACTICE_TOPICS:
                reply = practice_answer(topic, tracker.latest_message.get("text") or "", clock.now())
            else:
                reply = english_only_reply()
            # Mid-form, the form's own question follows: no extra buttons.
            send(dispatcher, tracker, dataclasses.replace(reply, buttons=(), sms_buttons=()))
        elif topic == "own_question" and (own := own_question_reply(tracker.latest_message.get("text") or "")):
            send(dispatcher, tracker, dataclasses.replace(own, buttons=(), sms_buttons=()))
        elif topic == "inappropriate_request":
            dispatcher.utter_message(response="utter_inappropriate")
        elif registered and registered.response:
            dispatcher.utter_message(response=registered.response)
        else:
            dispatcher.utter_message(response="utter_what_can_you_do")
        return []
