"""Client details shared by the booking and callback forms: name and contact, and how a message is read.

Every message inside a form is read against the question just asked
(actions/slot_answers.py decides whether it is the answer or an interruption
the rules handle). An answer may bring other details too ("it's Sam,
415 555 0142"); a free-text answer (a note) brings nothing else. The second
answer in a row that cannot be used comes with an offer of a person; after the
third the form ends so that the finishing action offers one instead of looping.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from abc import ABC, abstractmethod
from typing import Any, Dict, Iterable, List, Optional, Pattern, Text, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import slot_answers
from actions.replies import Reply, send
from actions.slot_answers import SLOT_RULES, Context, Outcome, Reading, Said
from bot.practice import clock
from bot.practice.profile import current_profile
from bot.requests.contact import extract_email, extract_phone, normalize_phone
from bot.requests.models import ClientRequest, SaveResult
from bot.requests.names import as_name, name_in_message
from bot.requests.store import RequestNotSaved, shared_store

logger = logging.getLogger(__name__)

MAX_INVALID_ANSWERS = 3
# Intents whose cancel rules (data/rules/booking.yml, handoff.yml, existing_bookings.yml) end a form.
RULE_CANCEL_INTENTS = frozenset({"stop", "cancel_booking"})


def intent_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def text_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def entity_text(tracker: Tracker, *types: str, skip: Optional[Pattern[str]] = None) -> Optional[str]:
    """The values of the message's entities of these types, in text order; `skip` leaves out matching values."""
    found = [
        e
        for e in tracker.latest_message.get("entities") or []
        if e.get("entity") in types and not (skip and skip.match(str(e.get("value")).strip()))
    ]
    if not found:
        return None
    return " ".join(str(e.get("value")) for e in sorted(found, key=lambda e: e.get("start") or 0))


def persons_in(tracker: Tracker) -> List[str]:
    """spaCy's PERSON entities in the latest message, each on its own."""
    return [str(e.get("value")) for e in tracker.latest_message.get("entities") or [] if e.get("entity") == "PERSON"]


# Said when a request being given is cancelled (by the cancel rule or a form's finishing action).
CANCELLED = Reply(
    "Okay, I've cancelled that request. Nothing was sent. What else can I help with?",
    "Okay, cancelled. Nothing was sent.",
    buttons=(("Book a visit", "/book_appointment"), ("Ask something else", "/what_can_you_do")),
    sms_buttons=(),
)


def clarified_text(tracker: Tracker) -> str:
    """The client's own words behind a button press that answered "Did you mean booking a visit?".

    The fallback replays only the button's payload; the words came in the unclear
    message before it ("bk 90min fri 3pm w glutes, name sam okafor").
    """
    latest = tracker.latest_message.get("text") or ""
    for event in reversed(tracker.events[:-1]):
        if event.get("event") != "user":
            continue
        text = event.get("text") or ""
        if text.startswith("/"):
            continue  # the button itself, and Rasa's replay of it
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        return text if intent == "nlu_fallback" else latest
    return latest


