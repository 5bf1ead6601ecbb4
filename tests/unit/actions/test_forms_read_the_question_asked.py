"""Both forms read a message as the answer to the question just asked, first.

Each test is a slip clients met in real conversations (issue 13), replayed on
the validation actions with tracker fixtures. An empty result means the form is
rejected and the rules take the message (cancel, safety, a person, a question).
"""

from __future__ import annotations

import datetime as dt

import pytest

from actions.booking_form import ValidateBookingForm
from actions.callback_form import ValidateCallbackForm
from tests.unit.actions.action_helpers import PRACTICE_TZ, entity, payloads, slot_values

GIVEN = {"client_name": "Dana Kowalski", "contact": "+14155550142"}
ALL_BUT_NOTE = {
    **GIVEN,
    "requested_time": dt.datetime(2026, 6, 15, 10, tzinfo=PRACTICE_TZ).isoformat(),
    "service": "massage_60",
    "include_glutes": True,
}
GARDENING = (
    "I spent the whole weekend gardening, digging and kneeling, and my lower back and hips have been stiff and "
    "achy since, especially getting out of bed. Nothing sharp, just tight. Could they spend extra time there?"
)


@pytest.fixture
def turn(make_tracker, run_action):
    """One client message while a form runs: (slot values set, dispatcher)."""

    def run(text, intent="inform", asked=None, slots=None, form="booking_form", confidence=0.95, **extra):
        validator = ValidateBookingForm() if form == "booking_form" else ValidateCallbackForm()
        tracker = make_tracker(
            text,
            intent,
            intent_ranking=[{"name": intent, "confidence": confidence}],
            requested_slot=asked,
            slots=slots,
            active_loop=form,
            **extra,
        )
        events, dispatcher = run_action(validator, tracker)
        return slot_values(events), dispatcher

    return run


# -- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["booking_form", "callback_form"])
def test_a_name_the_classifier_took_for_stop_is_the_name_not_a_cancel(turn, form):
    slots, dispatcher = turn("Dana Kowalski", "stop", asked="client_name", form=form, confidence=0.62)
    assert slots["client_name"] == "Dana Kowalski"  # filled: the form goes on, the stop rule never runs
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    "text, intent", [("cancel", "stop"), ("never mind", "stop"), ("forget it, I'll book later", "stop")]
)
def test_cancel_words_leave_the_form_to_the_cancel_rule(turn, text, intent):
    slots, _ = turn(text, intent, asked="client_name")
    assert slots == {}


def test_names_s_is_not_part_of_the_name(turn):
    text = "Name's Dana Kowalski"
    persons = [entity(text, "PERSON", "Name"), entity(text, "PERSON", "Dana Kowalski")]
    slots, _ = turn(text, asked="client_name", entities=persons)
    assert slots["client_name"] == "Dana Kowalski"


def test_a_name_that_sounded_like_goodbye_gets_no_goodbye(turn):
    slots, dispatcher = turn("Oluwaseun Adeyemi", "goodbye", asked="client_name", confidence=0.48)
    assert slots["client_name"] == "Oluwaseun Adeyemi" and dispatcher.messages == []


# -- notes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "note, intent",
    [
        ("first time, please go gentle on pressure", "soreness_pain"),
        ("I sit at a desk all day and my lower back is really tight", "conditions_helped"),
        ("could you go easy on my neck?", "technique"),
        (GARDENING, "medical_red_flag"),  # the classifier alone; no warning sign in it
    ],
)
def test_a_note_is_taken_as_the_note(turn, note, intent):
    slots, dispatcher = turn(note, intent, asked="booking_note", slots=ALL_BUT_NOTE, confidence=0.9)
    assert slots["booking_note"] == note
    assert dispatcher.messages == []


def test_a_note_describing_a_current_warning_sign_leaves_for_the_safety_answer(turn):
    text = "my calf has been swollen, red and hot since yesterday"
    flag = entity(text, "red_flag", "swollen, red and hot", "blood_clot")
    slots, _ = turn(text, "medical_red_flag", asked="booking_note", slots=ALL_BUT_NOTE, entities=[flag], confidence=1.0)
    assert slots == {}


def test_a_clear_question_at_the_note_is_answered_first(turn):
    slots, _ = turn("will it hurt?", "soreness_pain", asked="booking_note", slots=ALL_BUT_NOTE)
    assert slots == {}


def test_an_email_in_the_note_does_not_replace_the_phone(turn):
    note = "my partner (sam@example.com) may come along, and please call 415 555 0199 if late"
    slots, _ = turn(note, asked="booking_note", slots=ALL_BUT_NOTE)
    assert slots == {"booking_note": note, "invalid_answers": 0, "booking_confirmed": None}


# -- days, times and sessions ---------------------------------------------------------------


def test_mon_10am_on_a_wednesday_is_next_monday(turn):
    # spaCy found only "10am"; the whole answer is read.
    text = "mon 10am"
    slots, _ = turn(text, asked="requested_time", slots=GIVEN, entities=[entity(text, "TIME", "10am")])
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 15, 10, tzinfo=PRACTICE_TZ)


