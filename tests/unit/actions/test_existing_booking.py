"""A booking the client already made: status, cancel, move and late, matched to the client and nobody else."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.existing_booking
import bot.requests.notifier
import bot.requests.store
from actions.existing_booking import (
    ActionAskChangeConfirmed,
    ActionExistingBooking,
    ActionFindBooking,
    ValidateExistingBookingForm,
    minutes_late,
)
from bot.practice import calendar_feed
from bot.requests.models import BookingRequest, ChangeRequest
from tests.calendar_feeds import calendar, event
from tests.unit.actions.action_helpers import (
    PRACTICE_TZ,
    SMS_SENDER,
    WEB_SENDER,
    assert_sms_text,
    entity,
    only_message,
    only_text,
    payloads,
    slot_values,
)

# The pinned clock says Wednesday 10 June 2026, 10:30 am.
TUESDAY_3PM = dt.datetime(2026, 6, 16, 15, 0, tzinfo=PRACTICE_TZ)
FRIDAY_2PM = dt.datetime(2026, 6, 12, 14, 0, tzinfo=PRACTICE_TZ)
OTHER_NUMBER = "+14155550100"
POLICY = "Please give us 24 hours' notice to cancel or move a booking."


@pytest.fixture(autouse=True)
def told_staff(staff_notifications, monkeypatch):
    wrapped = staff_notifications.wrap(bot.requests.notifier.notify_staff)
    monkeypatch.setattr(actions.existing_booking, "notify_staff", wrapped)
    yield staff_notifications
    calendar_feed.forget_feeds()


@pytest.fixture
def jane(request_store):
    """Jane's booking, made by SMS from her number: Tuesday 16 June at 3 pm."""
    booking = BookingRequest(
        name="Jane Doe",
        phone=SMS_SENDER,
        requested_start=TUESDAY_3PM,
        service_key="massage_60",
        channel="sms",
        sender_id=SMS_SENDER,
    )
    request_store.save(booking)
    return booking


@pytest.fixture
def talk(make_tracker, run_action, domain):
    """Drives the existing-booking flow as Rasa would: find, then the form's turns, then the answer."""

    class Talk:
        def __init__(self):
            self.slots = {}
            self.channel, self.sender = "sms", SMS_SENDER
            self.said = []

        def tracker(self, text, intent, entities=(), requested=None):
            return make_tracker(
                text,
                intent,
                entities=entities,
                channel=self.channel,
                sender_id=self.sender,
                slots={k: v for k, v in self.slots.items() if k != "requested_slot"},
                active_loop="existing_booking_form" if requested else None,
                requested_slot=requested,
            )

        def run(self, action, tracker):
            events, dispatcher = run_action(action, tracker)
            self.slots.update(slot_values(events))
            self.said += [m.get("text") for m in dispatcher.messages]
            return dispatcher

        def next_question(self, text, intent, entities=()):
            form = ValidateExistingBookingForm()
            tracker = self.tracker(text, intent, entities)
            needed = asyncio.run(
                form.required_slots(form.domain_slots(domain), CollectingDispatcher(), tracker, domain)
            )
            return next((slot for slot in needed if self.slots.get(slot) is None), None)

        def open(self, text, intent, entities=(), channel="sms", sender=SMS_SENDER):
            """The opening message: action_find_booking, then the form's first look at it."""
            self.channel, self.sender = channel, sender
            self.run(ActionFindBooking(), self.tracker(text, intent, entities))
            self.run(ValidateExistingBookingForm(), self.tracker(text, intent, entities))
            return self.next_question(text, intent, entities)

        def answer(self, requested, text, intent="inform", entities=()):
            self.run(ValidateExistingBookingForm(), self.tracker(text, intent, entities, requested=requested))
            return self.next_question(text, intent, entities)

        def ask_confirmation(self):
            return only_message(self.run(ActionAskChangeConfirmed(), self.tracker("", "affirm")))

        def finish(self, text="", intent="affirm"):
            """The answer, in the same turn as the client's last message (`text`)."""
            return only_text(self.run(ActionExistingBooking(), self.tracker(text, intent)))

    return Talk()


# -- status ---------------------------------------------------------------------------------


def test_status_by_sms_is_matched_to_the_sending_number(talk, jane):
    assert talk.open("hi it's me again, did my booking go through?", "booking_status") is None  # nothing to ask
    assert talk.slots["booking_reference"] == jane.reference
    text = talk.finish()
    assert text == (
        f"Yes, your request {jane.reference} for Tuesday 16 June at 3 pm came through. The team will confirm it soon."
    )
    assert_sms_text(text)


def test_another_number_gets_nothing_but_cannot_find(talk, jane):
    assert talk.open("did my booking go through?", "booking_status", sender=OTHER_NUMBER) is None
    text = talk.finish()
    assert text == "I can't find a booking from this number. If you booked another way, please call +1 415 555 0100."
    # Quoting her reference from another phone changes nothing.
    talk.open(f"is {jane.reference} confirmed?", "booking_status", sender=OTHER_NUMBER)
    assert talk.finish() == text
    assert all("Jane" not in said and jane.reference not in said for said in talk.said if said)