def split_contact(contact: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """The contact slot as (phone, email): it holds one or the other, already normalised."""
    contact = contact or ""
    if "@" in contact:
        return None, contact
    return (contact or None), None


def cleared(slots: Iterable[str]) -> List[EventType]:
    """Events that forget a finished (or cancelled) request's slots."""
    return [SlotSet(slot, 0 if slot == "invalid_answers" else None) for slot in slots]


async def store_request(request: ClientRequest) -> Optional[SaveResult]:
    """Save off the event loop (the database may be slow); None if even the spool failed."""
    try:
        return await asyncio.get_running_loop().run_in_executor(None, shared_store().save, request)
    except RequestNotSaved:
        logger.exception("%s request could not be stored or spooled", request.kind)
        return None


class ClientDetailsValidation(FormValidationAction, ABC):
    """Reading messages against the question asked, name and contact, and the give-up rule.

    Abstract, so the action server registers only the concrete forms' validators.
    """

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>"""

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # After too many answers we could not use, the form ends and the
        # finishing action offers a person instead; cancelled, it just ends.
        return [] if tracker.get_slot("gave_up") or tracker.get_slot("cancelled") else domain_slots

    def opening_intents(self) -> frozenset:
        """Intents that open this form; their message may already hold details."""
        return frozenset()

    def asking_intents(self) -> frozenset:
        """Intents that ask for what this form does ("book me in" while booking): no answer, no mistake."""
        return frozenset()

    # -- reading the latest message ------------------------------------------------------
    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        # One reading of the message for every slot (instead of one extract_<slot> each),
        # so the question asked is answered first and a free-text answer brings nothing else.
        wanted = set(await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain))
        found = {slot: value for slot, value in self.read_message(tracker).items() if slot in wanted}
        tracker.slots.update(found)
        return [SlotSet(slot, value) for slot, value in found.items()]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        reading = self.reading(tracker)
        if (
            reading
            and reading.outcome is Outcome.CANCEL
            and Said.from_parse(tracker.latest_message).intent not in (RULE_CANCEL_INTENTS)
        ):
            # Cancel words the classifier took for something else ("cancel, sorry, I changed my mind" looked
            # like the cancellation policy): the form ends here and its finishing action says it is cancelled.
            # (Classified as stop or cancel_booking, the form steps aside and a cancel rule does the same.)
            return [SlotSet("cancelled", True), SlotSet("requested_slot", None)]
        events = await super().run(dispatcher, tracker, domain)
        if not events and self.goes_on(tracker):
            # Nothing to fill, but nothing for the rules either ("I want to book" while booking):
            # an unchanged slot keeps Rasa from rejecting the form, which asks its question again.
            events.append(SlotSet("invalid_answers", tracker.get_slot("invalid_answers") or 0))
        return events

    def goes_on(self, tracker: Tracker) -> bool:
        """The message asks for what this form is already doing ("book me in" while booking)."""
        said = Said.from_parse(tracker.latest_message)
        reading = self.reading(tracker)
        return bool(reading and reading.is_answer and said.intent in self.asking_intents())

    def ran_since_message(self, tracker: Tracker) -> Optional[str]:
        """The last action other than this form since the client's message ("action_listen" if none).

        Rasa names the form itself as the latest action on every run, so a run after
        the rules answered an interruption is told apart by what ran before it.
        """
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                return "action_listen"
            if event.get("event") == "action" and event.get("name") not in (self.form_name(), None):
                return event["name"]
        return None

    def asked(self, tracker: Tracker) -> Optional[str]:
        """The slot whose question this form just asked, if this form is running."""
        if tracker.active_loop_name != self.form_name():
            return None
        slot = tracker.get_slot("requested_slot")
        return slot if slot in SLOT_RULES else None

    def context(self, tracker: Tracker) -> Context:
        return Context(current_profile(), clock.now())

    def reading(self, tracker: Tracker) -> Optional[Reading]:
        """The latest message read against the question asked (None when no question is open)."""
        asked = self.asked(tracker)
        if asked is None:
            return None
        said = Said.from_parse(tracker.latest_message)
        return slot_answers.read_reply(asked, self.form_name(), said, self.context(tracker))

    def read_message(self, tracker: Tracker) -> Dict[Text, Any]:
        """The slot values the latest message gives (unvalidated; refused answers come back as text)."""
        said = Said.from_parse(tracker.latest_message)
        asked = self.asked(tracker)
        if asked is None:
            opening = tracker.active_loop_name == self.form_name() or said.intent in self.opening_intents()
            if said.payload:
                said = dataclasses.replace(said, text=clarified_text(tracker))
            return self.pick_up(tracker, said) if opening and not said.payload else {}
        reading = self.reading(tracker)
        if not reading.is_answer:
            # The rules answer it (safety, cancel, handoff, a question) and the form asks again.
            return self.after_interruption(asked, reading, tracker, said)
        return self.answer(asked, reading, tracker, said)

    def answer(self, asked: str, reading: Reading, tracker: Tracker, said: Said) -> Dict[Text, Any]:
        found = {} if SLOT_RULES[asked].free_text else self.pick_up(tracker, said)
        if reading.value is not None:
            found[asked] = reading.value
        elif not found and said.intent not in self.asking_intents():
            # Nothing usable: the text goes to validate_<slot>, which says why and counts it.
            found[asked] = said.text
        return found

    def after_interruption(self, asked: str, reading: Reading, tracker: Tracker, said: Said) -> Dict[Text, Any]:
        return {}

    def pick_up(self, tracker: Tracker, said: Said) -> Dict[Text, Any]:
        """Details given in passing: a name said explicitly, a phone number or e-mail."""
        found: Dict[Text, Any] = {}
        persons = persons_in(tracker) if tracker.get_slot("client_name") is None else []
        name = name_in_message(said.text, persons)
        if name:
            found["client_name"] = name
        contact = extract_phone(said.text) or extract_email(said.text)
        if contact:
            found["contact"] = contact
        elif (
            tracker.get_slot("contact") is None
            and tracker.get_latest_input_channel() == "sms"
            and self.asked(tracker) != "contact"  # asked, they answer it themselves
        ):
            # An SMS client's own number is the natural way to reach them.
            number = normalize_phone(tracker.sender_id)
            if number:
                found["contact"] = number
        return found

    # -- name and contact ---------------------------------------------------------------
    def validate_client_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"client_name": None}  # cleared to be asked again, not an answer
        name = as_name(str(value))
        if name:
            return self.accept({"client_name": name})
        return self.refuse(
            tracker,
            "client_name",
            dispatcher,
            Reply(
                "Sorry, I didn't catch a name there.",
                "Sorry, I didn't catch a name there.",
                buttons=(),
                sms_buttons=(),
            ),
        )

    def validate_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"contact": None}
        found = extract_phone(str(value)) or extract_email(str(value))
        if found:
            return self.accept({"contact": found})
        return self.refuse(
            tracker,
            "contact",
            dispatcher,
            Reply(
                "That doesn't look like a phone number or email I can use. One like 415 555 0142 or "
                "name@example.com works.",
                "That number or email didn't work. One like 415 555 0142 works.",
                buttons=(),
                sms_buttons=(),
            ),
        )

    # -- shared outcomes ------------------------------------------------------------------
    def accept(self, values: Dict[Text, Any]) -> Dict[Text, Any]:
        return {**values, "invalid_answers": 0}

    def person_offer(self, reply: Reply) -> Reply:
        """The refusal with a way to a person added (the second unusable answer in a row)."""
        phone = current_profile().phone
        return Reply(
            f"{reply.web} If it's easier, you can call us on {phone}.",
            f"{reply.sms} Or call us on {phone}.",
            buttons=reply.buttons,
            sms_buttons=reply.sms_buttons,
        )

    def refuse(self, tracker: Tracker, slot: str, dispatcher: CollectingDispatcher, reply: Reply) -> Dict[Text, Any]:
        """Say why the answer cannot be used (the form then asks again) and count it."""
        failures = int(tracker.get_slot("invalid_answers") or 0) + 1
        send(dispatcher, tracker, self.person_offer(reply) if failures == MAX_INVALID_ANSWERS - 1 else reply)
        result: Dict[Text, Any] = {slot: None, "invalid_answers": failures}
        if failures >= MAX_INVALID_ANSWERS:
            result["gave_up"] = True
        return result
