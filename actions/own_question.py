"""action_own_question: answer with one of the practice's own questions and answers.

bot.nlu.own_question_detector sets the intent `own_question` when a message matches
one of the questions staff wrote in the console (`own_questions:` in the profile);
this finds the same question again and sends its answer (the `sms` one by text).
If the list changed in between and nothing matches any more, the client is asked
to rephrase.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Reply, send
from bot.answers.own_questions import best_own_question, own_questions
from bot.practice.profile import current_profile


def own_question_reply(text: str) -> Optional[Reply]:
    """The practice's own answer to a client's message, or None."""
    found = best_own_question(text, own_questions(current_profile()))
    if found is None:
        return None
    question, _score = found
    return Reply(question.answer, question.sms)


class ActionOwnQuestion(Action):
    def name(self) -> Text:
        return "action_own_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        reply = own_question_reply(tracker.latest_message.get("text") or "")
        if reply is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
        else:
            send(dispatcher, tracker, reply)
        return []
