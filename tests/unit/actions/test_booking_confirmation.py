"""A confirmed booking request: the prefilled booking link, and the clearance flag for warning signs."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.booking_form import ActionFinishBooking
from bot.practice.profile import current_profile
from bot.requests.booking_link import prefilled_link
from bot.requests.models import BookingRequest
from tests.unit.actions.action_helpers import PRACTICE_TZ, assert_sms_text, bot_event, entity, only_text, user_event

CONFIRMED = {
    "client_name": "Jane Doe",
    "contact": "+14155550142",
    "requested_time": dt.datetime(2026, 6, 16, 15, 0, tzinfo=PRACTICE_TZ).isoformat(),
    "service": "massage_60",
    "include_glutes": True,
    "booking_note": "none",
    "booking_confirmed": True,
}
PREFILLED = (
    "https://riverside-massage.example/book?name=Jane%20Doe&phone=%2B14155550142&email=&date=2026-06-16"
    "&time=15%3A00&service=massage_60"
)


def test_the_link_template_is_filled_and_url_encoded():
    request = BookingRequest(
        name="Zoë O'Neil & co",
        email="zoe+spa@example.com",
        requested_start=dt.datetime(2026, 6, 17, 1, 30, tzinfo=dt.timezone.utc),  # 6:30 pm the day before, locally
        service_key="massage_90",
    )
    link = prefilled_link(current_profile(), request)
    assert link.startswith("https://riverside-massage.example/book?name=Zo%C3%AB%20O%27Neil%20%26%20co&phone=&")
    assert "email=zoe%2Bspa%40example.com&date=2026-06-16&time=18%3A30&service=massage_90" in link


def test_the_confirmation_offers_the_prefilled_link_and_the_request_is_stored(run_action, make_tracker, request_store):
    _, dispatcher = run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED))
    (saved,) = request_store.list_requests()
    text = only_text(dispatcher)
    assert f"reference {saved.reference}" in text
    assert text.endswith(f"confirm it yourself online (your details are filled in): {PREFILLED}")


def test_the_sms_confirmation_carries_the_link_within_two_texts(run_action, make_tracker, request_store):
    _, dispatcher = run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED, channel="sms"))
    text = only_text(dispatcher)
    assert text.endswith(f"Or confirm it yourself: {PREFILLED}")
    assert_sms_text(text)


def test_without_a_template_the_plain_booking_page_is_offered(run_action, make_tracker, edit_profile):
    edit_profile(lambda raw: raw["booking"].pop("link_template"))
    _, dispatcher = run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED))
    assert only_text(dispatcher).endswith("You can also book online at https://riverside-massage.example/book")


@pytest.mark.parametrize(
    "said, kind, reason",
    [
        ("I had a hip replacement three weeks ago", "surgery_injury", "a recent surgery or injury"),
        ("my calf has been swollen and warm since the flight", "blood_clot", "signs that could mean a blood clot"),
        ("I've had some bleeding at 30 weeks", "pregnancy_warning", "those pregnancy symptoms"),
    ],
)
def test_a_warning_sign_earlier_marks_the_booking_for_clearance_and_says_so(
    run_action, make_tracker, request_store, staff_notifications, said, kind, reason
):
    history = [
        user_event(said, "medical_red_flag", entities=[entity(said, "red_flag", said, kind)]),
        bot_event("Thank you for telling me. Please see a doctor before having any massage."),
        user_event("I'd still like to book for later", "book_appointment"),
    ]
    _, dispatcher = run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED, history=history))
    (saved,) = request_store.list_requests()
    assert saved.needs_clearance is True and saved.clearance_reason == reason
    text = only_text(dispatcher)
    assert f"Because you mentioned {reason}, a therapist will check with you that massage is safe" in text
    assert "doctor's OK" in text
    assert "confirm it yourself" not in text  # no one-tap booking around the therapist's check
    assert f"Clearance: NEEDS THERAPIST CLEARANCE: mentioned {reason}" in staff_notifications.log_text()


def test_the_sms_clearance_note_fits(run_action, make_tracker, request_store):
    said = "had knee surgery last week"
    history = [user_event(said, "medical_red_flag", channel="sms")]  # the pattern finds it again in the text
    _, dispatcher = run_action(
        ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED, channel="sms", history=history)
    )
    text = only_text(dispatcher)
    assert "As you mentioned a recent surgery or injury, a therapist will check it's safe first." in text
    assert_sms_text(text)
    assert request_store.list_requests()[0].needs_clearance is True


def test_no_warning_sign_no_flag(run_action, make_tracker, request_store):
    history = [user_event("why glutes?", "why_glutes")]
    run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED, history=history))
    (saved,) = request_store.list_requests()
    assert saved.needs_clearance is False and saved.clearance_reason == ""
