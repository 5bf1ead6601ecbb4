"""First stage of the two-stage fallback: "Did you mean ...?" in plain words.

Rasa's default asks "Did you mean 'draping_coverage'?"; clients should see the
topic as a question they might have asked instead.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import is_sms

TOPIC_QUESTIONS: Dict[str, str] = {
    "why_glutes": "why glutes are part of a good massage",
    "glute_muscles": "which muscles the glutes are",
    "conditions_helped": "whether glute massage can help your pain or stiffness",
    "pregnancy": "massage while pregnant",
    "technique": "how the glutes are massaged",
    "soreness_pain": "whether it will hurt or feel sore",
    "self_massage": "what you can do at home",
    "draping_coverage": "how you'll be covered",
    "underwear": "whether to keep your underwear on",
    "when_in_session": "when in the session the glutes are done",
    "aftercare_effects": "how you'll feel afterwards",
    "ask_for_glutes": "asking for (or skipping) glute work",
    "hours": "our opening hours",
    "pricing": "prices",
    "location_contact": "where we are and how to reach us",
    "cancellation_policy": "cancelling or changing a booking",
    "tipping": "tipping",
    "first_visit": "what to expect on your first visit",
    "payment_insurance": "payment and insurance",
    "therapist_preference": "choosing your therapist",
    "session_etiquette": "what's normal during a massage",
    "book_appointment": "booking a visit",
    "talk_to_therapist": "talking to a therapist",
    "medical_red_flag": "a health concern",
    "what_can_you_do": "what I can help with",
}


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        guess = next((r["name"] for r in ranking if r.get("name") in TOPIC_QUESTIONS), None)
        if guess is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        topic = TOPIC_QUESTIONS[guess]
        text = f"Did you mean {topic}?" if is_sms(tracker) else f"Sorry, I want to be sure I understood. Did you mean {topic}?"
        dispatcher.utter_message(
            text=text,
            buttons=[
                {"title": "Yes", "payload": f"/{guess}"},
                {"title": "No", "payload": "/out_of_scope"},
            ],
        )
        return []
