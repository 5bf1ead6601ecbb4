"""Both forms read a message as the answer to the question just asked, first.

Each test is a slip clients met in real conversations (issue 13), replayed on
the validation actions with tracker fixtures. An empty result means the form is
rejected and the rules take the message (cancel, safety, a person, a question).
"""

from __future__ import annotations

import datetime as dt

import pytest

from actions.booking_form import ActionFinishBooking, ValidateBookingForm
from actions.callback_form import ActionFinishCallback, ValidateCallbackForm
from tests.unit.actions.action_helpers import PRACTICE_TZ, action_event, entity, payloads, slot_values, user_event

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


def test_a_warning_sign_as_the_callback_question_gets_the_safety_answer_then_is_kept(turn, make_tracker, run_action):
    text = "sudden sharp pain down my leg since this morning"
    flag = entity(text, "red_flag", "sudden sharp pain", "severe_pain")
    common = dict(asked="callback_question", form="callback_form", slots=GIVEN, entities=[flag], confidence=1.0)
    slots, _ = turn(text, "medical_red_flag", **common)
    assert slots == {}  # first the rules give the safety answer
    # Then the form runs again; Rasa names the form as the latest action, the safety answer ran in between.
    tracker = make_tracker(
        text,
        "medical_red_flag",
        entities=[flag],
        slots=GIVEN,
        requested_slot="callback_question",
        active_loop="callback_form",
        latest_action_name="callback_form",
    )
    tracker.events.append(action_event("action_red_flag"))
    events, _ = run_action(ValidateCallbackForm(), tracker)
    assert slot_values(events)["callback_question"] == text  # kept as what to talk about


# -- cancelling, whatever the classifier made of it -----------------------------------------


@pytest.mark.parametrize(
    "text, intent, asked, form",
    [
        ("cancel, sorry, I changed my mind", "cancellation_policy", "requested_time", "booking_form"),
        ("actually, cancel that, I'll book another time", "cancellation_policy", "requested_time", "booking_form"),
        ("scratch that, I don't want to book anymore", "book_appointment", "service", "booking_form"),
        ("nvm dont book it", "book_appointment", "include_glutes", "booking_form"),
        ("forget it, no need to call me", "talk_to_therapist", "best_time", "callback_form"),
    ],
)
def test_cancel_words_classified_as_something_else_end_the_form_cancelled(turn, text, intent, asked, form):
    slots, dispatcher = turn(text, intent, asked=asked, slots=GIVEN, form=form, confidence=0.8)
    assert slots == {"cancelled": True, "requested_slot": None}  # the finishing action says it is cancelled
    assert dispatcher.messages == []


@pytest.mark.parametrize("finish", [ActionFinishBooking, ActionFinishCallback])
def test_a_cancelled_form_is_finished_with_the_cancel_reply_and_nothing_stored(
    finish, run_action, make_tracker, request_store
):
    events, dispatcher = run_action(finish(), make_tracker("cancel, sorry", slots={**GIVEN, "cancelled": True}))
    assert dispatcher.messages[0]["text"].startswith("Okay, I've cancelled that request. Nothing was sent.")
    assert request_store.list_requests("all") == []
    assert slot_values(events)["cancelled"] is None and slot_values(events)["client_name"] is None


# -- corrections ----------------------------------------------------------------------------

TUESDAY_10AM = dt.datetime(2026, 6, 16, 10, tzinfo=PRACTICE_TZ)


def test_a_new_hour_keeps_the_day_already_given(turn):
    history = [{"event": "slot", "timestamp": None, "name": "requested_time", "value": TUESDAY_10AM.isoformat()}]
    slots, _ = turn(
        "actually can we make it 3pm instead?",
        asked="booking_confirmed",
        slots={**ALL_BUT_NOTE, "requested_time": TUESDAY_10AM.isoformat(), "booking_note": "none"},
        history=history,
    )
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 16, 15, tzinfo=PRACTICE_TZ)


def test_a_new_day_keeps_the_hour_already_given(turn):
    history = [{"event": "slot", "timestamp": None, "name": "requested_time", "value": TUESDAY_10AM.isoformat()}]
    slots, _ = turn(
        "oh wait, I meant wednesday not tuesday. the 60 minute one please",
        asked="service",
        slots={**GIVEN, "requested_time": TUESDAY_10AM.isoformat()},
        history=history,
    )
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 17, 10, tzinfo=PRACTICE_TZ)
    assert slots["service"] == "massage_60"


