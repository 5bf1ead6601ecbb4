"""action_red_flag: warning signs get medical advice first, never an FAQ answer."""

from __future__ import annotations

import pytest

from actions.red_flag import WHAT_YOU_DESCRIBE, ActionRedFlag
from bot.nlu.red_flag_patterns import PATTERNS, URGENT_KINDS
from tests.unit.actions.action_helpers import CHANNELS, assert_sms_text, entity, only_message, payloads, slot_values

URGENT = sorted(URGENT_KINDS)
NOT_URGENT = sorted(set(WHAT_YOU_DESCRIBE) - URGENT_KINDS)


@pytest.fixture
def red_flag(make_tracker, run_action):
    """red_flag(text, kind=None, channel="rest") -> the one message sent.

    `kind` is the red_flag entity the NLU pipeline tagged; None leaves the
    action to find the warning sign in the text itself.
    """

    def run(text, kind=None, channel="rest"):
        entities = [entity(text, "red_flag", text, value=kind)] if kind else []
        tracker = make_tracker(text, "medical_red_flag", entities=entities, channel=channel)
        events, dispatcher = run_action(ActionRedFlag(), tracker)
        message = only_message(dispatcher)
        # Only the answer that offers a callback remembers it, so a plain "yes" then means "call me back".
        offers = "/talk_to_therapist" in payloads(message)
        assert slot_values(events) == ({"person_offered": True} if offers else {})
        return message

    return run


@pytest.mark.parametrize("kind", URGENT)
def test_urgent_signs_send_the_client_to_emergency_services_without_buttons(red_flag, kind):
    message = red_flag("something worrying", kind)
    text = message["text"]
    assert "please call 911 or go to the nearest emergency department now" in text
    assert "Please don't wait for a massage appointment" in text
    assert "call you back" not in text
    assert message["buttons"] == []  # nothing should distract from getting help


def test_chest_pain_is_named_in_plain_words(red_flag):
    text = red_flag("my chest feels tight", "chest_breathing")["text"]
    assert "Chest pain or trouble breathing needs medical help right away" in text


def test_pregnancy_warning_also_points_to_the_midwife(red_flag):
    text = red_flag("I'm 30 weeks and bleeding", "pregnancy_warning")["text"]
    assert "call your midwife or maternity unit" in text
    assert "911" in text


@pytest.mark.parametrize(
    "kind,subject",
    [
        ("blood_clot", "Signs that could mean a blood clot need medical help"),
        ("pregnancy_warning", "Those pregnancy symptoms need medical help"),
        ("urgent", "What you describe needs medical help"),
    ],
)
def test_urgent_wording_agrees_with_what_was_described(red_flag, kind, subject):
    assert subject in red_flag("help", kind)["text"]


@pytest.mark.parametrize("kind", NOT_URGENT)
def test_other_warning_signs_get_see_a_doctor_first_and_a_callback_offer(red_flag, kind):
    message = red_flag("something to check", kind)
    text = message["text"]
    assert f"With {WHAT_YOU_DESCRIBE[kind]}, please see a doctor before having any massage." in text
    assert "I can't give medical advice here" in text
    assert "911" not in text
    assert payloads(message) == ["/talk_to_therapist", "/what_can_you_do"]
    assert message["buttons"][0]["title"] == "Request a call back"


def test_the_emergency_number_comes_from_the_profile(red_flag, edit_profile):
    edit_profile(lambda raw: raw.update(emergency_number="112"))
    text = red_flag("I can't breathe properly", "chest_breathing")["text"]
    assert "please call 112 or go to the nearest emergency department" in text
    assert "911" not in text


def test_without_a_tagged_entity_the_warning_sign_is_found_in_the_text(red_flag):
    text = red_flag("my left calf is swollen and hot since the flight")["text"]
    assert "Signs that could mean a blood clot need medical help right away" in text


def test_a_non_urgent_sign_found_in_the_text_gets_the_doctor_answer(red_flag):
    message = red_flag("I've had numbness in my leg for a week")
    assert "With numbness or tingling, please see a doctor" in message["text"]
    assert "/talk_to_therapist" in payloads(message)


def test_when_no_sign_is_recognised_the_answer_stays_careful(red_flag):
    message = red_flag("is massage ok with my condition?")
    assert "please see a doctor before having any massage" in message["text"]
    assert "/talk_to_therapist" in payloads(message)


def test_the_entity_wins_over_the_text(red_flag):
    # The NLU pipeline tagged it; the action must not second-guess it.
    text = red_flag("my leg feels weird", "chest_breathing")["text"]
    assert text.count("Chest pain or trouble breathing") == 1


@pytest.mark.parametrize("kind", sorted(WHAT_YOU_DESCRIBE))
def test_sms_variants_are_plain_ascii_within_two_segments(red_flag, kind):
    message = red_flag("help", kind, channel="sms")
    assert_sms_text(message["text"])
    assert len(message["text"]) < len(red_flag("help", kind)["text"])


def test_sms_urgent_wording_keeps_the_emergency_number_and_midwife(red_flag):
    text = red_flag("bleeding at 30 weeks", "pregnancy_warning", channel="sms")["text"]
    assert text == (
        "This needs medical help now. Please call 911 or go to the nearest emergency department "
        "or call your midwife. Please don't wait for a massage."
    )


def test_sms_non_urgent_keeps_only_the_callback_option(red_flag):
    message = red_flag("numb toes", "numbness_tingling", channel="sms")
    assert "Want a therapist to call you back?" in message["text"]
    assert payloads(message) == ["/talk_to_therapist"]


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_channel_gets_an_answer_never_an_faq(red_flag, channel):
    message = red_flag("sudden severe pain in my hip", channel=channel)
    assert message["response"] is None
    assert "doctor" in message["text"] or "911" in message["text"]


def test_every_kind_the_patterns_find_is_described():
    assert set(PATTERNS) == set(WHAT_YOU_DESCRIBE)
