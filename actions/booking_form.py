"""Booking handoff: collect a booking request, confirm it, store it, tell staff.

The form asks only for what it does not already have: the opening message and
every structured answer are searched for a name, phone number or e-mail, day
and time, session and glute preference, so "Book Jane Doe, 415 555 0142, next
Tuesday 3pm" goes straight to the confirm step. A day without a time ("can I
come Thursday?") is kept, and the time question then names that day. The
request is written to the store before the client is told it was received; if
the database is down it waits in the durable spool.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.client_details import CANCELLED, ClientDetailsValidation, cleared, split_contact, store_request
from actions.default_fallback import person_offered
from actions.red_flag import clearance_reason
from actions.replies import Reply, is_sms, send
from actions.slot_answers import CHANGE, Context, Reading, Said, is_no_note, read_yes_no
from bot.channels.sms_text import fits_two_segments, to_sms_text
from bot.dates import requested_time
from bot.nlu.unclear_text import is_unclear
from bot.practice import clock, wording
from bot.practice.profile import PracticeProfile, current_profile
from bot.practice.service_choice import find_service
from bot.requests.booking_link import prefilled_link
from bot.requests.models import BookingRequest
from bot.requests.notifier import notify_staff

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
    "cancelled",
)
_CHANGE_FIELDS = (
    ("requested_time", r"\b(time|day|date|when|morning|afternoon|evening)\b"),
    ("contact", r"\b(phone|number|email|e-mail|contact)\b"),
    ("client_name", r"\bname\b"),
    ("service", r"\b(session|service|length|minutes?|longer|shorter)\b"),
    ("include_glutes", r"\bglutes?\b"),
    ("booking_note", r"\bnote\b"),
)
_WITH_GLUTES = re.compile(r"(?:\b(?:with|include|including|add|plus|w)\b|\bw/)[\w\s]{0,15}\b(glutes?|butt|bum)\b", re.I)
_WITHOUT_GLUTES = re.compile(r"\b(no|skip|without|not?|leave\s+out|drop)\b[\w\s]{0,15}\b(glutes?|butt|bum)\b", re.I)
# "actually, skip the glutes after all" inside a note: a change of the glutes answer, not part of the note.
_GLUTES_CHANGE = re.compile(
    r"(?:\b(?:actually|oh|and|also|but|so)\b[\s,]*)*(?:\bplease\s+)?\b(skip|no|without|leave\s+out|drop|include|add)\s+"
    r"(?:the\s+|my\s+)?(?:glutes?|glute\s+work|butt|bum)\b(?:\s+(?:after\s+all|then|please|too|as\s+well))*[\s,.!;]*",
    re.I,
)


@dataclass(frozen=True)
class DayHint:
    """A day (and part of the day) or a week said without a time, kept in the requested_day slot.

    Stored as text: "2026-06-13", "2026-06-13 morning" or "week 2026-06-15".
    """

    day: Optional[dt.date] = None
    part_of_day: Optional[str] = None
    week_of: Optional[dt.date] = None

    def text(self) -> str:
        if self.week_of is not None:
            return f"week {self.week_of.isoformat()}"
        return " ".join(p for p in (self.day.isoformat() if self.day else "", self.part_of_day or "") if p)

    @classmethod
    def read(cls, text: Optional[str]) -> DayHint:
        words = (text or "").split()
        try:
            if len(words) == 2 and words[0] == "week":
                return cls(week_of=dt.date.fromisoformat(words[1]))
            if words:
                return cls(day=dt.date.fromisoformat(words[0]), part_of_day=words[1] if len(words) > 1 else None)
        except ValueError:
            pass
        return cls()


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


def previous_time(tracker: Tracker, profile: PracticeProfile) -> Optional[dt.datetime]:
    """The time this booking request held before the current message (local), if one was accepted."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_booking_intro":
            return None  # an earlier request's time is not this one's
        if event.get("event") == "slot" and event.get("name") == "requested_time" and event.get("value"):
            try:
                return dt.datetime.fromisoformat(str(event["value"])).astimezone(profile.timezone)
            except ValueError:
                continue  # this message's own words, not yet read
    return None


