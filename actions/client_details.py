"""Client details shared by the booking and callback forms: name and contact.

Both forms read what a message offers wherever it appears ("it's Sam,
415 555 0142"), step aside for questions (the rules answer those and come
back), and after three answers in a row they cannot use, end so that the
finishing action offers a person instead of looping.
"""

from __future__ import annotations

import asyncio
import logging
import re
from abc import ABC, abstractmethod
from typing import Any, Dict, Iterable, List, Optional, Pattern, Text, Tuple

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.replies import Reply, send
from bot.requests.contact import extract_email, extract_phone, normalize_phone, strip_contact_details
from bot.requests.models import ClientRequest, SaveResult
from bot.requests.store import RequestNotSaved, shared_store
from bot.topics import NOT_AN_ANSWER

logger = logging.getLogger(__name__)

MAX_INVALID_ANSWERS = 3

_NAME_PREFIX = re.compile(
    r"^\s*(hi|hello|hey)?[\s,]*(my name is|my name's|name is|it's|it is|i'm|i am|this is|call me|under)\s+", re.I
)
_NAME_AFTER = re.compile(
    # Lead-in words in any case ("Book Jane Doe", "I'm Sam"); the name itself capitalised.
    r"\b(?i:book|for|name is|name's|i'm|i am|this is|it's|under)\s+((?:[A-Z][a-z'\-]+)(?:\s+[A-Z][a-z'\-]+){0,2})"
)
_NOT_NAMES = set(
    "monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight next this the a an "
    "january february march april may june july august september october november december "
    "deep prenatal massage glutes swedish sports relaxation am pm morning afternoon evening".split()
)


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


def find_name(tracker: Tracker) -> Optional[str]:
    """A person's name: spaCy's PERSON entity, else "book Jane Doe" style wording."""
    if intent_of(tracker) in NOT_AN_ANSWER:
        return None
    person = entity_text(tracker, "PERSON")
    if person:
        return person
    for match in _NAME_AFTER.finditer(text_of(tracker)):
        words = match.group(1).split()
        kept = [w for w in words if w.lower() not in _NOT_NAMES]
        if kept and kept == words[: len(kept)]:
            return " ".join(kept)
    return None


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
    """Name and contact extraction and validation, plus the give-up rule.

    Abstract, so the action server registers only the concrete forms' validators.
    """

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>"""

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # After too many answers we could not use, the form ends and the
        # finishing action offers a person instead.
        return [] if tracker.get_slot("gave_up") else domain_slots

    # -- when a message counts as an answer ------------------------------------------
    def answering(self, tracker: Tracker) -> bool:
        return tracker.active_loop_name == self.form_name() or intent_of(tracker) in self.opening_intents()

    def opening_intents(self) -> frozenset:
        """Intents that open this form; their message may already hold details."""
        return frozenset()

    def requested(self, tracker: Tracker, slot: str) -> bool:
        return tracker.active_loop_name == self.form_name() and tracker.get_slot("requested_slot") == slot

    def free_text_ok(self, tracker: Tracker, slot: str) -> bool:
        return (
            self.requested(tracker, slot)
            and intent_of(tracker) not in NOT_AN_ANSWER
            and not text_of(tracker).startswith("/")
        )

    # -- name and contact ---------------------------------------------------------------
    async def extract_client_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not self.answering(tracker):
            return {}
        name = find_name(tracker)
        if name:
            return {"client_name": name}
        if self.free_text_ok(tracker, "client_name"):
            return {"client_name": _NAME_PREFIX.sub("", strip_contact_details(text_of(tracker))).strip(" .,!")}
        return {}

    async def extract_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not self.answering(tracker):
            return {}
        text = text_of(tracker)
        found = extract_phone(text) or extract_email(text)
        if found:
            return {"contact": found}
        if self.free_text_ok(tracker, "contact"):
            return {"contact": text}  # validated (and refused) below
        if tracker.get_slot("contact") is None and tracker.get_latest_input_channel() == "sms":
            # An SMS client's own number is the natural way to reach them.
            number = normalize_phone(tracker.sender_id)
            if number:
                return {"contact": number}
        return {}

    def validate_client_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"client_name": None}  # cleared to be asked again, not an answer
        name = " ".join(str(value).split())
        if 1 < len(name) <= 60 and re.fullmatch(r"[^\W\d_][\w .'\-]*", name) and len(name.split()) <= 5:
            return self.accept({"client_name": name.title() if name.islower() else name})
        return self.refuse(
            tracker,
            "client_name",
            dispatcher,
            Reply(
                "Sorry, I didn't catch a name there. What name should I put the request under?",
                "Sorry, what name should I put the request under?",
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
                "That doesn't look like a phone number or email I can use. Could you type it again, like 415 "
                "555 0142 or name@example.com?",
                "That number or email didn't work. Try again, e.g. 415 555 0142.",
                buttons=(),
                sms_buttons=(),
            ),
        )

    # -- shared outcomes ------------------------------------------------------------------
    def accept(self, values: Dict[Text, Any]) -> Dict[Text, Any]:
        return {**values, "invalid_answers": 0}

    @staticmethod
    def refuse(tracker: Tracker, slot: str, dispatcher: CollectingDispatcher, reply: Reply) -> Dict[Text, Any]:
        send(dispatcher, tracker, reply)
        failures = int(tracker.get_slot("invalid_answers") or 0) + 1
        result: Dict[Text, Any] = {slot: None, "invalid_answers": failures}
        if failures >= MAX_INVALID_ANSWERS:
            result["gave_up"] = True
        return result
