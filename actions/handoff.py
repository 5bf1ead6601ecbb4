"""Therapist handoff: a person during opening hours, a callback after hours.

Either way the request is stored (the same durable store as bookings) and
staff are told with a short transcript. During opening hours the assistant then
pauses itself for this conversation until staff resume it
(`python -m bot resume SENDER_ID`), so a person can take over.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.details import ClientDetailsValidation, cleared, intent_of, store_request, text_of
from actions.replies import Reply, send
from bot import hours
from bot.notify import notify_staff
from bot.profile import current_profile
from bot.store import CallbackRequest, utc_now

CALLBACK_SLOTS = ("client_name", "contact", "best_time", "callback_question", "invalid_answers", "gave_up")
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
        if text and not text.startswith("/") and intent not in ("talk_to_therapist", "affirm", "deny", "inform", "greet"):
            return text
    return ""


class ActionHandoff(Action):
    """Opens the handoff: says what will happen, then the callback form runs."""

    clock: Callable[[], dt.datetime] = staticmethod(utc_now)

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile, now = current_profile(), self.clock()
        if hours.is_open(profile, now):
            send(dispatcher, tracker, Reply(
                "Of course. A therapist will get back to you shortly. I just need a couple of details so they can reach you.",
                "Of course, a therapist will get back to you shortly. Just a couple of details first.",
                buttons=(), sms_buttons=()))
        else:
            opening = hours.describe_moment(profile, hours.next_opening(profile, now), now)
            send(dispatcher, tracker, Reply(
                f"We're closed right now; we open {opening}. I'll take a callback request so a therapist can call you then. "
                f"If it's urgent, please call {profile.emergency_number} or your doctor.",
                f"We're closed now and open {opening}. I'll take a callback request for then.",
                buttons=(), sms_buttons=()))
        question = first_question(tracker)
        return [SlotSet("gave_up", None), SlotSet("invalid_answers", 0)] + (
            [SlotSet("callback_question", question)] if question else [])


class ValidateCallbackForm(ClientDetailsValidation):
    clock: Callable[[], dt.datetime] = staticmethod(utc_now)

    def name(self) -> Text:
        return "validate_callback_form"

    def opening_intents(self) -> frozenset:
        return frozenset({"talk_to_therapist"})

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot("gave_up"):
            return []
        if hours.is_open(current_profile(), self.clock()):
            # A therapist replies now; no need to ask when to call.
            return [slot for slot in domain_slots if slot != "best_time"]
        return domain_slots

    async def extract_best_time(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if self.free_text_ok(tracker, "best_time") or (self.requested(tracker, "best_time") and intent_of(tracker) in ("inform", "affirm")):
            return {"best_time": text_of(tracker)[:200]}
        return {}

    async def extract_callback_question(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        # Any message counts here, questions included: it is what they want to ask.
        if self.requested(tracker, "callback_question") and not text_of(tracker).startswith("/"):
            return {"callback_question": text_of(tracker)[:1000]}
        return {}

    def validate_best_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"best_time": value} if value is None else self.accept({"best_time": str(value)})

    def validate_callback_question(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return {"callback_question": value} if value is None else self.accept({"callback_question": str(value)})


class ActionFinishCallback(Action):
    """Stores the callback request, tells staff, and tells the client what next."""

    clock: Callable[[], dt.datetime] = staticmethod(utc_now)

    def name(self) -> Text:
        return "action_finish_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile, now = current_profile(), self.clock()
        reset = cleared(CALLBACK_SLOTS)
        if tracker.get_slot("gave_up") or not tracker.get_slot("contact"):
            send(dispatcher, tracker, Reply(
                f"I'm sorry, I couldn't take your details. Please call us on {profile.phone} and we'll help you directly.",
                f"Sorry, I couldn't take your details. Please call {profile.phone}.", buttons=(), sms_buttons=()))
            return reset
        open_now = hours.is_open(profile, now)
        request = CallbackRequest(
            name=tracker.get_slot("client_name") or "",
            phone=tracker.get_slot("contact") or "",
            best_time="as soon as possible (open now)" if open_now else (tracker.get_slot("best_time") or ""),
            question=tracker.get_slot("callback_question") or "",
            channel=tracker.get_latest_input_channel() or "",
            sender_id=tracker.sender_id,
            transcript=transcript(tracker),
        )
        result = await store_request(request)
        if result is None:
            send(dispatcher, tracker, Reply(
                f"I'm so sorry, I couldn't save your request. Please call us on {profile.phone}.",
                f"Sorry, I couldn't save that. Please call {profile.phone}.", buttons=(), sms_buttons=()))
            return reset
        notify_staff(
            profile.raw,
            f"{'Client waiting for a therapist' if open_now else 'Callback request'} {result.reference}",
            f"Reference: {result.reference}\nName: {request.name}\nContact: {request.phone}\n"
            f"Best time: {request.best_time}\nQuestion: {request.question}\nChannel: {request.channel}\n"
            f"Conversation: {request.sender_id}\n"
            + (f"The assistant is paused for this conversation; resume with: python -m bot resume {result.reference}\n" if open_now else "")
            + f"\n{request.transcript}",
        )
        first_name = request.name.split()[0] if request.name else "there"
        if open_now:
            send(dispatcher, tracker, Reply(
                f"Thanks, {first_name}. I've passed this to the team (reference {result.reference}), and a therapist "
                f"will contact you on {request.phone} shortly. I'll step back now so a person can take over.",
                f"Thanks {first_name}. A therapist will contact you on {request.phone} shortly. Ref {result.reference}.",
                buttons=(), sms_buttons=()))
            return reset + [ConversationPaused()]
        opening = hours.describe_moment(profile, hours.next_opening(profile, now), now)
        send(dispatcher, tracker, Reply(
            f"Thanks, {first_name}. Your callback request is in (reference {result.reference}). We open {opening}, "
            f"and a therapist will call you on {request.phone} then.",
            f"Thanks {first_name}. Callback request in, ref {result.reference}. We open {opening} and will call you then.",
            buttons=(("Ask something else", "/what_can_you_do"),), sms_buttons=()))
        return reset
