"""action_cancel_request: cancelling a booking or a callback request forgets everything given for it."""

from __future__ import annotations

from actions.booking_form import BOOKING_SLOTS
from actions.callback_form import CALLBACK_SLOTS
from actions.cancel_request import ActionCancelRequest
from tests.unit.actions.action_helpers import only_text, slot_values

BOOKING_READY = {
    "client_name": "Ana Lopez",
    "contact": "+14155550142",
    "requested_time": "2026-10-15T16:00:00-07:00",
    "service": "massage_60",
    "include_glutes": True,
    "booking_note": "none",
}
CALLBACK_GIVEN = {
    "client_name": "Ana Lopez",
    "contact": "+14155550142",
    "best_time": "after 5pm",
    "therapist_live": False,
}


def test_cancelling_a_booking_clears_the_request_and_stops_asking(run_action, make_tracker, request_store):
    tracker = make_tracker("stop", "stop", slots=BOOKING_READY, active_loop="booking_form", requested_slot="service")
    events, dispatcher = run_action(ActionCancelRequest(), tracker)
    assert only_text(dispatcher).startswith("Okay, I've cancelled that request. Nothing was sent.")
    values = slot_values(events)
    assert values["requested_slot"] is None
    assert all(values[slot] is None for slot in BOOKING_SLOTS if slot != "invalid_answers")
    assert request_store.list_requests("all") == []


def test_cancelling_a_callback_forgets_its_best_time(run_action, make_tracker, request_store):
    # A best time left behind would make the next callback form skip asking when to call.
    tracker = make_tracker(
        "cancel", "stop", slots=CALLBACK_GIVEN, active_loop="callback_form", requested_slot="callback_question"
    )
    events, _ = run_action(ActionCancelRequest(), tracker)
    values = slot_values(events)
    assert all(values[slot] is None for slot in CALLBACK_SLOTS if slot != "invalid_answers")
    assert values["best_time"] is None and values["therapist_live"] is None
    assert request_store.list_requests("all") == []