def test_status_mentions_a_pending_change_and_a_handled_booking(talk, jane, request_store):
    request_store.save(ChangeRequest(change_kind="cancel", about_reference=jane.reference, name="Jane Doe"))
    request_store.mark_handled(jane.reference)
    talk.open("any update on my booking?", "booking_status")
    text = talk.finish()
    assert text.startswith(f"Your request {jane.reference} (Tuesday 16 June at 3 pm) has been handled.")
    assert "Your cancellation (RX-" in text and "is with the team too." in text
    assert_sms_text(text)


def test_web_conversation_finds_its_own_booking(talk, request_store):
    mine = BookingRequest(name="Sam Lee", email="sam@example.com", channel="rest", sender_id=WEB_SENDER)
    request_store.save(mine)
    assert talk.open("did my booking go through?", "booking_status", channel="rest", sender=WEB_SENDER) is None
    assert mine.reference in talk.finish()


def test_web_needs_the_reference_and_the_contact_it_was_booked_with(talk, jane):
    assert talk.open("did my booking go through?", "booking_status", channel="rest", sender="new-visitor") == (
        "booking_reference"
    )
    # Only the reference: asked for the contact, not counted as a mistake.
    assert talk.answer("booking_reference", f"it's {jane.reference}") == "booking_reference"
    assert talk.said[-1] == "Thanks. To be sure it's yours, what's the phone number or e-mail you booked with?"
    assert talk.slots["quoted_reference"] == jane.reference
    # A different number: the same answer whether or not the reference exists.
    assert talk.answer("booking_reference", "415 555 0177") == "booking_reference"
    assert talk.said[-1].startswith("I can't find a booking with those details.")
    assert talk.answer("booking_reference", f"{jane.reference} 415 555 0199") is None
    assert talk.slots["booking_reference"] == jane.reference
    assert jane.reference in talk.finish()


def test_web_without_a_reference_can_say_so(talk, jane):
    talk.open("is my appointment confirmed?", "booking_status", channel="rest", sender="new-visitor")
    assert talk.answer("booking_reference", "no I don't have it", intent="deny") is None
    assert talk.finish().startswith("I can't find a booking from this conversation.")


# -- cancel -------------------------------------------------------------------------------------


def test_cancel_shows_the_policy_and_sends_a_change_request_for_staff(talk, jane, request_store, told_staff):
    assert talk.open("I need to cancel my massage", "cancel_booking") == "change_confirmed"
    question = talk.ask_confirmation()
    assert question["text"].startswith(f"Cancel Tuesday 16 June at 3 pm ({jane.reference})? {POLICY}")
    assert_sms_text(question["text"])
    assert payloads(question) == ["/affirm", "/deny"]
    assert talk.answer("change_confirmed", "/affirm", intent="affirm") is None
    text = talk.finish()
    (change,) = request_store.list_requests(kind="change")
    assert text == (
        f"Done: cancellation of Tuesday 16 June at 3 pm sent to the team, ref {change.reference}. They'll confirm it."
    )
    assert (change.change_kind, change.about_reference, change.phone) == ("cancel", jane.reference, SMS_SENDER)
    assert request_store.get(jane.reference).status == "pending"  # the booking itself is never edited
    log = told_staff.log_text()
    assert f"Cancellation request {change.reference} for {jane.reference}" in log
    assert "Booked for: Tuesday 16 June at 3 pm" in log


def test_saying_no_changes_nothing(talk, jane, request_store):
    talk.open("please cancel my appointment", "cancel_booking", channel="sms")
    talk.answer("change_confirmed", "no", intent="deny")
    assert talk.finish() == "Okay, nothing changed: your booking stays as it is."
    assert request_store.list_requests(kind="change") == []


def test_the_web_question_names_the_session(talk, request_store):
    mine = BookingRequest(
        name="Sam", phone="+14155550142", requested_start=TUESDAY_3PM, service_key="massage_90", channel="rest",
        sender_id=WEB_SENDER,
    )  # fmt: skip
    request_store.save(mine)
    talk.open("cancel my booking", "cancel_booking", channel="rest", sender=WEB_SENDER)
    text = talk.ask_confirmation()["text"]
    assert text.startswith(f"Cancel your 90-minute massage Tuesday 16 June at 3 pm ({mine.reference})? {POLICY}")
    assert text.endswith("Shall I send the cancellation to the team?")


# -- move -----------------------------------------------------------------------------------------