class ValidateBookingForm(ClientDetailsValidation):
    def name(self) -> Text:
        return "validate_booking_form"

    def opening_intents(self) -> frozenset:
        # Details given outside any form ("bk 90min fri 3pm, name sam okafor") open a booking too.
        return frozenset({"book_appointment", "inform"})

    def asking_intents(self) -> frozenset:
        return frozenset({"book_appointment"})

    def accept(self, values: Dict[Text, Any]) -> Dict[Text, Any]:
        # Any new or changed detail needs a fresh look at the summary.
        return {**values, "invalid_answers": 0, "booking_confirmed": None}

    def context(self, tracker: Tracker) -> Context:
        hint = DayHint.read(tracker.get_slot("requested_day"))
        return Context(
            current_profile(), clock.now(), on_day=hint.day, part_of_day=hint.part_of_day, week_of=hint.week_of
        )

    def person_offer(self, reply: Reply) -> Reply:
        talk = ("Ask a therapist to contact me", "/talk_to_therapist")
        return Reply(
            f"{reply.web} If it's easier, I can ask a therapist to contact you instead.",
            f"{reply.sms} Or I can ask a therapist to contact you.",
            buttons=tuple(reply.buttons) + (talk,),
            sms_buttons=tuple(reply.sms_buttons or ())[:2] + (talk,),
        )

    def pick_up(self, tracker: Tracker, said: Said) -> Dict[Text, Any]:
        found = super().pick_up(tracker, said)
        profile, now = current_profile(), clock.now()
        if requested_time.mentions_day_or_time(said.text, profile, now.astimezone(profile.timezone).date()):
            found["requested_time"] = said.text
        service = find_service(said.text, profile)
        if service:
            found["service"] = service
        if _WITHOUT_GLUTES.search(said.text):
            found["include_glutes"] = False
        elif _WITH_GLUTES.search(said.text):
            found["include_glutes"] = True
        return found

    def answer(self, asked: str, reading: Reading, tracker: Tracker, said: Said) -> Dict[Text, Any]:
        change = _GLUTES_CHANGE.search(said.text) if asked == "booking_note" else None
        if change:
            # The glutes changed in passing; what is left is the note (perhaps none).
            rest = _GLUTES_CHANGE.sub(" ", said.text).strip(" ,.;!")
            rest = re.sub(r"^(?:(?:and|also|but|so|oh|actually)\b[\s,]*)+", "", rest, flags=re.I)
            note = "none" if not rest or is_no_note(rest) else rest
            return {"include_glutes": change.group(1).lower() in ("include", "add"), "booking_note": note}
        if asked != "booking_confirmed":
            return super().answer(asked, reading, tracker, said)
        # At the summary: yes, a change ("change the time", "make it Friday at 2pm"), or no.
        if reading.value is True:
            return {"booking_confirmed": True}
        found = self.pick_up(tracker, said)
        if found:
            return found  # accepted details reset the confirmation: the summary is shown again
        for slot, pattern in _CHANGE_FIELDS:
            if re.search(pattern, said.text, re.I):
                # "change the time": forget it, so the form asks for it again.
                return {slot: None, "booking_confirmed": None}
        if reading.value is False or reading.value == CHANGE:
            return {"booking_confirmed": False}  # "no" / "something's wrong": what would you like to change?
        return {"booking_confirmed": said.text}  # refused: not a yes, a no or a change

    def validate_requested_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"requested_time": None}  # cleared to be asked again, not an answer
        profile, now = current_profile(), clock.now()
        service = profile.service(tracker.get_slot("service") or "")
        hint = DayHint.read(tracker.get_slot("requested_day"))
        parsed = requested_time.parse_requested_time(
            str(value),
            profile,
            now,
            minutes=service.minutes if service else 60,
            on_day=hint.day,
            part_of_day_said=hint.part_of_day,
            week_of=hint.week_of,
        )
        before = previous_time(tracker, profile)
        if before is not None and hint.day is None and hint.week_of is None:
            # A correction of one half keeps the other: "make it 3pm" keeps the day, "I meant Wednesday" the hour.
            if parsed.ok and not parsed.day_given and parsed.start is not None:
                parsed = requested_time.parse_requested_time(
                    str(value), profile, now, minutes=service.minutes if service else 60, on_day=before.date()
                )
            elif parsed.ok and parsed.date_only and parsed.start is not None:
                parsed = requested_time.parse_requested_time(
                    f"{value} at {before.strftime('%H:%M')}", profile, now, minutes=service.minutes if service else 60
                )
        if parsed.ok and parsed.start is not None and not parsed.date_only:
            return self.accept({"requested_time": parsed.start.isoformat(), "requested_day": None})
        if parsed.ok and parsed.date_only and parsed.start is not None:
            # A day without a time: kept, and the time question names it (action_ask_requested_time).
            day = DayHint(parsed.start.astimezone(profile.timezone).date(), parsed.part_of_day)
            return self.accept({"requested_time": None, "requested_day": day.text()})
        if parsed.ok and parsed.week_of is not None:
            return self.accept({"requested_time": None, "requested_day": DayHint(week_of=parsed.week_of).text()})
        # A suggestion's button sends its own description, which parses back to that time.
        options = [(text, text) for text in (wording.describe_slot(profile, s, now) for s in parsed.suggestions[:3])]
        reason = wording.time_problem_text(profile, parsed.problem)
        if parsed.problem == requested_time.BUSY and options:
            offer = " These times are free."
        else:
            offer = " The nearest open times are below." if options else ""
        refused = self.refuse(
            tracker,
            "requested_time",
            dispatcher,
            Reply(reason + offer, reason + offer, buttons=options, sms_buttons=options[:2]),
        )
        if parsed.date_only:
            refused["requested_day"] = None  # the day itself cannot be booked
        return refused

    def validate_service(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"service": None}  # cleared to be asked again, not an answer
        if current_profile().service(str(value)):
            return self.accept({"service": value})
        # The session question that follows lists them.
        sorry = "Sorry, I didn't recognise that session."
        return self.refuse(tracker, "service", dispatcher, Reply(sorry, sorry, buttons=(), sms_buttons=()))

    def validate_include_glutes(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"include_glutes": None}  # cleared to be asked again, not an answer
        if isinstance(value, bool):
            return self.accept({"include_glutes": value})
        sorry = "Sorry, was that a yes or a no?"
        return self.refuse(tracker, "include_glutes", dispatcher, Reply(sorry, sorry, buttons=(), sms_buttons=()))

    def validate_booking_note(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"booking_note": None}  # cleared to be asked again, not an answer
        text = str(value).strip()
        if read_yes_no(Said(text, "", 0.0, False)) is True:
            # "yes" to "anything your therapist should know?": not a note yet, and no mistake either.
            send(dispatcher, tracker, Reply("Sure, go ahead.", "Sure, go ahead.", buttons=(), sms_buttons=()))
            return {"booking_note": None}
        if text.startswith("/") or is_unclear(text):
            sorry = "Sorry, I didn't catch that."
            return self.refuse(tracker, "booking_note", dispatcher, Reply(sorry, sorry, buttons=(), sms_buttons=()))
        return self.accept({"booking_note": text or "none"})

    def validate_booking_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is True:
            return {"booking_confirmed": True, "invalid_answers": 0}
        if value is False:
            # "No" at the summary: the next question is what to change.
            return {"booking_confirmed": None, "change_requested": True}
        if value is None:
            return {"booking_confirmed": None}
        sorry = "Sorry, I didn't catch that."
        return self.refuse(tracker, "booking_confirmed", dispatcher, Reply(sorry, sorry, buttons=(), sms_buttons=()))


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
        sms_options = [(f"{s.short_name} {profile.price_text(s.price)}", s.name) for s in profile.services]
        send(
            dispatcher,
            tracker,
            Reply("Which session would you like?", "Which session?", buttons=options, sms_buttons=sms_options),
        )
        return []


