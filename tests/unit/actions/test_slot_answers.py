"""The question asked owns the answer: each slot's decision (actions/slot_answers.py)."""

from __future__ import annotations

import pytest

from actions.slot_answers import (
    BOOKING_FORM,
    CALLBACK_FORM,
    SLOT_RULES,
    Context,
    Outcome,
    Said,
    is_cancel,
    is_question,
    is_request,
    read_reply,
)
from bot.practice import clock
from bot.practice.profile import current_profile

ANSWER, WARNING, CANCEL, HANDOFF, QUESTION, BOUNDARY = (
    Outcome.ANSWER,
    Outcome.WARNING,
    Outcome.CANCEL,
    Outcome.HANDOFF,
    Outcome.QUESTION,
    Outcome.BOUNDARY,
)
GARDENING = (
    "I spent the whole weekend gardening, digging and kneeling, and my lower back and hips have been stiff and "
    "achy since, especially getting out of bed. Nothing sharp, just tight. Could they spend extra time there?"
)


def reply(slot, text, intent="inform", confidence=0.95, form=BOOKING_FORM, warning_sign=False):
    said = Said(text, intent, confidence, warning_sign)
    return read_reply(slot, form, said, Context(current_profile(), clock.now()))


# (slot, message, intent, confidence, form) -> outcome, the answer read (None: nothing, ...: not checked)
CASES = [
    # A name is the answer, whatever the classifier thought of it.
    ("client_name", "Dana Kowalski", "stop", 0.9, BOOKING_FORM, ANSWER, "Dana Kowalski"),
    ("client_name", "Name's Dana Kowalski", "inform", 0.99, BOOKING_FORM, ANSWER, "Dana Kowalski"),
    ("client_name", "Oluwaseun Adeyemi", "goodbye", 0.48, BOOKING_FORM, ANSWER, "Oluwaseun Adeyemi"),
    ("client_name", "Jean-Luc Picard", "payment_insurance", 0.37, BOOKING_FORM, ANSWER, "Jean-Luc Picard"),
    ("client_name", "Nguyen Thi Mai", "other_language", 1.0, BOOKING_FORM, ANSWER, "Nguyen Thi Mai"),
    ("client_name", "qwe rty", "inappropriate_request", 0.37, BOOKING_FORM, ANSWER, None),
    # Cancel words cancel; a person, a question or a boundary interrupts.
    ("client_name", "cancel", "stop", 0.76, BOOKING_FORM, CANCEL, ...),
    ("client_name", "never mind, forget it", "stop", 0.9, CALLBACK_FORM, CANCEL, ...),
    ("client_name", "actually I don't want to book any more", "stop", 0.8, BOOKING_FORM, CANCEL, ...),
    ("client_name", "I'd rather talk to a real person", "talk_to_therapist", 0.9, BOOKING_FORM, HANDOFF, ...),
    ("client_name", "how much is a massage?", "pricing", 0.95, BOOKING_FORM, QUESTION, ...),
    ("client_name", "prices", "pricing", 0.95, BOOKING_FORM, QUESTION, ...),
    ("client_name", "what's the capital of peru?", "out_of_scope", 0.73, BOOKING_FORM, QUESTION, ...),
    ("client_name", "¿cuánto cuesta?", "other_language", 1.0, BOOKING_FORM, BOUNDARY, ...),
    ("client_name", "can the therapist be topless", "inappropriate_request", 1.0, BOOKING_FORM, BOUNDARY, ...),
    # In the callback form asking for a person is what is happening already.
    ("client_name", "just get someone to call me", "talk_to_therapist", 0.9, CALLBACK_FORM, ANSWER, None),
    # Contact.
    ("contact", "415 555 0142", "inform", 0.9, BOOKING_FORM, ANSWER, "+14155550142"),
    ("contact", "it's dana@example.com", "inform", 0.9, BOOKING_FORM, ANSWER, "dana@example.com"),
    ("contact", "where are you located?", "location_contact", 0.9, BOOKING_FORM, QUESTION, ...),
    ("contact", "stop", "stop", 0.95, BOOKING_FORM, CANCEL, ...),
    # Day and time.
    ("requested_time", "mon 10am", "inform", 0.99, BOOKING_FORM, ANSWER, "mon 10am"),
    ("requested_time", "after work", "aftercare_effects", 0.57, BOOKING_FORM, ANSWER, "after work"),
    ("requested_time", "sat morning", "hours", 0.13, BOOKING_FORM, ANSWER, "sat morning"),
    ("requested_time", "saturday?", "hours", 0.9, BOOKING_FORM, ANSWER, "saturday?"),
    ("requested_time", "what about saturday?", "hours", 0.9, BOOKING_FORM, ANSWER, ...),
    ("requested_time", "are you open on saturday?", "hours", 0.95, BOOKING_FORM, QUESTION, ...),
    # Session.
    ("service", "the pregnancy one", "pregnancy", 0.99, BOOKING_FORM, ANSWER, "prenatal_60"),
    ("service", "the normal hour-long one", "hours", 0.45, BOOKING_FORM, ANSWER, "massage_60"),
    ("service", "the regular hour", "hours", 0.34, BOOKING_FORM, ANSWER, "massage_60"),
    ("service", "30", "inform", 0.99, BOOKING_FORM, ANSWER, "massage_30"),
    ("service", "which one is best for sciatica?", "conditions_helped", 0.9, BOOKING_FORM, QUESTION, ...),
    # Yes or no.
    ("include_glutes", "yes please", "affirm", 0.9, BOOKING_FORM, ANSWER, True),
    ("include_glutes", "no thanks", "deny", 0.9, BOOKING_FORM, ANSWER, False),
    ("include_glutes", "skip them", "ask_for_glutes", 0.8, BOOKING_FORM, ANSWER, False),
    ("include_glutes", "\U0001f44d", "nlu_fallback", 0.3, BOOKING_FORM, ANSWER, True),
    ("include_glutes", "why would I want that?", "why_glutes", 0.9, BOOKING_FORM, QUESTION, ...),
    ("include_glutes", "do you know who won the world cup in 2018?", "out_of_scope", 0.37, BOOKING_FORM, QUESTION, ...),
    ("include_glutes", "is it any good?", "payment_insurance", 0.37, BOOKING_FORM, ANSWER, None),
    ("include_glutes", "why would I want my glutes done?", "why_glutes", 0.51, BOOKING_FORM, QUESTION, ...),
    ("include_glutes", "yse", "nlu_fallback", 1.0, BOOKING_FORM, ANSWER, True),  # a typo of yes
    ("include_glutes", "nop", "out_of_scope", 0.3, BOOKING_FORM, ANSWER, False),
    ("booking_confirmed", "yeh send it", "affirm", 0.5, BOOKING_FORM, ANSWER, True),
    ("booking_confirmed", "yes, send it", "affirm", 0.9, BOOKING_FORM, ANSWER, True),
    ("booking_confirmed", "/stop", "stop", 1.0, BOOKING_FORM, CANCEL, ...),
    ("booking_confirmed", "is parking free?", "location_contact", 0.9, BOOKING_FORM, QUESTION, ...),
    # A note is the note unless it is a clear question or a current warning sign.
    ("booking_note", "first time, please go gentle on pressure", "soreness_pain", 0.97, BOOKING_FORM, ANSWER, ...),
    ("booking_note", "my lower back is tight from desk work", "conditions_helped", 0.98, BOOKING_FORM, ANSWER, ...),
    ("booking_note", "could you go easy on my neck?", "technique", 0.9, BOOKING_FORM, ANSWER, ...),
    ("booking_note", GARDENING, "medical_red_flag", 0.85, BOOKING_FORM, ANSWER, GARDENING),
    ("booking_note", "no", "deny", 0.95, BOOKING_FORM, ANSWER, "none"),
    ("booking_note", "nothing, thanks", "thanks", 0.7, BOOKING_FORM, ANSWER, "none"),
    ("booking_note", "will it hurt?", "soreness_pain", 0.95, BOOKING_FORM, QUESTION, ...),
    ("booking_note", "asdfgh", "out_of_scope", 0.8, BOOKING_FORM, ANSWER, None),
    # Callback details.
    ("best_time", "after 5 tomorrow", "inform", 0.9, CALLBACK_FORM, ANSWER, "after 5 tomorrow"),
    ("best_time", "what are your hours?", "hours", 0.95, CALLBACK_FORM, QUESTION, ...),
    ("callback_question", "how much is a 90 minute massage?", "pricing", 0.99, CALLBACK_FORM, ANSWER, ...),
]


