"""A booking the client already made: "did it go through?", cancel, move, running late.

action_find_booking works out which booking the client means (bot.requests.client_lookup:
their conversation, the number a signed SMS came from, or on the web a reference
with the phone or e-mail it was booked with), then existing_booking_form asks
only what is missing: the reference (web only), the new time for a move, and a
yes before a cancellation or a move is sent. action_existing_booking answers.

Every change is a new request for staff (kind "change"), never an edit of the
booking; staff are told at once. A client never sees anyone else's booking: a
number or conversation without one hears "I can't find a booking from this
number" and nothing more.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.client_details import MAX_INVALID_ANSWERS, cleared, entity_text, intent_of, store_request, text_of
from actions.replies import Reply, is_sms, send
from bot.channels.sms_text import fits_two_segments, to_sms_text
from bot.dates import requested_time
from bot.practice import clock, wording
from bot.practice.profile import PracticeProfile, current_profile
from bot.requests import client_lookup
from bot.requests.contact import extract_email, extract_phone, normalize_phone
from bot.requests.models import BookingRequest, ChangeRequest
from bot.requests.notifier import notify_staff
from bot.requests.store import StoreUnavailable, shared_store

log = logging.getLogger(__name__)

ACTION_BY_INTENT = {
    "booking_status": "status",
    "cancel_booking": "cancel",
    "move_booking": "move",
    "running_late": "late",
}
EXISTING_BOOKING_SLOTS = (
    "booking_action",
    "booking_reference",
    "quoted_reference",
    "lookup_problem",
    "new_time",
    "new_day",
    "change_confirmed",
    "invalid_answers",
)
NOT_FOUND = "not_found"
UNAVAILABLE = "unavailable"
YES_NO = (("Yes, send it", "/affirm"), ("No, leave it", "/deny"))

# spaCy tags "10 minutes" as TIME; a lateness is not when to come.
_DURATION = re.compile(r"^(an?|one|half an?|\d+|\w+)[\s-]*(min(ute)?s?|hours?|hrs?)$", re.IGNORECASE)
_NUMBER_WORDS = {
    "five": 5,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "twenty five": 25,
    "thirty": 30,
    "forty": 40,
    "forty five": 45,
}
_MINUTES = re.compile(
    r"\b(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")[\s-]*(?:min(?:ute)?s?|m)\b", re.I
)


def minutes_late(text: str) -> Optional[int]:
    """How late the client says they'll be: "10 min", "ten minutes", "half an hour"; None when not said."""
    lowered = (text or "").lower().replace("-", " ")
    if re.search(r"\bhalf (an|a) ?hour\b", lowered):
        return 30
    if re.search(r"\bquarter of an hour\b", lowered):
        return 15
    if re.search(r"\b(an|one) hour\b", lowered):
        return 60
    found = _MINUTES.search(lowered)
    if not found:
        # "be there in 20", "10 away": minutes, as nobody texts that they'll be hours late
        bare = re.search(r"\b(?:in|about|around) (\d{1,2})\b(?!\s*(?:am|pm|:|\.\d|th|st|nd|rd))", lowered)
        bare = bare or re.search(r"\b(\d{1,2}) (?:away|out|behind|late)\b", lowered)
        return int(bare.group(1)) if bare else None
    amount = found.group(1)
    return int(amount) if amount.isdigit() else _NUMBER_WORDS.get(amount)


def _service_name(profile: PracticeProfile, booking: BookingRequest) -> str:
    service = profile.service(booking.service_key or "")
    return service.name if service else "visit"


def _when(profile: PracticeProfile, booking_start: Optional[dt.datetime], fallback: str, now: dt.datetime) -> str:
    return wording.describe_slot(profile, booking_start, now) if booking_start else (fallback or "the time you asked")


def _sms_with(sms: str, *extras: str) -> str:
    """sms with as many of `extras` (in order) as still fit in two texts."""
    for extra in extras:
        longer = f"{sms} {extra}"
        if fits_two_segments(to_sms_text(longer)):
            sms = longer
    return sms


async def _in_thread(function, *args):
    """Store look-ups off the event loop: the database may be slow."""
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)


async def _booking(reference: Optional[str]) -> Optional[BookingRequest]:
    if not reference:
        return None
    found = await _in_thread(shared_store().get, reference)
    return found if isinstance(found, BookingRequest) else None