class ActionAskRequestedTime(Action):
    """The time question: naming the day or week already given, with that day's open times."""

    def name(self) -> Text:
        return "action_ask_requested_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile, now = current_profile(), clock.now()
        service = profile.service(tracker.get_slot("service") or "")
        minutes = service.minutes if service else 60
        hint = DayHint.read(tracker.get_slot("requested_day"))
        if hint.day is None and hint.week_of is None:
            if tracker.get_slot("invalid_answers"):
                # The refusal just said why, with the nearest open times.
                ask = "Which other day and time would suit you?"
                send(dispatcher, tracker, Reply(ask, ask, buttons=(), sms_buttons=()))
            else:
                dispatcher.utter_message(response="utter_ask_requested_time")
            return []
        parsed = requested_time.parse_requested_time(
            "", profile, now, minutes=minutes, on_day=hint.day, part_of_day_said=hint.part_of_day, week_of=hint.week_of
        )
        options = [(text, text) for text in (wording.describe_slot(profile, s, now) for s in parsed.suggestions[:3])]
        if hint.day is not None:
            day = wording.date_text(hint.day)
            if hint.part_of_day:  # "Saturday morning (5 December)"
                weekday, _, date = day.partition(" ")
                day = f"{weekday} {hint.part_of_day} ({date})"
            # Only a calendar we could read lets us call the times free.
            free = wording.free_times_text(parsed.suggestions) if parsed.calendar_checked else ""
            listed = " The first open times are below." if options else ""
            web = f"What time on {day} would suit you? {free or listed.strip()}".strip()
            sms = f"What time on {day}? {free}".strip()
        else:
            today = now.astimezone(profile.timezone).date()
            week = _week_words(hint.week_of, today)
            web = f"Which day and time {week} would suit you?" + (" The first open times are below." if options else "")
            sms = f"Which day and time {week}?"
        send(dispatcher, tracker, Reply(web, sms, buttons=options, sms_buttons=options[:2]))
        return []


def _week_words(monday: dt.date, today: dt.date) -> str:
    this_monday = today - dt.timedelta(days=today.weekday())
    if monday == this_monday:
        return "this week"
    if monday == this_monday + dt.timedelta(days=7):
        return "next week"
    return f"in the week of {wording.date_text(monday)}"


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
        if tracker.get_slot("cancelled"):
            send(dispatcher, tracker, CANCELLED)
            return reset
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
            return reset + [person_offered()]
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
