"""Booking handoff: collect a booking request, confirm it, store it, tell staff.

The form asks only for what it does not already have: every client message is
searched for a name, phone number or e-mail, day and time, session and glute
preference, so "Book Jane Doe, 415 555 0142, next Tuesday 3pm" goes straight to
the confirm step. The request is written to the store before the client is told
it was received; if the database is down it waits in the durable spool.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.client_details import (
    ClientDetailsValidation,
    cleared,
    entity_text,
    find_name,
    intent_of,
    split_contact,
    store_request,
    text_of,
)
from actions.red_flag import clearance_reason
from actions.replies import Reply, is_sms, send
from bot.channels.sms_text import fits_two_segments, to_sms_text
from bot.dates import requested_time
from bot.practice import clock, wording
from bot.practice.profile import PracticeProfile, current_profile
from bot.requests.booking_link import prefilled_link
from bot.requests.contact import extract_email, extract_phone, strip_contact_details
from bot.requests.models import BookingRequest
from bot.requests.notifier import notify_staff
from bot.topics import NOT_AN_ANSWER

BOOKING_SLOTS = (
    "client_name",
    "contact",
    "requested_time",
    "requested_day",
    "service",
    "include_glutes",
    "booking_note",
    "booking_confirmed",
    "change_requested",
    "invalid_answers",
    "gave_up",
)
_NO_NOTE = re.compile(
    r"^\s*(no|nope|nah|none|nothing|all good|n/?a|not really)([\s,.!]+(thanks?|thank you|thx|ty))?\W*$", re.I
)
_CHANGE_FIELDS = (
    ("requested_time", r"\b(time|day|date|when|morning|afternoon|evening)\b"),
    ("contact", r"\b(phone|number|email|e-mail|contact)\b"),
    ("client_name", r"\bname\b"),
    ("service", r"\b(session|service|length|minutes?|longer|shorter)\b"),
    ("include_glutes", r"\bglutes?\b"),
    ("booking_note", r"\bnote\b"),
)


def find_service(text: str, profile: PracticeProfile) -> Optional[str]:
    """The profile service a message names: by key, minutes or a distinctive word."""
    lowered = text.lower()
    for service in profile.services:
        if service.key.lower() in lowered or service.name.lower() in lowered:
            return service.key
    if re.search(r"prenatal|pregnan", lowered):
        prenatal = next((s.key for s in profile.services if "prenatal" in s.key or "prenatal" in s.name.lower()), None)
        if prenatal:
            return prenatal
    minutes = re.search(
        r"\b(\d{2,3})\s*(-|\s)?(min|mins|minutes?|m\b)|\b(an|one|1) hour\b|\bhour and a "
        r"half\b|\b(\d(\.\d)?)\s*(hr|hour)s?\b",
        lowered,
    )
    if minutes:
        if minutes.group(1):
            wanted = int(minutes.group(1))
        elif minutes.group(4):
            wanted = 60
        elif "half" in minutes.group(0):
            wanted = 90
        else:
            wanted = int(float(minutes.group(6)) * 60)
        general = [s for s in profile.services if s.minutes == wanted]
        general.sort(key=lambda s: "prenatal" in s.key)  # prefer the plain massage
        if general:
            return general[0].key
    return None


def pregnancy_mentioned(tracker: Tracker) -> bool:
    """True when the client said in this conversation that they are pregnant."""
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent == "pregnancy" or re.search(
            r"\bpregnan|\bexpecting\b|\btrimester\b|\bweeks along\b|\bprenatal\b", event.get("text") or "", re.I
        ):
            return True
    return False


def booking_summary(profile: PracticeProfile, slots: Dict[str, Any], now: dt.datetime, sms: bool) -> str:
    start = dt.datetime.fromisoformat(slots["requested_time"])
    service = profile.service(slots.get("service") or "")
    glutes = "with glutes" if slots.get("include_glutes") else "no glutes"
    note = slots.get("booking_note")
    when_text = wording.describe_slot(profile, start, now)
    if sms:
        parts = [slots["client_name"], slots["contact"], when_text, service.name if service else "", glutes]
        text = "Please check: " + ", ".join(p for p in parts if p) + "."
        return text + " Send this request?"
    lines = [
        "Here's your booking request:",
        f"- Name: {slots['client_name']}",
        f"- Contact: {slots['contact']}",
        f"- When: {when_text}",
        f"- Session: {service.name + ' (' + profile.price_text(service.price) + ')' if service else 'to be agreed'}",
        f"- Glutes: {'yes' if slots.get('include_glutes') else 'no'}",
    ]
    if note and note != "none":
        lines.append(f"- Note: {note}")
    lines.append("Shall I send it to the team?")
    return "\n".join(lines)


# spaCy tags session lengths ("60-minute", "an hour") as TIME; they are not when to come.
_DURATION = re.compile(
    r"^(an?|one|half an?|\d+(\.\d+)?|sixty|ninety|thirty|forty[- ]five)[\s-]*(min(ute)?s?|hours?|hrs?)$", re.IGNORECASE
)


def when_mentioned(tracker: Tracker) -> Optional[str]:
    """The day and time named in the message (spaCy DATE/TIME), without session lengths."""
    return entity_text(tracker, "DATE", "TIME", skip=_DURATION)


class ValidateBookingForm(ClientDetailsValidation):
    def name(self) -> Text:
        return "validate_booking_form"

    def opening_intents(self) -> frozenset:
        return frozenset({"book_appointment"})

    def accept(self, values: Dict[Text, Any]) -> Dict[Text, Any]:
        # Any new or changed detail needs a fresh look at the summary.
        return {**values, "invalid_answers": 0, "booking_confirmed": None}

    async def extract_requested_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not self.answering(tracker):
            return {}
        if self.free_text_ok(tracker, "requested_time"):
            return {"requested_time": strip_contact_details(text_of(tracker))}
        mentioned = when_mentioned(tracker)
        if mentioned and intent_of(tracker) not in NOT_AN_ANSWER:
            return {"requested_time": mentioned}
        return {}

    async def extract_service(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not self.answering(tracker) or intent_of(tracker) in NOT_AN_ANSWER:
            return {}
        key = find_service(text_of(tracker), current_profile())
        if key:
            return {"service": key}
        if self.free_text_ok(tracker, "service"):
            return {"service": text_of(tracker)}  # refused below with the list
        return {}

    async def extract_include_glutes(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not self.answering(tracker):
            return {}
        text = text_of(tracker).lower()
        if re.search(r"\b(no|skip|without|not?)\b[\w\s]{0,15}\b(glutes?|butt|bum)\b", text):
            return {"include_glutes": False}
        if re.search(r"\b(with|include|including|add|plus)\b[\w\s]{0,15}\b(glutes?|butt|bum)\b", text):
            return {"include_glutes": True}
        if self.requested(tracker, "include_glutes"):
            if intent_of(tracker) == "affirm" or intent_of(tracker) == "ask_for_glutes":
                return {"include_glutes": True}
            if intent_of(tracker) == "deny":
                return {"include_glutes": False}
        return {}

    async def extract_booking_note(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not self.requested(tracker, "booking_note"):
            return {}
        text = text_of(tracker)
        if intent_of(tracker) == "deny" or _NO_NOTE.match(text):
            return {"booking_note": "none"}
        if intent_of(tracker) in NOT_AN_ANSWER or text.startswith("/"):
            return {}
        return {"booking_note": text[:500]}

    async def extract_booking_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not self.requested(tracker, "booking_confirmed"):
            return {}
        if intent_of(tracker) == "affirm":
            return {"booking_confirmed": True}
        text = text_of(tracker).lower()
        for slot, pattern in _CHANGE_FIELDS:
            if re.search(pattern, text) and not self._message_gives(slot, tracker):
                # "change the time": forget it, so the form asks for it again.
                return {slot: None, "booking_confirmed": None}
        if intent_of(tracker) == "deny":
            return {"booking_confirmed": False}
        return {}

    @staticmethod
    def _message_gives(slot: str, tracker: Tracker) -> bool:
        """Whether this message itself carries a new value for the slot."""
        text = text_of(tracker)
        if slot == "requested_time":
            return when_mentioned(tracker) is not None
        if slot == "contact":
            return bool(extract_phone(text) or extract_email(text))
        if slot == "client_name":
            return find_name(tracker) is not None
        if slot == "service":
            return find_service(text, current_profile()) is not None
        return False

    def validate_requested_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"requested_time": None}  # cleared to be asked again, not an answer
        profile, now = current_profile(), clock.now()
        service = profile.service(tracker.get_slot("service") or "")
        minutes = service.minutes if service else 60
        text = str(value or "")
        parsed = requested_time.parse_requested_time(text, profile, now, minutes=minutes)
        day = tracker.get_slot("requested_day")
        if day and not parsed.day_given:
            # "4pm" after "Thursday": put the two together.
            parsed = requested_time.parse_requested_time(f"{day} {text}", profile, now, minutes=minutes)
        if parsed.problem is None and parsed.start is not None and not parsed.date_only:
            return self.accept({"requested_time": parsed.start.isoformat(), "requested_day": None})
        # A suggestion's button sends its own description, which parses back to that time.
        options = [(text, text) for text in (wording.describe_slot(profile, s, now) for s in parsed.suggestions[:3])]
        if parsed.problem is None and parsed.date_only and parsed.start is not None:
            day = wording.day_phrase(parsed.start.date(), now.astimezone(profile.timezone).date())
            # Only a calendar we could read lets us call the times free.
            free = wording.free_times_text(parsed.suggestions) if parsed.calendar_checked else ""
            send(
                dispatcher,
                tracker,
                Reply(
                    f"What time {day}? {free}".strip(),
                    f"What time that day? {free}".strip(),
                    buttons=options,
                    sms_buttons=options,
                ),
            )
            return {"requested_time": None, "requested_day": parsed.start.date().isoformat()}
        reason = wording.time_problem_text(profile, parsed.problem)
        offer = " Here are the next open times, or tell me another:" if options else " Could you give a day and a time?"
        if parsed.problem == requested_time.BUSY and options:
            offer = " These times are free, or tell me another:"
        return self.refuse(
            tracker,
            "requested_time",
            dispatcher,
            Reply(
                reason + offer,
                reason
                + (
                    (" Free: " if parsed.problem == requested_time.BUSY else " Next open: ")
                    + "; ".join(t for t, _ in options[:2])
                    if options
                    else " What other day and time suit you?"
                ),
                buttons=options,
                sms_buttons=options[:2],
            ),
        )

    def validate_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"service": None}  # cleared to be asked again, not an answer
        profile = current_profile()
        if profile.service(str(value or "")):
            return self.accept({"service": value})
        names = ", ".join(s.name for s in profile.services)
        return self.refuse(
            tracker,
            "service",
            dispatcher,
            Reply(
                f"Sorry, I didn't recognise that session. We offer: {names}.",
                "Sorry, which session? " + ", ".join(f"{s.minutes} min" for s in profile.services),
                buttons=(),
                sms_buttons=(),
            ),
        )

    def validate_include_glutes(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"include_glutes": None}  # cleared to be asked again, not an answer
        return self.accept({"include_glutes": bool(value)})

    def validate_booking_note(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"booking_note": None}  # cleared to be asked again, not an answer
        return self.accept({"booking_note": str(value).strip() or "none"})

    def validate_booking_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is True:
            return {"booking_confirmed": True, "invalid_answers": 0}
        # "No" at the summary: the next question is what to change.
        return {"booking_confirmed": None, "change_requested": value is False}


class ActionBookingIntro(Action):
    def name(self) -> Text:
        return "action_booking_intro"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        url = current_profile().booking_url
        send(
            dispatcher,
            tracker,
            Reply(
                f"Happy to help you book! I'll take a few details and the team will confirm your time. "
                f"If you'd rather pick a slot yourself, you can book online any time: {url}",
                f"Happy to help you book! I'll take a few details. Or pick a slot online: {url}",
                buttons=(),
                sms_buttons=(),
            ),
        )
        # A fresh request starts clean (a previous one in this conversation is done).
        return cleared(BOOKING_SLOTS)


class ActionAskService(Action):
    def name(self) -> Text:
        return "action_ask_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile = current_profile()
        options = [(f"{s.name} ({profile.price_text(s.price)})", s.name) for s in profile.services]
        sms_options = [(f"{s.minutes} min {profile.price_text(s.price)}", s.name) for s in profile.services]
        send(
            dispatcher,
            tracker,
            Reply("Which session would you like?", "Which session?", buttons=options, sms_buttons=sms_options),
        )
        return []


class ActionAskBookingConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_booking_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("change_requested"):
            dispatcher.utter_message(response="utter_what_to_change")
            return [SlotSet("change_requested", None)]
        summary = booking_summary(current_profile(), tracker.current_slot_values(), clock.now(), is_sms(tracker))
        buttons = (("Yes, send it", "/affirm"), ("Change something", "/deny"), ("Cancel", "/stop"))
        send(
            dispatcher,
            tracker,
            Reply(
                summary,
                summary,
                buttons=buttons,
                sms_buttons=(("Yes", "/affirm"), ("Change", "/deny"), ("Cancel", "/stop")),
            ),
        )
        return []


class ActionFinishBooking(Action):
    """Runs when the booking form ends: store and confirm, or offer a person."""

    def name(self) -> Text:
        return "action_finish_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile = current_profile()
        reset = cleared(BOOKING_SLOTS)
        if tracker.get_slot("gave_up") or not tracker.get_slot("booking_confirmed"):
            send(
                dispatcher,
                tracker,
                Reply(
                    f"I'm sorry, I'm having trouble getting this right. You can book online at {profile.booking_url}, "
                    f"call us on {profile.phone}, or I can ask a therapist to contact you.",
                    f"Sorry, I'm having trouble. Book at {profile.booking_url}, call {profile.phone}, or reply "
                    f"1 for a callback.",
                    buttons=(
                        ("Ask a therapist to contact me", "/talk_to_therapist"),
                        ("Ask something else", "/what_can_you_do"),
                    ),
                    sms_buttons=(("Ask a therapist to contact me", "/talk_to_therapist"),),
                ),
            )
            return reset
        request = self.build_request(tracker, profile)
        result = await store_request(request)
        if result is None:
            send(
                dispatcher,
                tracker,
                Reply(
                    f"I'm so sorry, I couldn't save your request just now. Please call us on {profile.phone} "
                    f"or book online at {profile.booking_url}.",
                    f"Sorry, I couldn't save your request. Please call {profile.phone} or book at "
                    f"{profile.booking_url}",
                    buttons=(),
                    sms_buttons=(),
                ),
            )
            return reset
        now = clock.now()
        when_text = (
            wording.describe_slot(profile, request.requested_start, now)
            if request.requested_start
            else request.requested_text
        )
        notify_staff(
            profile.raw,
            f"New booking request {result.reference}",
            "\n".join(
                f"{k}: {v}"
                for k, v in (
                    ("Reference", result.reference),
                    ("Name", request.name),
                    ("Phone", request.phone or ""),
                    ("Email", request.email or ""),
                    ("When", when_text),
                    ("Service", request.service_key or ""),
                    ("Glutes", "yes" if request.include_glutes else "no"),
                    ("Prenatal", "YES" if request.prenatal_flag else "no"),
                    (
                        "Clearance",
                        f"NEEDS THERAPIST CLEARANCE: mentioned {request.clearance_reason}"
                        if request.needs_clearance
                        else "",
                    ),
                    ("Note", request.note),
                    ("Channel", request.channel),
                )
                if v
            ),
        )
        prenatal = " We'll match you with a therapist trained in prenatal massage." if request.prenatal_flag else ""
        urgent = "" if result.stored else f" If it's urgent, please call us on {profile.phone}."
        web = (
            f"Thank you, {request.name}! Your request is in (reference {result.reference}). "
            f"We'll confirm {when_text} with you soon.{prenatal}{urgent}"
        )
        sms = (
            f"Thanks {request.name}! Request received, ref {result.reference}. We'll confirm {when_text} "
            f"soon.{prenatal}{urgent}"
        )
        if request.needs_clearance:
            # Honest about the wait, and no one-tap link that would skip the therapist's check.
            web += (
                f" Because you mentioned {request.clearance_reason}, a therapist will check with you that massage "
                "is safe before your time is confirmed, and may ask for your doctor's OK first."
            )
            sms += f" As you mentioned {request.clearance_reason}, a therapist will check it's safe first."
        elif profile.booking_link_template:
            link = prefilled_link(profile, request)
            web += f" To lock it in now, confirm it yourself online (your details are filled in): {link}"
            with_link = f"{sms} Or confirm it yourself: {link}"
            sms = with_link if fits_two_segments(to_sms_text(with_link)) else sms
        else:
            web += f" You can also book online at {profile.booking_url}"
        send(
            dispatcher,
            tracker,
            Reply(
                web,
                sms,
                buttons=(("Ask something else", "/what_can_you_do"),),
                sms_buttons=(),
            ),
        )
        return reset

    @staticmethod
    def build_request(tracker: Tracker, profile: PracticeProfile) -> BookingRequest:
        phone, email = split_contact(tracker.get_slot("contact"))
        start = tracker.get_slot("requested_time")
        note = tracker.get_slot("booking_note") or ""
        health = clearance_reason(tracker)
        return BookingRequest(
            name=tracker.get_slot("client_name") or "",
            phone=phone,
            email=email,
            requested_start=dt.datetime.fromisoformat(start) if start else None,
            requested_text=start or "",
            service_key=tracker.get_slot("service"),
            include_glutes=tracker.get_slot("include_glutes"),
            note="" if note == "none" else note,
            prenatal_flag=pregnancy_mentioned(tracker),
            needs_clearance=health is not None,
            clearance_reason=health or "",
            channel=tracker.get_latest_input_channel() or "",
            sender_id=tracker.sender_id,
        )
