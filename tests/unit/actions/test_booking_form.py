"""The booking handoff: validate_booking_form, its ask actions, and finishing or cancelling."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from rasa_sdk.executor import CollectingDispatcher

import bot.requests.store
from actions.booking_form import (
    BOOKING_SLOTS,
    ActionAskBookingConfirmed,
    ActionAskRequestedTime,
    ActionAskService,
    ActionBookingIntro,
    ActionFinishBooking,
    ValidateBookingForm,
)
from bot.requests.store import RequestStore
from tests.unit.actions.action_helpers import (
    PRACTICE_TZ,
    SMS_SENDER,
    StoreWatchingDispatcher,
    assert_sms_text,
    bot_event,
    entity,
    only_message,
    only_text,
    payloads,
    slot_values,
    titles,
    user_event,
)

ONE_SHOT = "Book Jane Doe, 415 555 0142, next Tuesday 3pm"
# The pinned clock says Wednesday 10 June 2026, 10:30 am; next Tuesday is the 16th.
NEXT_TUESDAY_3PM = dt.datetime(2026, 6, 16, 15, 0, tzinfo=PRACTICE_TZ)
THURSDAY = dt.date(2026, 6, 11)
REFERENCE = re.compile(r"\bRB-[2-9A-HJ-NP-Z]{5}\b")

# A request ready for the summary: every detail in, not yet confirmed.
READY = {
    "client_name": "Jane Doe",
    "contact": "+14155550142",
    "requested_time": NEXT_TUESDAY_3PM.isoformat(),
    "service": "massage_60",
    "include_glutes": True,
    "booking_note": "tight left hip",
}
CONFIRMED = {**READY, "booking_confirmed": True}


@pytest.fixture
def form_turn(make_tracker, run_action):
    """One client message while the booking form runs: returns (slot values set, dispatcher)."""

    def turn(
        text,
        intent="inform",
        entities=(),
        slots=None,
        requested_slot=None,
        channel="rest",
        active_loop="booking_form",
        history=(),
    ):
        tracker = make_tracker(
            text,
            intent,
            entities=entities,
            slots=slots,
            requested_slot=requested_slot,
            channel=channel,
            active_loop=active_loop,
            history=history,
        )
        events, dispatcher = run_action(ValidateBookingForm(), tracker)
        return slot_values(events), dispatcher

    return turn


def required_slots(domain, tracker):
    form = ValidateBookingForm()
    return asyncio.run(form.required_slots(form.domain_slots(domain), CollectingDispatcher(), tracker, domain))


# -- reading the details from any message ---------------------------------------------


@pytest.mark.parametrize("active_loop", [None, "booking_form"])
def test_one_shot_request_fills_name_contact_and_time(form_turn, active_loop):
    # Opening message (the form is being activated) or already inside the form.
    entities = [entity(ONE_SHOT, "DATE", "next Tuesday"), entity(ONE_SHOT, "TIME", "3pm")]
    slots, dispatcher = form_turn(ONE_SHOT, "book_appointment", entities, active_loop=active_loop)

    assert slots["client_name"] == "Jane Doe"
    assert slots["contact"] == "+14155550142"
    assert dt.datetime.fromisoformat(slots["requested_time"]) == NEXT_TUESDAY_3PM
    assert slots["invalid_answers"] == 0
    assert "service" not in slots  # not mentioned: the form asks for it next
    assert dispatcher.messages == []  # nothing refused


def test_sms_client_is_reached_on_the_number_they_text_from(form_turn):
    text = "Book Sam Lee for next Tuesday at 3pm"
    entities = [entity(text, "DATE", "next Tuesday"), entity(text, "TIME", "3pm")]
    slots, _ = form_turn(text, "book_appointment", entities, channel="sms", active_loop=None)
    assert slots["client_name"] == "Sam Lee"
    assert slots["contact"] == SMS_SENDER
    assert dt.datetime.fromisoformat(slots["requested_time"]) == NEXT_TUESDAY_3PM


def test_session_length_in_the_message_picks_the_service(form_turn):
    slots, _ = form_turn(
        "a 90 minute massage please",
        requested_slot="requested_time",
        slots={"client_name": "Jane", "contact": "+14155550142"},
    )
    assert slots["service"] == "massage_90"


def test_a_question_mid_form_fills_nothing_and_refuses_nothing(form_turn):
    slots, dispatcher = form_turn(
        "how much is 90 minutes?", "pricing", requested_slot="contact", slots={"client_name": "Jane"}
    )
    assert slots == {}
    assert dispatcher.messages == []


def test_messages_outside_the_form_are_not_read(form_turn):
    text = "I'm Jane Doe and I'm free next Tuesday"
    slots, _ = form_turn(text, "greet", [entity(text, "DATE", "next Tuesday")], active_loop=None)
    assert slots == {}


# -- contact details and the give-up rule ---------------------------------------------------


def test_an_invalid_phone_number_is_refused_and_counted(form_turn):
    slots, dispatcher = form_turn("12345", requested_slot="contact", slots={"client_name": "Jane"})
    assert slots["contact"] is None
    assert slots["invalid_answers"] == 1
    assert "gave_up" not in slots
    assert only_text(dispatcher).startswith("That doesn't look like a phone number or email I can use.")


def test_the_sms_refusal_is_short_plain_text(form_turn):
    _, dispatcher = form_turn("555", requested_slot="contact", slots={"client_name": "Jane"}, channel="sms")
    text = only_text(dispatcher)
    # The form's own question follows: the refusal says why, and asks nothing itself.
    assert text == "That number or email didn't work. One like 415 555 0142 works."
    assert "?" not in text
    assert_sms_text(text)


def test_a_valid_answer_resets_the_count(form_turn):
    slots, dispatcher = form_turn(
        "it's 415-555-0142", requested_slot="contact", slots={"client_name": "Jane", "invalid_answers": 2}
    )
    assert slots["contact"] == "+14155550142"
    assert slots["invalid_answers"] == 0
    assert dispatcher.messages == []


def test_an_email_address_is_accepted_lower_cased(form_turn):
    slots, _ = form_turn("Jane.Doe@Example.com", requested_slot="contact", slots={"client_name": "Jane"})
    assert slots["contact"] == "jane.doe@example.com"


def test_three_unusable_answers_end_the_form(form_turn, make_tracker, domain):
    slots = {"client_name": "Jane", "invalid_answers": 0}
    for answer in ("12345", "dunno", "not telling"):
        changed, dispatcher = form_turn(answer, requested_slot="contact", slots=slots)
        assert len(dispatcher.messages) == 1  # each one is refused out loud
        slots = {**slots, **changed}

    assert slots["invalid_answers"] == 3
    assert slots["gave_up"] is True
    assert slots["requested_slot"] is None  # the form deactivates instead of asking again
    tracker = make_tracker("", slots={k: v for k, v in slots.items() if k != "requested_slot"})
    assert required_slots(domain, tracker) == []


def test_until_giving_up_every_form_slot_is_required(make_tracker, domain):
    assert (
        required_slots(domain, make_tracker("", slots={"invalid_answers": 2}))
        == domain["forms"]["booking_form"]["required_slots"]
    )


# -- the requested time -------------------------------------------------------------------


def time_turn(form_turn, text, entities=(), channel="rest", **slots):
    return form_turn(
        text,
        entities=entities,
        requested_slot="requested_time",
        channel=channel,
        slots={"client_name": "Jane", "contact": "+14155550142", **slots},
    )


def test_a_past_time_is_refused_with_the_next_open_times(form_turn):
    slots, dispatcher = time_turn(form_turn, "yesterday at 3pm")
    message = only_message(dispatcher)
    assert slots["requested_time"] is None
    assert slots["invalid_answers"] == 1
    assert message["text"] == "That time has already passed. The nearest open times are below."
    # 10:30 am now, two hours' notice: the first open half hour is 12:30 pm (today, named by weekday and date).
    assert titles(message) == [
        "Wednesday 10 June at 12:30 pm",
        "Wednesday 10 June at 1 pm",
        "Wednesday 10 June at 1:30 pm",
    ]
    assert payloads(message) == titles(message)  # tapping one answers the question


def test_a_closed_time_is_refused_with_the_next_open_times_after_it(form_turn):
    slots, dispatcher = time_turn(form_turn, "Sunday at 2pm")
    message = only_message(dispatcher)
    assert slots["requested_time"] is None
    assert message["text"].startswith("We're closed then.")
    assert titles(message) == ["Monday 15 June at 9 am", "Monday 15 June at 9:30 am", "Monday 15 June at 10 am"]


def test_too_short_notice_is_refused(form_turn):
    _, dispatcher = time_turn(form_turn, "today at 11am")
    assert only_text(dispatcher).startswith("That's a little too soon for us to prepare (we need 2 hours' notice).")


def test_sms_refusal_lists_two_open_times_in_the_text(form_turn):
    _, dispatcher = time_turn(form_turn, "Sunday at 2pm", channel="sms")
    message = only_message(dispatcher)
    # The SMS channel numbers the two buttons after the text ("Reply 1 for ...").
    assert message["text"] == "We're closed then. The nearest open times are below."
    assert_sms_text(message["text"])
    assert titles(message) == ["Monday 15 June at 9 am", "Monday 15 June at 9:30 am"]


def ask_time(run_action, make_tracker, channel="rest", **slots):
    tracker = make_tracker(
        "", channel=channel, slots=slots, active_loop="booking_form", requested_slot="requested_time"
    )
    _, dispatcher = run_action(ActionAskRequestedTime(), tracker)
    return only_message(dispatcher)


def test_a_day_without_a_time_is_kept_and_the_time_question_names_it(form_turn, run_action, make_tracker):
    slots, dispatcher = time_turn(form_turn, "Thursday", [entity("Thursday", "DATE", "Thursday")])
    assert slots["requested_time"] is None
    assert slots["requested_day"] == THURSDAY.isoformat()
    assert slots["invalid_answers"] == 0  # a day is a good start, not a mistake
    assert dispatcher.messages == []  # the form's time question says the rest, once

    message = ask_time(run_action, make_tracker, requested_day=slots["requested_day"])
    assert message["text"] == ("What time on Thursday 11 June would suit you? The first open times are below.")
    assert titles(message) == ["Thursday 11 June at 9 am", "Thursday 11 June at 9:30 am", "Thursday 11 June at 10 am"]

    slots, dispatcher = time_turn(
        form_turn, "4pm", [entity("4pm", "TIME", "4pm")], requested_day=slots["requested_day"]
    )
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 11, 16, 0, tzinfo=PRACTICE_TZ)
    assert slots["requested_day"] is None
    assert dispatcher.messages == []


def test_a_bare_hour_answers_the_time_question_for_the_day_given(form_turn):
    slots, _ = time_turn(form_turn, "10", requested_day="2026-06-13 morning")
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 13, 10, 0, tzinfo=PRACTICE_TZ)


def test_a_day_and_part_of_the_day_are_said_once(form_turn, run_action, make_tracker):
    slots, _ = time_turn(form_turn, "sat morning")
    assert slots["requested_day"] == "2026-06-13 morning"
    message = ask_time(run_action, make_tracker, requested_day=slots["requested_day"])
    assert message["text"].startswith("What time on Saturday morning (13 June) would suit you?")
    # Saturday opens at 10: the morning's first open times.
    assert titles(message) == [
        "Saturday 13 June at 10 am",
        "Saturday 13 June at 10:30 am",
        "Saturday 13 June at 11 am",
    ]
    slots, _ = time_turn(form_turn, "any is fine", requested_day=slots["requested_day"])
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 13, 10, 0, tzinfo=PRACTICE_TZ)


def test_next_week_sometime_asks_which_day_next_week(form_turn, run_action, make_tracker):
    slots, dispatcher = time_turn(form_turn, "next week sometime")
    assert slots["requested_day"] == "week 2026-06-15" and slots["requested_time"] is None
    assert dispatcher.messages == []
    message = ask_time(run_action, make_tracker, requested_day=slots["requested_day"])
    assert message["text"].startswith("Which day and time next week would suit you?")
    assert titles(message)[0] == "Monday 15 June at 9 am"
    # A plain weekday is then read inside that week.
    slots, _ = time_turn(form_turn, "wednesday at 2", requested_day="week 2026-06-15")
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 17, 14, 0, tzinfo=PRACTICE_TZ)


def test_the_time_question_after_a_refusal_is_short(run_action, make_tracker):
    message = ask_time(run_action, make_tracker, invalid_answers=1)
    assert message["text"] == "Which other day and time would suit you?"


def test_sms_time_question_names_the_day_and_is_short(run_action, make_tracker):
    message = ask_time(run_action, make_tracker, channel="sms", requested_day=THURSDAY.isoformat())
    assert message["text"] == "What time on Thursday 11 June?"
    assert_sms_text(message["text"])
    assert len(message["buttons"]) == 2


def test_a_new_day_replaces_the_remembered_one(form_turn):
    slots, _ = time_turn(form_turn, "Friday at 2pm", requested_day=THURSDAY.isoformat())
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 12, 14, 0, tzinfo=PRACTICE_TZ)


# -- session, glutes and note ------------------------------------------------------------------


def test_an_unknown_session_is_refused_with_the_list(form_turn):
    slots, dispatcher = form_turn(
        "the hot stone one",
        requested_slot="service",
        slots={k: READY[k] for k in ("client_name", "contact", "requested_time")},
    )
    assert slots["service"] is None
    assert slots["invalid_answers"] == 1
    # The session question follows with every session as a button; the refusal does not list them again.
    assert only_text(dispatcher) == "Sorry, I didn't recognise that session."


def test_the_service_button_payload_is_understood(form_turn, run_action, make_tracker):
    _, dispatcher = run_action(ActionAskService(), make_tracker("", requested_slot="service"))
    button = only_message(dispatcher)["buttons"][3]
    assert button["title"] == "60-minute prenatal massage ($100)"
    slots, _ = form_turn(
        button["payload"],
        requested_slot="service",
        slots={k: READY[k] for k in ("client_name", "contact", "requested_time")},
    )
    assert slots["service"] == "prenatal_60"


@pytest.mark.parametrize("answer, duration", [("60-minute massage", "60-minute"), ("an hour please", "an hour")])
def test_a_session_length_is_not_read_as_the_time(form_turn, answer, duration):
    # spaCy tags "60-minute" and "an hour" as TIME; the accepted time must stay.
    slots, dispatcher = form_turn(
        answer,
        entities=[entity(answer, "TIME", duration)],
        requested_slot="service",
        slots={k: READY[k] for k in ("client_name", "contact", "requested_time")},
    )
    assert "requested_time" not in slots
    assert not any("90 days" in (m.get("text") or "") for m in dispatcher.messages)


def test_sms_service_question_is_compact(run_action, make_tracker):
    _, dispatcher = run_action(ActionAskService(), make_tracker("", channel="sms"))
    message = only_message(dispatcher)
    assert message["text"] == "Which session?"
    assert titles(message) == ["60 min $95", "90 min $135", "30 min $60", "60 min prenatal $100"]


@pytest.mark.parametrize(
    "text,intent,expected",
    [
        ("yes", "affirm", True),
        ("no thanks", "deny", False),
        ("skip the glutes", "inform", False),
    ],
)
def test_glute_answers(form_turn, text, intent, expected):
    slots, _ = form_turn(
        text,
        intent,
        requested_slot="include_glutes",
        slots={k: READY[k] for k in ("client_name", "contact", "requested_time", "service")},
    )
    assert slots["include_glutes"] is expected


@pytest.mark.parametrize(
    "text,intent,expected",
    [
        ("no", "deny", "none"),
        ("nothing", "inform", "none"),
        ("no thanks", "inform", "none"),
        ("my left hip is sore", "inform", "my left hip is sore"),
    ],
)
def test_note_answers(form_turn, text, intent, expected):
    slots, _ = form_turn(
        text, intent, requested_slot="booking_note", slots={k: v for k, v in READY.items() if k != "booking_note"}
    )
    assert slots["booking_note"] == expected


# -- the summary ------------------------------------------------------------------------------


def test_summary_lists_every_detail_with_the_price(run_action, make_tracker):
    _, dispatcher = run_action(
        ActionAskBookingConfirmed(), make_tracker("", slots=READY, requested_slot="booking_confirmed")
    )
    message = only_message(dispatcher)
    assert message["text"] == (
        "Here's your booking request:\n- Name: Jane Doe\n- Contact: +14155550142\n"
        "- When: Tuesday 16 June at 3 pm\n- Session: 60-minute massage ($95)\n- Glutes: yes\n"
        "- Note: tight left hip\nShall I send it to the team?"
    )
    assert payloads(message) == ["/affirm", "/deny", "/stop"]


def test_sms_summary_is_one_short_line(run_action, make_tracker):
    _, dispatcher = run_action(ActionAskBookingConfirmed(), make_tracker("", slots=READY, channel="sms"))
    text = only_text(dispatcher)
    assert text == (
        "Please check: Jane Doe, +14155550142, Tuesday 16 June at 3 pm, 60-minute massage, with glutes. "
        "Send this request?"
    )
    assert_sms_text(text)


def test_yes_at_the_summary_confirms(form_turn):
    slots, _ = form_turn("yes please", "affirm", requested_slot="booking_confirmed", slots=READY)
    assert slots["booking_confirmed"] is True
    assert slots["invalid_answers"] == 0


def test_no_at_the_summary_asks_what_to_change(form_turn, run_action, make_tracker):
    slots, _ = form_turn("no", "deny", requested_slot="booking_confirmed", slots=READY)
    assert slots["booking_confirmed"] is None  # the form asks again after the change
    assert slots["change_requested"] is True

    events, dispatcher = run_action(ActionAskBookingConfirmed(), make_tracker("no", "deny", slots={**READY, **slots}))
    assert only_message(dispatcher)["response"] == "utter_what_to_change"
    assert slot_values(events) == {"change_requested": None}


def test_change_the_time_forgets_only_the_time(form_turn, make_tracker, domain):
    slots, _ = form_turn("can I change the time?", "inform", requested_slot="booking_confirmed", slots=READY)
    assert slots["requested_time"] is None
    assert slots["booking_confirmed"] is None
    assert "client_name" not in slots and "service" not in slots
    # The form's next question is the time again.
    after = {**READY, **slots}
    missing = [s for s in required_slots(domain, make_tracker("", slots=after)) if after.get(s) is None]
    assert missing[0] == "requested_time"


def test_change_my_number_forgets_the_contact(form_turn):
    slots, _ = form_turn("change my number", "inform", requested_slot="booking_confirmed", slots=READY)
    assert slots["contact"] is None
    assert "requested_time" not in slots


def test_a_new_time_at_the_summary_replaces_the_old_one(form_turn):
    text = "make it Friday at 2pm instead"
    entities = [entity(text, "DATE", "Friday"), entity(text, "TIME", "2pm")]
    slots, _ = form_turn(text, "inform", entities, requested_slot="booking_confirmed", slots=READY)
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 12, 14, 0, tzinfo=PRACTICE_TZ)
    assert slots["booking_confirmed"] is None  # the new summary must be confirmed


# -- finishing ----------------------------------------------------------------------------------


def test_finish_stores_the_request_before_replying_with_its_reference(
    run_action, make_tracker, request_store, staff_notifications
):
    dispatcher = StoreWatchingDispatcher(request_store)
    events, _ = run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED), dispatcher)

    (saved,) = request_store.list_requests(kind="booking")
    assert dispatcher.stored_when_replying == [[saved.reference]]
    text = only_text(dispatcher)
    assert REFERENCE.search(text).group() == saved.reference
    assert text.startswith(f"Thank you, Jane Doe! Your request is in (reference {saved.reference}).")
    assert "We'll confirm Tuesday 16 June at 3 pm with you soon." in text
    assert "If it's urgent" not in text

    assert saved.name == "Jane Doe"
    assert saved.phone == "+14155550142" and saved.email is None
    assert saved.requested_start == NEXT_TUESDAY_3PM
    assert saved.service_key == "massage_60"
    assert saved.include_glutes is True
    assert saved.note == "tight left hip"
    assert saved.prenatal_flag is False
    assert saved.channel == "rest"
    assert saved.sender_id == "web-visitor-1"

    log = staff_notifications.log_text()
    assert f"New booking request {saved.reference}" in log
    assert "When: Tuesday 16 June at 3 pm" in log

    values = slot_values(events)
    assert all(values[slot] is None for slot in BOOKING_SLOTS if slot != "invalid_answers")
    assert values["invalid_answers"] == 0


def test_an_email_contact_is_stored_as_email_and_no_note_as_empty(run_action, make_tracker, request_store):
    slots = {**CONFIRMED, "contact": "jane@example.com", "booking_note": "none"}
    run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=slots))
    (saved,) = request_store.list_requests()
    assert saved.email == "jane@example.com" and saved.phone is None
    assert saved.note == ""


@pytest.mark.parametrize(
    "earlier",
    [
        user_event("is it safe while pregnant?", "pregnancy"),
        user_event("I'm in my second trimester, can I book?", "book_appointment"),
    ],
)
def test_pregnancy_mentioned_earlier_flags_the_request_prenatal(run_action, make_tracker, request_store, earlier):
    history = [earlier, bot_event("Yes, many clients find it helps.")]
    _, dispatcher = run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED, history=history))
    (saved,) = request_store.list_requests()
    assert saved.prenatal_flag is True
    assert "We'll match you with a therapist trained in prenatal massage." in only_text(dispatcher)


def test_no_pregnancy_mention_means_no_prenatal_flag(run_action, make_tracker, request_store):
    history = [user_event("why glutes?", "why_glutes"), bot_event("Your glutes work with every step.")]
    _, dispatcher = run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED, history=history))
    assert request_store.list_requests()[0].prenatal_flag is False
    assert "prenatal" not in only_text(dispatcher)


def test_sms_confirmation_is_short_plain_text(run_action, make_tracker, request_store):
    history = [user_event("pregnant ok?", "pregnancy", channel="sms")]
    _, dispatcher = run_action(
        ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED, channel="sms", history=history)
    )
    text = only_text(dispatcher)
    reference = request_store.list_requests()[0].reference
    assert text.startswith(f"Thanks Jane Doe! Request received, ref {reference}.")
    assert_sms_text(text)
    assert request_store.list_requests()[0].channel == "sms"


def test_database_down_spools_the_request_and_says_to_call_if_urgent(
    run_action, make_tracker, tmp_path, monkeypatch, staff_notifications
):
    monkeypatch.setenv(bot.requests.store.DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'no-such-folder' / 'requests.db'}")
    bot.requests.store._shared.clear()

    _, dispatcher = run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED))

    (spooled,) = RequestStore(spool_dir=tmp_path / "spool").spooled_requests()
    assert spooled.name == "Jane Doe"
    text = only_text(dispatcher)
    assert f"reference {spooled.reference}" in text
    assert "If it's urgent, please call us on +1 415 555 0100." in text
    assert f"New booking request {spooled.reference}" in staff_notifications.log_text()


def test_database_and_spool_both_failing_asks_the_client_to_call(
    run_action, make_tracker, tmp_path, monkeypatch, staff_notifications
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the spool folder should be")
    monkeypatch.setenv(bot.requests.store.DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'no-such-folder' / 'requests.db'}")
    monkeypatch.setenv(bot.requests.store.SPOOL_DIR_ENV, str(blocker / "spool"))
    bot.requests.store._shared.clear()

    _, dispatcher = run_action(ActionFinishBooking(), make_tracker("yes", "affirm", slots=CONFIRMED))

    text = only_text(dispatcher)
    assert text.startswith("I'm so sorry, I couldn't save your request just now. Please call us on +1 415 555 0100")
    assert not REFERENCE.search(text)
    assert staff_notifications.subjects == []  # nothing to tell staff about


def test_after_giving_up_finish_offers_a_person_and_stores_nothing(run_action, make_tracker, request_store):
    slots = {"client_name": "Jane", "invalid_answers": 3, "gave_up": True}
    _, dispatcher = run_action(ActionFinishBooking(), make_tracker("???", slots=slots))
    message = only_message(dispatcher)
    assert "https://riverside-massage.example/book" in message["text"]
    assert "+1 415 555 0100" in message["text"]
    assert payloads(message)[0] == "/talk_to_therapist"
    assert request_store.list_requests("all") == []


# -- opening and cancelling ------------------------------------------------------------------------


def test_intro_offers_online_booking_and_starts_clean(run_action, make_tracker, edit_profile):
    edit_profile(lambda raw: raw["booking"].update(online_url="https://example.com/our-calendar"))
    events, dispatcher = run_action(
        ActionBookingIntro(), make_tracker("book", "book_appointment", slots={**CONFIRMED, "gave_up": True})
    )
    assert "https://example.com/our-calendar" in only_text(dispatcher)
    values = slot_values(events)
    assert values["gave_up"] is None and values["client_name"] is None and values["invalid_answers"] == 0
