"""action_handoff: a client asks for a person; a therapist takes over now, or calls back after hours.

Whether it is live or a callback is decided here, once, into the `therapist_live`
slot; the callback form (actions/callback_form.py) then takes the details.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Reply, send
from bot.nlu.unclear_text import is_filler, is_unclear
from bot.practice import clock, schedule, wording
from bot.practice.profile import current_profile

TRANSCRIPT_TURNS = 12


def transcript(tracker: Tracker, turns: int = TRANSCRIPT_TURNS) -> str:
    """The last few turns, one per line, for staff."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            lines.append(f"Client: {event['text']}")
        elif event.get("event") == "bot" and event.get("text"):
            lines.append(f"Assistant: {event['text']}")
    return "\n".join(lines[-turns:])


def first_question(tracker: Tracker) -> str:
    """What the client asked before asking for a person, as a default question."""
    for event in reversed(tracker.events):
        text = (event.get("text") or "") if event.get("event") == "user" else ""
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if (
            text
            and not text.startswith("/")
            and intent not in ("talk_to_therapist", "affirm", "deny", "inform", "greet", "nlu_fallback", "out_of_scope")
            and not (is_unclear(text) or is_filler(text))  # "ugh" is no question for a therapist
        ):
            return text
    return ""


class ActionHandoff(Action):
    """Opens the handoff: says what will happen, then the callback form runs."""

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile, now = current_profile(), clock.now()
        # Decided once: the form and the finishing action read this slot, so a
        # handoff that starts a minute before closing stays one kind of handoff.
        live = schedule.is_open(profile, now)
        if live:
            send(
                dispatcher,
                tracker,
                Reply(
                    "Of course. A therapist will get back to you shortly. I just need a couple of details so "
                    "they can reach you.",
                    "Of course, a therapist will get back to you shortly. Just a couple of details first.",
                    buttons=(),
                    sms_buttons=(),
                ),
            )
        else:
            opening = wording.describe_moment(profile, schedule.next_opening(profile, now), now)
            send(
                dispatcher,
                tracker,
                Reply(
                    f"We're closed right now; we open {opening}. I'll take a callback request so a therapist "
                    f"can call you then. "
                    f"If it's urgent, please call {profile.emergency_number} or your doctor.",
                    f"We're closed now and open {opening}. I'll take a callback request for then.",
                    buttons=(),
                    sms_buttons=(),
                ),
            )
        question = first_question(tracker)
        return [SlotSet("gave_up", None), SlotSet("invalid_answers", 0), SlotSet("therapist_live", live)] + (
            [SlotSet("callback_question", question)] if question else []
        )
