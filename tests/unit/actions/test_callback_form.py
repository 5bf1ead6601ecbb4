"""The callback form: validate_callback_form and action_finish_callback."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

import bot.requests.store
from actions.callback_form import CALLBACK_SLOTS, ActionFinishCallback, ValidateCallbackForm
from actions.handoff import TRANSCRIPT_TURNS
from bot.requests.store import RequestStore
from tests.unit.actions.action_helpers import (
    CLOSED_MOMENT,
    SMS_SENDER,
    WEB_SENDER,
    StoreWatchingDispatcher,
    assert_sms_text,
    bot_event,
    only_message,
    only_text,
    slot_values,
    user_event,
)

QUESTION = "Is deep tissue okay with my sciatica?"
HISTORY = [
    user_event(QUESTION, "conditions_helped"),
    bot_event("Tight glutes may add to low back pain and sciatica-type pain."),
    user_event("can I talk to a real person?", "talk_to_therapist"),
    bot_event("Of course. A therapist will get back to you shortly."),
    user_event("Jane Doe, 415 555 0142", "inform"),
]
# action_handoff decided "live": a therapist takes over now.
DETAILS = {"client_name": "Jane Doe", "contact": "+14155550142", "callback_question": QUESTION, "therapist_live": True}
AFTER_HOURS = {"therapist_live": False}


# -- the callback form ------------------------------------------------------------------------


def callback_required(domain, tracker):
    form = ValidateCallbackForm()
    return asyncio.run(form.required_slots(form.domain_slots(domain), CollectingDispatcher(), tracker, domain))


def test_a_live_handoff_does_not_ask_when_to_call(domain, make_tracker):
    live = make_tracker("", slots={"therapist_live": True})
    assert callback_required(domain, live) == ["client_name", "contact", "callback_question"]


def test_a_callback_asks_when_to_call(domain, make_tracker):
    later = make_tracker("", slots=AFTER_HOURS)
    assert callback_required(domain, later) == ["client_name", "contact", "best_time", "callback_question"]


def test_the_form_follows_the_handoff_not_the_clock(domain, make_tracker, pinned_clock):
    # Started a minute before closing: still live after the clock passes closing time.
    pinned_clock(CLOSED_MOMENT)
    live = make_tracker("", slots={"therapist_live": True})
    assert "best_time" not in callback_required(domain, live)


def test_after_giving_up_the_form_asks_nothing(domain, make_tracker):
    assert callback_required(domain, make_tracker("", slots={"gave_up": True})) == []


@pytest.fixture
def callback_turn(make_tracker, run_action):
    def turn(text, intent="inform", slots=None, requested_slot=None, channel="rest"):
        tracker = make_tracker(
            text, intent, slots=slots, requested_slot=requested_slot, channel=channel, active_loop="callback_form"
        )
        events, dispatcher = run_action(ValidateCallbackForm(), tracker)
        return slot_values(events), dispatcher

    return turn


def test_in_hours_name_and_number_in_one_message_complete_the_form(callback_turn):
    slots, dispatcher = callback_turn(
        "Jane Doe, 415 555 0142",
        requested_slot="client_name",
        slots={"callback_question": QUESTION, "therapist_live": True},
    )
    assert slots["client_name"] == "Jane Doe"
    assert slots["contact"] == "+14155550142"
    assert slots["requested_slot"] is None  # nothing left to ask: best_time is skipped
    assert dispatcher.messages == []


def test_after_hours_the_next_question_is_when_to_call(callback_turn):
    slots, _ = callback_turn(
        "Jane Doe, 415 555 0142", requested_slot="client_name", slots={"callback_question": QUESTION, **AFTER_HOURS}
    )
    assert slots["contact"] == "+14155550142"
    assert "requested_slot" not in slots  # Rasa asks the next slot in domain order: best_time


def test_after_hours_best_time_is_taken_as_said(callback_turn):
    slots, _ = callback_turn(
        "tomorrow after 5pm please",
        requested_slot="best_time",
        slots={"client_name": "Jane Doe", "contact": "+14155550142", **AFTER_HOURS},
    )
    assert slots["best_time"] == "tomorrow after 5pm please"
    assert slots["invalid_answers"] == 0


def test_the_question_slot_takes_a_question_as_the_answer(callback_turn):
    slots, _ = callback_turn(
        "can I have massage after a hip replacement?",
        "conditions_helped",
        requested_slot="callback_question",
        slots={"client_name": "Jane Doe", "contact": "+14155550142"},
    )
    assert slots["callback_question"] == "can I have massage after a hip replacement?"


def test_an_sms_client_is_not_asked_for_a_number(callback_turn):
    slots, _ = callback_turn("Jane", requested_slot="client_name", channel="sms")
    assert slots["client_name"] == "Jane"
    assert slots["contact"] == SMS_SENDER


def test_an_unusable_number_is_refused_and_counted(callback_turn):
    slots, dispatcher = callback_turn(
        "call me maybe", requested_slot="contact", slots={"client_name": "Jane", "invalid_answers": 2}
    )
    assert slots["contact"] is None
    assert slots["invalid_answers"] == 3
    assert slots["gave_up"] is True
    assert slots["requested_slot"] is None
    assert "phone number or email" in only_text(dispatcher)


# -- finishing ------------------------------------------------------------------------------------


def test_in_hours_finish_stores_a_callback_with_transcript_and_pauses(
    run_action, make_tracker, request_store, staff_notifications
):
    dispatcher = StoreWatchingDispatcher(request_store)
    tracker = make_tracker("Jane Doe, 415 555 0142", "inform", slots=DETAILS, history=HISTORY[:4])
    events, _ = run_action(ActionFinishCallback(), tracker, dispatcher)

    (saved,) = request_store.list_requests(kind="callback")
    assert dispatcher.stored_when_replying == [[saved.reference]]
    assert saved.name == "Jane Doe"
    assert saved.phone == "+14155550142"
    assert saved.question == QUESTION
    assert saved.best_time == "as soon as possible (open now)"
    assert saved.sender_id == WEB_SENDER
    assert saved.transcript.splitlines() == [
        f"Client: {QUESTION}",
        "Assistant: Tight glutes may add to low back pain and sciatica-type pain.",
        "Client: can I talk to a real person?",
        "Assistant: Of course. A therapist will get back to you shortly.",
        "Client: Jane Doe, 415 555 0142",
    ]

    text = only_text(dispatcher)
    assert text.startswith(f"Thanks, Jane. I've passed this to the team (reference {saved.reference})")
    assert "a therapist will contact you on +14155550142 shortly" in text
    assert events[-1]["event"] == "pause"  # ConversationPaused: a person takes over
    values = slot_values(events)
    assert all(values[slot] is None for slot in CALLBACK_SLOTS if slot != "invalid_answers")

    log = staff_notifications.log_text()
    assert f"Client waiting for a therapist {saved.reference}" in log
    assert f"resume with: python -m bot resume {saved.reference}" in log
    assert f"Client: {QUESTION}" in log


def test_after_hours_finish_says_when_we_open_and_does_not_pause(
    run_action, make_tracker, request_store, pinned_clock, staff_notifications
):
    pinned_clock(CLOSED_MOMENT)
    slots = {**DETAILS, **AFTER_HOURS, "best_time": "tomorrow after 5pm"}
    events, dispatcher = run_action(ActionFinishCallback(), make_tracker("after 5", slots=slots, history=HISTORY))

    (saved,) = request_store.list_requests(kind="callback")
    assert saved.best_time == "tomorrow after 5pm"
    text = only_text(dispatcher)
    assert text == (
        f"Thanks, Jane. Your callback request is in (reference {saved.reference}). "
        "We open tomorrow at 9 am, and a therapist will call you on +14155550142 then."
    )
    assert all(e["event"] != "pause" for e in events)
    log = staff_notifications.log_text()
    assert f"Callback request {saved.reference}" in log
    assert "resume" not in log


@pytest.mark.parametrize("moment", ["open", "closed"])
def test_sms_finish_is_short_plain_text(run_action, make_tracker, request_store, pinned_clock, moment):
    slots = {**DETAILS, "contact": SMS_SENDER, "best_time": "evenings"}
    if moment == "closed":
        pinned_clock(CLOSED_MOMENT)
        slots.update(AFTER_HOURS)
    _, dispatcher = run_action(ActionFinishCallback(), make_tracker("evenings", slots=slots, channel="sms"))
    text = only_text(dispatcher)
    assert_sms_text(text)
    assert request_store.list_requests()[0].reference in text
    assert request_store.list_requests()[0].channel == "sms"


def test_the_transcript_keeps_only_the_last_turns(run_action, make_tracker, request_store):
    history = []
    for i in range(20):
        history += [user_event(f"question {i}", "inform"), bot_event(f"answer {i}")]
    run_action(ActionFinishCallback(), make_tracker("last words", slots=DETAILS, history=history))
    lines = request_store.list_requests()[0].transcript.splitlines()
    assert len(lines) == TRANSCRIPT_TURNS
    assert lines[-1] == "Client: last words"
    assert "Client: question 0" not in lines


def test_without_contact_details_nothing_is_stored_and_the_client_is_asked_to_call(
    run_action, make_tracker, request_store, staff_notifications
):
    slots = {"client_name": "Jane", "gave_up": True, "invalid_answers": 3}
    events, dispatcher = run_action(ActionFinishCallback(), make_tracker("whatever", slots=slots))
    assert only_text(dispatcher) == (
        "I'm sorry, I couldn't take your details. Please call us on +1 415 555 0100 and we'll help you directly."
    )
    assert request_store.list_requests("all") == []
    assert staff_notifications.subjects == []
    assert all(e["event"] != "pause" for e in events)


def test_database_down_still_takes_the_callback_via_the_spool(run_action, make_tracker, tmp_path, monkeypatch):
    monkeypatch.setenv(bot.requests.store.DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'no-such-folder' / 'requests.db'}")
    bot.requests.store._shared.clear()

    _, dispatcher = run_action(ActionFinishCallback(), make_tracker("ok", slots=DETAILS, history=HISTORY))

    (spooled,) = RequestStore(spool_dir=tmp_path / "spool").spooled_requests()
    assert spooled.question == QUESTION
    assert f"reference {spooled.reference}" in only_message(dispatcher)["text"]


def test_a_live_handoff_finishes_live_even_after_closing_time(run_action, make_tracker, request_store, pinned_clock):
    # One decision per handoff: never "a therapist will get back shortly" and then a callback.
    pinned_clock(CLOSED_MOMENT)
    events, dispatcher = run_action(ActionFinishCallback(), make_tracker("ok", slots=DETAILS, history=HISTORY))
    assert "a therapist will contact you on +14155550142 shortly" in only_text(dispatcher)
    assert events[-1]["event"] == "pause"
    assert request_store.list_requests()[0].best_time == "as soon as possible (open now)"


@pytest.mark.parametrize("live", [True, False])
def test_an_email_contact_is_written_to_not_called(run_action, make_tracker, request_store, pinned_clock, live):
    if not live:
        pinned_clock(CLOSED_MOMENT)
    slots = {**DETAILS, "contact": "jane@example.com", "therapist_live": live, "best_time": "evenings"}
    _, dispatcher = run_action(ActionFinishCallback(), make_tracker("ok", slots=slots, history=HISTORY))
    (saved,) = request_store.list_requests(kind="callback")
    assert saved.phone == "" and saved.email == "jane@example.com"
    text = only_text(dispatcher)
    assert "call you on jane@example.com" not in text and "on jane@example.com" not in text
    assert ("contact you at jane@example.com" if live else "write to you at jane@example.com") in text