def test_tomorrow_at_11_is_said_once(turn):
    text = "tomorrow at 11"
    slots, _ = turn(text, asked="requested_time", slots=GIVEN, entities=[entity(text, "DATE", "tomorrow")])
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 11, 11, tzinfo=PRACTICE_TZ)


def test_a_day_in_the_opening_message_asks_nothing_yet(turn):
    # "can I come Thursday?" once got "What time on Thursday?" and the name question in one reply.
    slots, dispatcher = turn("can I come Thursday?", "book_appointment", asked=None, form="booking_form")
    assert slots["requested_day"] == "2026-06-11"
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    "text, intent, key",
    [
        ("the normal hour-long one", "hours", "massage_60"),
        ("the regular hour", "hours", "massage_60"),
        ("the long one", "inform", "massage_90"),
        ("the pregnancy one", "pregnancy", "prenatal_60"),
        ("30", "inform", "massage_30"),
    ],
)
def test_sessions_as_people_say_them(turn, text, intent, key):
    slots, _ = turn(text, intent, asked="service", slots={**GIVEN, "requested_time": ALL_BUT_NOTE["requested_time"]})
    assert slots["service"] == key


# -- bad input mid-form ---------------------------------------------------------------------

BAD_INPUT = [
    "\U0001f602\U0001f602\U0001f602",
    "asdfghjkl",
    "qwe rty",
    "<script>alert(1)</script>",
    "x" * 1000,  # the channel cuts 10,000 characters to 1,000
]


@pytest.mark.parametrize("asked", ["client_name", "contact", "requested_time", "service", "include_glutes"])
@pytest.mark.parametrize("text", BAD_INPUT, ids=["emoji", "key-mash", "split key-mash", "html", "long"])
def test_bad_input_gets_a_clear_reply_and_keeps_what_was_given(turn, asked, text):
    given = {k: v for k, v in ALL_BUT_NOTE.items() if k != asked}
    slots, dispatcher = turn(text, "nlu_fallback", asked=asked, slots=given, confidence=0.3)
    assert slots[asked] is None and slots["invalid_answers"] == 1
    assert not set(slots) & set(given)  # nothing already given is touched
    assert len(dispatcher.messages) == 1 and dispatcher.messages[0]["text"].startswith(("Sorry", "That"))


@pytest.mark.parametrize("text", BAD_INPUT[:4], ids=["emoji", "key-mash", "split key-mash", "html"])
def test_bad_input_at_the_note_is_not_taken_as_the_note(turn, text):
    slots, dispatcher = turn(text, "nlu_fallback", asked="booking_note", slots=ALL_BUT_NOTE, confidence=0.3)
    assert slots["booking_note"] is None and slots["invalid_answers"] == 1


def test_the_second_unusable_answer_in_a_row_offers_a_person(turn):
    _, first = turn("asdfgh", "nlu_fallback", asked="contact", slots={"client_name": "Dana"}, confidence=0.3)
    assert "/talk_to_therapist" not in payloads(first.messages[0])
    slots, second = turn(
        "qwerty", "nlu_fallback", asked="contact", slots={"client_name": "Dana", "invalid_answers": 1}, confidence=0.3
    )
    assert slots["invalid_answers"] == 2 and "gave_up" not in slots  # the form goes on
    assert "/talk_to_therapist" in payloads(second.messages[0])
    assert "I can ask a therapist to contact you" in second.messages[0]["text"]


def test_in_the_callback_form_the_second_unusable_answer_offers_the_phone(turn):
    _, dispatcher = turn(
        "asdfgh",
        "nlu_fallback",
        asked="contact",
        form="callback_form",
        slots={"client_name": "Dana", "invalid_answers": 1},
        confidence=0.3,
    )
    assert "+1 415 555 0100" in dispatcher.messages[0]["text"]


def test_asking_to_book_while_booking_just_asks_the_question_again(turn):
    slots, dispatcher = turn("I want to book a massage", "book_appointment", asked="contact", slots=GIVEN)
    assert slots == {"invalid_answers": 0}  # the form is not rejected (no restart), nothing refused
    assert dispatcher.messages == []


# -- the callback form -------------------------------------------------------------------------


def test_a_warning_sign_as_the_callback_question_gets_the_safety_answer_then_is_kept(turn):
    text = "sudden sharp pain down my leg since this morning"
    flag = entity(text, "red_flag", "sudden sharp pain", "severe_pain")
    common = dict(asked="callback_question", form="callback_form", slots=GIVEN, entities=[flag], confidence=1.0)
    slots, _ = turn(text, "medical_red_flag", **common)
    assert slots == {}  # first the rules give the safety answer
    slots, _ = turn(text, "medical_red_flag", latest_action_name="action_red_flag", **common)
    assert slots["callback_question"] == text  # then the form keeps it as what to talk about