@pytest.mark.parametrize(
    "note, glutes, kept",
    [
        ("actually, skip the glutes after all. nothing else to add", False, "none"),
        ("no glutes please, and go easy on my neck", False, "go easy on my neck"),
        ("oh and include glutes too", True, "none"),
    ],
)
def test_a_glutes_change_inside_the_note_changes_the_glutes(turn, note, glutes, kept):
    slots, _ = turn(note, asked="booking_note", slots={**ALL_BUT_NOTE, "include_glutes": not glutes})
    assert slots["include_glutes"] is glutes and slots["booking_note"] == kept


def test_glutes_merely_mentioned_in_a_note_change_nothing(turn):
    note = "no pain in my glutes, but my hamstrings are tight"
    slots, _ = turn(note, asked="booking_note", slots=ALL_BUT_NOTE)
    assert slots["booking_note"] == note and "include_glutes" not in slots


def test_the_name_should_be_at_the_summary_replaces_the_name(turn):
    slots, _ = turn(
        "oh, the name should be Katarzyna Nowak, not Kasia",
        asked="booking_confirmed",
        slots={**ALL_BUT_NOTE, "client_name": "Kasia", "booking_note": "none"},
    )
    assert slots["client_name"] == "Katarzyna Nowak" and slots["booking_confirmed"] is None


@pytest.mark.parametrize("answer", ["looks good", "yes, that's right", "all good, send it", "\U0001f44d"])
def test_plain_agreement_at_the_summary_confirms(turn, answer):
    slots, _ = turn(answer, "nlu_fallback", asked="booking_confirmed", slots={**ALL_BUT_NOTE, "booking_note": "none"})
    assert slots["booking_confirmed"] is True


# -- long notes: current warning signs only ----------------------------------------------------

HEALED = (
    "I broke my wrist skiing about three years ago. It's completely healed and I have no pain, but I'd rather "
    "you didn't lean on that wrist much."
)


def test_an_old_healed_injury_in_a_note_is_the_note(turn):
    flag = entity(HEALED, "red_flag", "broke my wrist", "surgery_injury")
    slots, _ = turn(
        HEALED, "medical_red_flag", asked="booking_note", slots=ALL_BUT_NOTE, entities=[flag], confidence=1.0
    )
    assert slots["booking_note"] == HEALED


def test_a_sign_happening_now_in_a_note_leaves_for_the_safety_answer_even_unmatched_by_the_patterns(turn):
    text = "I'm 30 weeks pregnant and I've had some bleeding and cramping since this morning"
    slots, _ = turn(text, "medical_red_flag", asked="booking_note", slots=ALL_BUT_NOTE, confidence=0.98)
    assert slots == {}


# -- the words behind "Did you mean booking a visit?" ---------------------------------------------


def test_yes_to_did_you_mean_booking_keeps_the_details_of_the_unclear_message(make_tracker, run_action):
    unclear = "bk 90min fri 3pm w glutes, name sam okafor"
    history = [user_event(unclear, "nlu_fallback"), user_event("/book_appointment", "book_appointment")]
    tracker = make_tracker("/book_appointment", "book_appointment", history=history, channel="sms")
    events, _ = run_action(ValidateBookingForm(), tracker)
    slots = slot_values(events)
    assert slots["client_name"] == "Sam Okafor" and slots["service"] == "massage_90"
    assert slots["include_glutes"] is True
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 12, 15, tzinfo=PRACTICE_TZ)


def test_details_given_outside_a_form_open_the_booking_with_them(make_tracker, run_action):
    # The classifier called it inform; the rule opens the booking form, which keeps every detail.
    text = "bk 90min fri 3pm w glutes, name sam okafor"
    events, dispatcher = run_action(ValidateBookingForm(), make_tracker(text, "inform", channel="sms"))
    slots = slot_values(events)
    assert slots["client_name"] == "Sam Okafor" and slots["service"] == "massage_90"
    assert slots["include_glutes"] is True and slots["contact"] == "+14155550199"  # the number they text from
    assert dt.datetime.fromisoformat(slots["requested_time"]) == dt.datetime(2026, 6, 12, 15, tzinfo=PRACTICE_TZ)
    assert dispatcher.messages == []
