"""The callback form: name, contact, best time and question, then the request is stored and staff told.

Either way the request is stored (the same durable store as bookings) and
staff are told with a short transcript. When a therapist takes over live
(opening hours, decided by action_handoff), the assistant then pauses itself
for this conversation until staff resume it (`python -m bot resume REF`).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.client_details import CANCELLED, ClientDetailsValidation, cleared, split_contact, store_request
from actions.handoff import transcript
from actions.replies import Reply, send
from actions.slot_answers import Outcome, Reading, Said
from bot.nlu.unclear_text import is_unclear
from bot.practice import clock, schedule, wording
from bot.practice.profile import current_profile
from bot.requests.models import CallbackRequest
from bot.requests.notifier import notify_staff

CALLBACK_SLOTS = (
    "client_name",
    "contact",
    "best_time",
    "callback_question",
    "therapist_live",
    "invalid_answers",
    "gave_up",
    "cancelled",
)


class ValidateCallbackForm(ClientDetailsValidation):
    def name(self) -> Text:
        return "validate_callback_form"

    def opening_intents(self) -> frozenset:
        return frozenset({"talk_to_therapist"})

    def asking_intents(self) -> frozenset:
        return frozenset({"talk_to_therapist"})

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot("gave_up") or tracker.get_slot("cancelled"):
            return []
        if tracker.get_slot("therapist_live"):
            # A therapist replies now; no need to ask when to call.
            return [slot for slot in domain_slots if slot != "best_time"]
        return domain_slots

    def after_interruption(self, asked: str, reading: Reading, tracker: Tracker, said: Said) -> Dict[Text, Any]:
        if (
            asked == "callback_question"
            and reading.outcome is Outcome.WARNING
            and self.ran_since_message(tracker) == "action_red_flag"
        ):
            # The safety answer came first; what they described is still what to talk about.
            return {"callback_question": reading.value or said.text}
        return {}

    def validate_best_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"best_time": None}
        if is_unclear(str(value)) or str(value).startswith("/"):
            sorry = "Sorry, I didn't catch that."
            return self.refuse(tracker, "best_time", dispatcher, Reply(sorry, sorry, buttons=(), sms_buttons=()))
        return self.accept({"best_time": str(value)})

    def validate_callback_question(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"callback_question": None}
        if is_unclear(str(value)) or str(value).startswith("/"):
            sorry = "Sorry, I didn't catch that."
            return self.refuse(
                tracker, "callback_question", dispatcher, Reply(sorry, sorry, buttons=(), sms_buttons=())
            )
        return self.accept({"callback_question": str(value)})


class ActionFinishCallback(Action):
    """Stores the callback request, tells staff, and tells the client what next."""

    def name(self) -> Text:
        return "action_finish_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile, now = current_profile(), clock.now()
        reset = cleared(CALLBACK_SLOTS)
        if tracker.get_slot("cancelled"):
            send(dispatcher, tracker, CANCELLED)
            return reset
        if tracker.get_slot("gave_up") or not tracker.get_slot("contact"):
            send(
                dispatcher,
                tracker,
                Reply(
                    f"I'm sorry, I couldn't take your details. Please call us on {profile.phone} and we'll help "
                    f"you directly.",
                    f"Sorry, I couldn't take your details. Please call {profile.phone}.",
                    buttons=(),
                    sms_buttons=(),
                ),
            )
            return reset
        open_now = bool(tracker.get_slot("therapist_live"))
        phone, email = split_contact(tracker.get_slot("contact"))
        request = CallbackRequest(
            name=tracker.get_slot("client_name") or "",
            phone=phone or "",
            email=email or "",
            best_time="as soon as possible (open now)" if open_now else (tracker.get_slot("best_time") or ""),
            question=tracker.get_slot("callback_question") or "",
            channel=tracker.get_latest_input_channel() or "",
            sender_id=tracker.sender_id,
            transcript=transcript(tracker),
        )
        result = await store_request(request)
        if result is None:
            send(
                dispatcher,
                tracker,
                Reply(
                    f"I'm so sorry, I couldn't save your request. Please call us on {profile.phone}.",
                    f"Sorry, I couldn't save that. Please call {profile.phone}.",
                    buttons=(),
                    sms_buttons=(),
                ),
            )
            return reset
        notify_staff(
            profile.raw,
            f"{'Client waiting for a therapist' if open_now else 'Callback request'} {result.reference}",
            f"Reference: {result.reference}\nName: {request.name}\nContact: {request.phone or request.email}\n"
            f"Best time: {request.best_time}\nQuestion: {request.question}\nChannel: {request.channel}\n"
            f"Conversation: {request.sender_id}\n"
            + (
                f"The assistant is paused for this conversation; resume with: python -m bot resume {result.reference}\n"
                if open_now
                else ""
            )
            + f"\n{request.transcript}",
        )
        first_name = request.name.split()[0] if request.name else "there"
        # "call you on" only for a phone number; an e-mail address gets written to.
        reach = f"on {request.phone}" if request.phone else f"at {request.email}"
        if open_now:
            send(
                dispatcher,
                tracker,
                Reply(
                    f"Thanks, {first_name}. I've passed this to the team (reference {result.reference}), and a "
                    f"therapist "
                    f"will contact you {reach} shortly. I'll step back now so a person can take over.",
                    f"Thanks {first_name}. A therapist will contact you {reach} shortly. Ref {result.reference}.",
                    buttons=(),
                    sms_buttons=(),
                ),
            )
            return reset + [ConversationPaused()]
        opening = wording.describe_moment(profile, schedule.next_opening(profile, now), now)
        send(
            dispatcher,
            tracker,
            Reply(
                f"Thanks, {first_name}. Your callback request is in (reference {result.reference}). We open {opening}, "
                f"and a therapist will {'call you on' if request.phone else 'write to you at'} "
                f"{request.phone or request.email} then.",
                f"Thanks {first_name}. Callback request in, ref {result.reference}. We open {opening} and will "
                f"call you then.",
                buttons=(("Ask something else", "/what_can_you_do"),),
                sms_buttons=(),
            ),
        )
        return reset