def test_move_with_the_new_time_in_the_first_message(talk, jane, request_store, told_staff):
    text = "can we move it to Friday at 2pm?"
    found = [entity(text, "DATE", "Friday"), entity(text, "TIME", "2pm")]
    assert talk.open(text, "move_booking", found) == "change_confirmed"
    assert dt.datetime.fromisoformat(talk.slots["new_time"]) == FRIDAY_2PM
    assert talk.ask_confirmation()["text"].startswith("Move Tuesday 16 June at 3 pm to Friday 12 June at 2 pm?")
    talk.answer("change_confirmed", "yes", intent="affirm")
    reply = talk.finish()
    (change,) = request_store.list_requests(kind="change")
    assert change.change_kind == "move" and change.requested_start == FRIDAY_2PM
    assert reply.startswith(f"Asked the team to move it to Friday 12 June at 2 pm, ref {change.reference}.")
    assert "Until they confirm, Tuesday 16 June at 3 pm stands." in reply
    assert f"Move request {change.reference} for {jane.reference}" in told_staff.log_text()


def test_move_asks_the_time_and_goes_through_the_availability_check(talk, jane, edit_profile, tmp_path):
    feed = tmp_path / "busy.ics"
    feed.write_text(calendar(event(FRIDAY_2PM - dt.timedelta(hours=1), FRIDAY_2PM + dt.timedelta(hours=1))))
    edit_profile(lambda raw: raw.update(calendar={"file": str(feed)}))
    assert talk.open("I need to reschedule", "move_booking") == "new_time"
    assert talk.answer("new_time", "friday at 2pm") == "new_time"  # booked: refused, asked again
    refusal = talk.said[-1]
    # Booked 1 pm to 3 pm: the free times nearest 2 pm are noon and 3 pm.
    assert refusal == "Sorry, that time is already booked. Free: Friday 12 June at noon; Friday 12 June at 3 pm"
    assert talk.slots["new_time"] is None
    assert talk.answer("new_time", "friday at 3pm") == "change_confirmed"
    assert dt.datetime.fromisoformat(talk.slots["new_time"]) == FRIDAY_2PM + dt.timedelta(hours=1)


def test_move_to_a_day_lists_that_days_free_times_then_takes_the_time(talk, jane):
    talk.open("can I move my appointment", "move_booking")
    assert talk.answer("new_time", "thursday") == "new_time"
    assert talk.said[-1] == "What time that day?"  # no calendar feed: nothing is called free
    assert talk.answer("new_time", "4pm") == "change_confirmed"
    assert dt.datetime.fromisoformat(talk.slots["new_time"]) == dt.datetime(2026, 6, 11, 16, 0, tzinfo=PRACTICE_TZ)


# -- running late ---------------------------------------------------------------------------------------


def test_late_tells_staff_at_once(talk, jane, request_store, told_staff):
    assert talk.open("running 10 minutes late, sorry!", "running_late") is None
    text = talk.finish("running 10 minutes late, sorry!", "running_late")
    assert text.startswith("Thanks, I've told the team you're running about 10 minutes late.")
    assert_sms_text(text)
    (change,) = request_store.list_requests(kind="change")
    assert (change.change_kind, change.note) == ("late", "running 10 minutes late, sorry!")
    assert told_staff.subjects == [f"RUNNING LATE: Jane Doe (Tuesday 16 June at 3 pm) {change.reference}"]


def test_late_from_an_unknown_number_still_reaches_staff_and_reveals_nothing(talk, jane, request_store, told_staff):
    talk.open("stuck in traffic, be there in 20", "running_late", sender=OTHER_NUMBER)
    text = talk.finish("stuck in traffic, be there in 20", "running_late")
    assert text.startswith("I can't find a booking from this number, but I've told the team.")
    assert "Jane" not in text
    (change,) = request_store.list_requests(kind="change")
    assert change.about_reference == "" and change.phone == OTHER_NUMBER
    assert "no booking found" in told_staff.subjects[0]


@pytest.mark.parametrize(
    "said, minutes",
    [
        ("running 10 minutes late", 10),
        ("be there in 5 min", 5),
        ("ten mins late sorry", 10),
        ("about half an hour late", 30),
        ("running twenty-five minutes behind", 25),
        ("stuck in traffic, be there in 20", 20),
        ("heads up, running about 10 late", 10),
        ("late for my 3pm, sorry", None),
        ("I'm late", None),
    ],
)
def test_how_late(said, minutes):
    assert minutes_late(said) == minutes


# -- the store is down --------------------------------------------------------------------------------


def test_a_store_that_is_down_gets_an_honest_answer(talk, tmp_path, monkeypatch):
    monkeypatch.setenv(bot.requests.store.DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'missing' / 'requests.db'}")
    bot.requests.store._shared.clear()
    assert talk.open("did my booking go through?", "booking_status") is None
    assert talk.finish() == "Sorry, I can't look up bookings right now. Please call +1 415 555 0100."


def test_a_web_sender_id_that_looks_like_her_number_proves_nothing(talk, jane):
    # A REST client chooses its own sender id; only a signed SMS vouches for a number.
    assert talk.open("did my booking go through?", "booking_status", channel="rest", sender=SMS_SENDER) == (
        "booking_reference"
    )
    assert talk.slots["booking_reference"] is None