@pytest.mark.parametrize(
    "slot, text, intent, confidence, form, outcome, value", CASES, ids=[f"{c[0]}: {c[1][:30]}" for c in CASES]
)
def test_each_slot_decides_between_its_answer_and_an_interruption(slot, text, intent, confidence, form, outcome, value):
    got = reply(slot, text, intent, confidence, form)
    assert got.outcome is outcome
    if value is not ...:
        assert got.value == value


@pytest.mark.parametrize("slot", sorted(SLOT_RULES))
def test_a_current_warning_sign_always_leaves_the_question(slot):
    got = reply(slot, "my calf is swollen, red and hot", "medical_red_flag", 1.0, warning_sign=True)
    assert got.outcome is WARNING


@pytest.mark.parametrize("slot", ["client_name", "contact", "requested_time", "service", "include_glutes"])
def test_a_confident_warning_guess_with_no_answer_in_it_leaves_a_structured_question(slot):
    assert reply(slot, "I feel faint and dizzy", "medical_red_flag", 0.9).outcome is WARNING


def test_the_wording_helpers():
    assert is_question("how much is it") and is_question("parking?") and not is_question("Dana")
    assert is_request("could you go easy on my neck?") and not is_request("could you tell me the price?")
    assert is_cancel("never mind") and is_cancel("cancel the booking please") and is_cancel("/stop")
    assert not is_cancel("Dana Kowalski") and not is_cancel("please don't stop pressing on my calves")


@pytest.mark.parametrize(
    "text, intent, value",
    [
        ("the time", "hours", "change"),  # after "What would you like to change?": not an hours question
        ("actually make it Friday at 2pm", "inform", "change"),
        ("my number is wrong", "location_contact", "change"),
        ("yes but change the time", "affirm", "change"),
        ("no", "deny", False),
        ("yep", "affirm", True),
    ],
)
def test_at_the_summary_a_change_is_an_answer_not_a_question(text, intent, value):
    got = reply("booking_confirmed", text, intent, 0.9)
    assert got.outcome is ANSWER and got.value == value