class ActionFindBooking(Action):
    """Which booking the client means, if it is theirs; runs before existing_booking_form."""

    def name(self) -> Text:
        return "action_find_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        action = ACTION_BY_INTENT.get(intent_of(tracker), "status")
        events = cleared(EXISTING_BOOKING_SLOTS) + [SlotSet("requested_slot", None), SlotSet("booking_action", action)]
        channel = tracker.get_latest_input_channel() or ""
        text = text_of(tracker)
        quoted = client_lookup.find_reference(text)
        try:
            if quoted:
                booking = await _in_thread(
                    client_lookup.booking_by_reference, shared_store(), quoted, channel, tracker.sender_id, text
                )
            else:
                own = await _in_thread(client_lookup.own_requests, shared_store(), channel, tracker.sender_id)
                booking = client_lookup.booking_meant(client_lookup.bookings_of(own), clock.now())
        except StoreUnavailable:
            log.warning("booking look-up failed: the request database is unavailable")
            return events + [SlotSet("lookup_problem", UNAVAILABLE)]
        if booking is not None:
            return events + [SlotSet("booking_reference", booking.reference)]
        if channel == client_lookup.SMS_CHANNEL or action == "late":
            # A number is who it is: no second way in by SMS. Late word goes to staff regardless.
            return events + [SlotSet("lookup_problem", NOT_FOUND)]
        return events + [SlotSet("quoted_reference", quoted)]  # the form asks for reference and contact


class ValidateExistingBookingForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_existing_booking_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot("lookup_problem"):
            return []
        action = tracker.get_slot("booking_action")
        needed = ["booking_reference"]
        if action == "move":
            needed.append("new_time")
        if action in ("cancel", "move"):
            needed.append("change_confirmed")
        return needed

    def requested(self, tracker: Tracker, slot: str) -> bool:
        return tracker.active_loop_name == self.form_name() and tracker.get_slot("requested_slot") == slot

    def refuse(self, tracker: Tracker, slot: str, dispatcher: CollectingDispatcher, reply: Reply) -> Dict[Text, Any]:
        send(dispatcher, tracker, reply)
        failures = int(tracker.get_slot("invalid_answers") or 0) + 1
        result: Dict[Text, Any] = {slot: None, "invalid_answers": failures}
        if failures >= MAX_INVALID_ANSWERS:
            result["lookup_problem"] = NOT_FOUND  # no loop: the answer says how to reach us
        return result

    # -- the reference (web only) -------------------------------------------------------
    async def extract_booking_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not self.requested(tracker, "booking_reference"):
            return {}
        # Checked (and any "no, I don't have it" heard) in validate_booking_reference: only values
        # for the form's own slots survive extraction.
        return {"booking_reference": text_of(tracker) or " "}

    async def validate_booking_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or not self.requested(tracker, "booking_reference"):
            return {"booking_reference": value}  # set by action_find_booking (or cleared)
        if intent_of(tracker) in ("deny", "stop"):
            return {"booking_reference": None, "lookup_problem": NOT_FOUND}
        text = str(value)
        reference = client_lookup.find_reference(text) or tracker.get_slot("quoted_reference")
        contact = client_lookup.without_reference(text)
        if reference and (extract_phone(contact) or extract_email(contact)):
            channel = tracker.get_latest_input_channel() or ""
            try:
                booking = await _in_thread(
                    client_lookup.booking_by_reference, shared_store(), reference, channel, tracker.sender_id, text
                )
            except StoreUnavailable:
                return {"booking_reference": None, "lookup_problem": UNAVAILABLE}
            if booking is not None:
                return {"booking_reference": booking.reference, "quoted_reference": None, "invalid_answers": 0}
            # Whether the reference exists or not, the answer is the same.
            reply = Reply(
                "I can't find a booking with those details. Please check the reference and the phone number or "
                "e-mail you booked with.",
                "I can't find a booking with those details. Please check them.",
                buttons=(),
                sms_buttons=(),
            )
            return {**self.refuse(tracker, "booking_reference", dispatcher, reply), "quoted_reference": None}
        if reference:
            # Half of what's needed: keep the reference and ask for the rest (not a mistake).
            send(
                dispatcher,
                tracker,
                Reply(
                    "Thanks. To be sure it's yours, what's the phone number or e-mail you booked with?",
                    "Thanks. What phone number or e-mail did you book with?",
                    buttons=(),
                    sms_buttons=(),
                ),
            )
            return {"booking_reference": None, "quoted_reference": reference}
        return self.refuse(
            tracker,
            "booking_reference",
            dispatcher,
            Reply(
                "I need the booking reference (it starts with RB-) and the phone number or e-mail you booked with.",
                "I need the reference (RB-...) and the number or e-mail you booked with.",
                buttons=(),
                sms_buttons=(),
            ),
        )

    # -- the new time (move) ---------------------------------------------------------------
    async def extract_new_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("booking_action") != "move" or intent_of(tracker) in ("stop", "affirm", "deny"):
            return {}
        if self.requested(tracker, "new_time"):
            return {"new_time": text_of(tracker)}
        # The opening message ("can we move it to Friday at 2?") or a new time at the yes/no question.
        mentioned = entity_text(tracker, "DATE", "TIME", skip=_DURATION)
        opening = tracker.get_slot("requested_slot") is None
        if mentioned and (opening or self.requested(tracker, "change_confirmed")):
            # The whole message, not just the entities: "Friday at 2" keeps its "at" (a bare "2" is no time).
            return {"new_time": client_lookup.without_reference(text_of(tracker)), "change_confirmed": None}
        return {}

    async def validate_new_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None:
            return {"new_time": None}
        profile, now = current_profile(), clock.now()
        booking = await _booking(tracker.get_slot("booking_reference"))
        service = profile.service((booking.service_key if booking else None) or "")
        minutes = service.minutes if service else 60
        text = str(value)
        parsed = requested_time.parse_requested_time(text, profile, now, minutes=minutes)
        day = tracker.get_slot("new_day")
        if day and not parsed.day_given:
            parsed = requested_time.parse_requested_time(f"{day} {text}", profile, now, minutes=minutes)
        if parsed.ok and parsed.start is not None and not parsed.date_only:
            return {"new_time": parsed.start.isoformat(), "new_day": None, "invalid_answers": 0}
        options = [(t, t) for t in (wording.describe_slot(profile, s, now) for s in parsed.suggestions[:3])]
        if parsed.ok and parsed.date_only and parsed.start is not None:
            when = wording.day_phrase(parsed.start.date(), now.astimezone(profile.timezone).date())
            free = wording.free_times_text(parsed.suggestions) if parsed.calendar_checked else ""
            send(
                dispatcher,
                tracker,
                Reply(f"What time {when}? {free}".strip(), f"What time that day? {free}".strip(), options, options),
            )
            return {"new_time": None, "new_day": parsed.start.date().isoformat()}
        reason = wording.time_problem_text(profile, parsed.problem)
        free = parsed.problem == requested_time.BUSY
        offer = (" These times are free:" if free else " Here are the next open times:") if options else ""
        sms_offer = (" Free: " if free else " Next open: ") + "; ".join(t for t, _ in options[:2]) if options else ""
        return self.refuse(
            tracker,
            "new_time",
            dispatcher,
            Reply(reason + offer, reason + sms_offer, buttons=options, sms_buttons=options[:2]),
        )

    # -- yes before sending --------------------------------------------------------------------
    async def extract_change_confirmed(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if not self.requested(tracker, "change_confirmed"):
            return {}
        if intent_of(tracker) == "affirm":
            return {"change_confirmed": True}
        if intent_of(tracker) in ("deny", "stop"):
            return {"change_confirmed": False}
        if tracker.get_slot("booking_action") == "move" and entity_text(tracker, "DATE", "TIME", skip=_DURATION):
            return {}  # a different time: extract_new_time takes it and the question comes again
        return {"change_confirmed": "unclear"}

    async def validate_change_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is None or isinstance(value, bool):
            return {"change_confirmed": value}
        return self.refuse(
            tracker,
            "change_confirmed",
            dispatcher,
            Reply("Sorry, shall I send it to the team? Yes or no?", "Sorry, send it? Yes or no?", YES_NO, YES_NO),
        )


class ActionAskChangeConfirmed(Action):
    """The yes-or-no before a cancellation or a move goes to the team, with the policy."""

    def name(self) -> Text:
        return "action_ask_change_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile, now = current_profile(), clock.now()
        booking = await _booking(tracker.get_slot("booking_reference"))
        if booking is None:
            return [SlotSet("lookup_problem", NOT_FOUND)]
        policy = profile.policies["cancellation"]
        when = _when(profile, booking.requested_start, booking.requested_text, now)
        if tracker.get_slot("booking_action") == "move":
            new = wording.describe_slot(profile, dt.datetime.fromisoformat(tracker.get_slot("new_time")), now)
            web = f"Move your {_service_name(profile, booking)} ({booking.reference}) from {when} to {new}? {policy}"
            sms = _sms_with(f"Move {when} to {new}?", policy)
            web += " Shall I ask the team?"
        else:
            web = f"Cancel your {_service_name(profile, booking)} {when} ({booking.reference})? {policy}"
            sms = _sms_with(f"Cancel {when} ({booking.reference})?", policy)
            web += " Shall I send the cancellation to the team?"
        send(dispatcher, tracker, Reply(web, sms, YES_NO, YES_NO))
        return []


class ActionExistingBooking(Action):
    """The answer once existing_booking_form is done: status, or the change sent to staff."""

    def name(self) -> Text:
        return "action_existing_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        profile, now = current_profile(), clock.now()
        action = tracker.get_slot("booking_action") or "status"
        reset = cleared(EXISTING_BOOKING_SLOTS) + [SlotSet("requested_slot", None)]
        problem = tracker.get_slot("lookup_problem")
        try:
            booking = None if problem else await _booking(tracker.get_slot("booking_reference"))
            # Every pending change to this booking, from whichever channel the client used.
            changes = [] if booking is None else await _in_thread(shared_store().list_requests, "pending", "change")
        except StoreUnavailable:
            problem, booking, changes = UNAVAILABLE, None, []
        if action == "late":  # staff hear of it even when the booking can't be looked up
            await self.late(dispatcher, tracker, profile, now, booking)
            return reset
        if problem == UNAVAILABLE:
            send(dispatcher, tracker, self.unavailable(profile))
            return reset
        if booking is None:
            send(dispatcher, tracker, self.not_found(profile, tracker))
            return reset
        if action == "status":
            send(
                dispatcher,
                tracker,
                self.status(profile, now, booking, client_lookup.changes_for(changes, booking.reference)),
            )
            return reset
        if tracker.get_slot("change_confirmed") is not True:
            send(
                dispatcher,
                tracker,
                Reply(
                    "Okay, I haven't changed anything: your booking stays as it is.",
                    "Okay, nothing changed: your booking stays as it is.",
                    buttons=(),
                    sms_buttons=(),
                ),
            )
            return reset
        new_time = tracker.get_slot("new_time") if action == "move" else None
        await self.send_change(dispatcher, tracker, profile, now, booking, action, new_time)
        return reset

    # -- the answers ------------------------------------------------------------------------
    @staticmethod
    def not_found(profile: PracticeProfile, tracker: Tracker) -> Reply:
        where = "this number" if is_sms(tracker) else "this conversation"
        return Reply(
            f"I can't find a booking from {where}. If you booked another way, please call us on {profile.phone}.",
            f"I can't find a booking from {where}. If you booked another way, please call {profile.phone}.",
            buttons=(),
            sms_buttons=(),
        )

    @staticmethod
    def unavailable(profile: PracticeProfile) -> Reply:
        return Reply(
            f"Sorry, I can't look up bookings right now. Please call us on {profile.phone}.",
            f"Sorry, I can't look up bookings right now. Please call {profile.phone}.",
            buttons=(),
            sms_buttons=(),
        )

    @staticmethod
    def status(
        profile: PracticeProfile, now: dt.datetime, booking: BookingRequest, changes: List[ChangeRequest]
    ) -> Reply:
        when = _when(profile, booking.requested_start, booking.requested_text, now)
        service = _service_name(profile, booking)
        if booking.status == "handled":
            web = (
                f"Your request {booking.reference} ({service}, {when}) has been handled by our team. "
                f"If you haven't heard from us, please call {profile.phone}."
            )
            sms = (
                f"Your request {booking.reference} ({when}) has been handled. Not heard from us? Call {profile.phone}."
            )
        else:
            web = (
                f"Yes, your request {booking.reference} came through: {service}, {when}. It's with our team, who "
                "haven't confirmed it yet. They'll be in touch soon."
            )
            sms = f"Yes, your request {booking.reference} for {when} came through. The team will confirm it soon."
        pending = [c for c in changes if c.status == "pending"]
        if pending:
            what = {"cancel": "cancellation", "move": "change of time", "late": "running-late message"}
            latest = pending[-1]
            note = f"Your {what[latest.change_kind]} ({latest.reference}) is with the team too."
            web += f" {note}"
            sms = _sms_with(sms, note)
        return Reply(web, sms, buttons=(), sms_buttons=())

    async def send_change(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        profile: PracticeProfile,
        now: dt.datetime,
        booking: BookingRequest,
        action: str,
        new_time: Optional[str],
    ) -> None:
        new_start = dt.datetime.fromisoformat(new_time) if new_time else None
        change = ChangeRequest(
            change_kind=action,
            about_reference=booking.reference,
            name=booking.name,
            phone=booking.phone,
            email=booking.email,
            requested_start=new_start,
            requested_text=new_time or "",
            note=text_of(tracker)[:500] if action == "late" else "",
            channel=tracker.get_latest_input_channel() or "",
            sender_id=tracker.sender_id,
        )
        result = await store_request(change)
        if result is None:
            send(dispatcher, tracker, self.unavailable(profile))
            return
        when = _when(profile, booking.requested_start, booking.requested_text, now)
        new = wording.describe_slot(profile, new_start, now) if new_start else ""
        subject, lines = self.staff_message(action, result.reference, booking, when, new, change.note)
        notify_staff(profile.raw, subject, "\n".join(f"{k}: {v}" for k, v in lines if v))
        if action == "cancel":
            web = (
                f"Done: I've sent your cancellation of {when} to the team (reference {result.reference}). "
                "They'll confirm it with you."
            )
            sms = f"Done: cancellation of {when} sent to the team, ref {result.reference}. They'll confirm it."
        else:
            web = (
                f"I've asked the team to move your booking to {new} (reference {result.reference}). Until they "
                f"confirm, your original time ({when}) still stands."
            )
            sms = f"Asked the team to move it to {new}, ref {result.reference}. Until they confirm, {when} stands."
        urgent = "" if result.stored else f" If it's urgent, please call us on {profile.phone}."
        send(dispatcher, tracker, Reply(web + urgent, sms + urgent, buttons=(), sms_buttons=()))

    async def late(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        profile: PracticeProfile,
        now: dt.datetime,
        booking: Optional[BookingRequest],
    ) -> None:
        text = text_of(tracker)
        minutes = minutes_late(text)
        how_late = f"about {minutes} minutes" if minutes else "a little"
        contact = normalize_phone(tracker.sender_id) if is_sms(tracker) else None
        change = ChangeRequest(
            change_kind="late",
            about_reference=booking.reference if booking else "",
            name=booking.name if booking else "(no booking found)",
            phone=booking.phone if booking else contact,
            email=booking.email if booking else None,
            note=text[:500],
            channel=tracker.get_latest_input_channel() or "",
            sender_id=tracker.sender_id,
        )
        result = await store_request(change)
        when = _when(profile, booking.requested_start, booking.requested_text, now) if booking else ""
        reference = result.reference if result else "(not stored)"
        subject, lines = self.staff_message("late", reference, booking, when, "", text)
        lines.append(("Running", how_late + " late"))
        # Told at once: the therapist may be about to start.
        notify_staff(profile.raw, subject, "\n".join(f"{k}: {v}" for k, v in lines if v))
        policy = profile.policies["late_arrival"]
        if booking is None:
            where = "this number" if is_sms(tracker) else "this conversation"
            web = (
                f"I can't find a booking from {where}, but I've passed your message to the team right away. "
                f"If your visit is soon, please call us on {profile.phone}."
            )
            sms = (
                f"I can't find a booking from {where}, but I've told the team. "
                f"If your visit is soon, call {profile.phone}."
            )
        else:
            web = (
                f"Thanks for letting us know. I've told the team right away that you're running {how_late} late. "
                f"{policy}"
            )
            sms = _sms_with(f"Thanks, I've told the team you're running {how_late} late.", policy)
        send(dispatcher, tracker, Reply(web, sms, buttons=(), sms_buttons=()))

    @staticmethod
    def staff_message(
        action: str, reference: str, booking: Optional[BookingRequest], when: str, new: str, said: str
    ) -> Tuple[str, List[Tuple[str, str]]]:
        about = booking.reference if booking else "no booking found for this sender"
        subject = {
            "cancel": f"Cancellation request {reference} for {about}",
            "move": f"Move request {reference} for {about}",
            "late": f"RUNNING LATE: {booking.name if booking else 'a client'} ({when or about}) {reference}",
        }[action]
        lines = [
            ("Reference", reference),
            ("About booking", about),
            ("Name", booking.name if booking else ""),
            ("Phone", (booking.phone or "") if booking else ""),
            ("Email", (booking.email or "") if booking else ""),
            ("Booked for", when),
            ("New time asked", new),
            ("Client said", said),
        ]
        return subject, lines
