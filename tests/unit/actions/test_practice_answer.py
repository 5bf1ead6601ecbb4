"""action_practice_answer: answers about the practice, read from the profile at run time."""

from __future__ import annotations

import pytest

from actions.practice_answer import ANSWERS, ActionPracticeAnswer
from bot import topics
from bot.channels.sms import compose_sms_reply
from bot.channels.sms_text import sms_segments
from bot.practice import schedule
from bot.practice.profile import current_profile
from tests.unit.actions.action_helpers import (
    CLOSED_MOMENT,
    OPEN_MOMENT,
    WEB_CHANNELS,
    assert_sms_text,
    only_message,
    only_text,
    payloads,
)

PRACTICE_TOPICS = topics.PRACTICE_TOPICS

# Questions that pick each facet, plus plain ones, for the SMS checks.
QUESTIONS = (
    "",
    "where do I park?",
    "I'm running late",
    "I woke up sick",
    "do you take insurance?",
    "can I use my HSA card?",
    "do you sell gift cards?",
    "can I have a female therapist?",
    "I'd prefer a man",
    "I'm pregnant, who can see me?",
    "what should I wear?",
    "should I eat before?",
    "what do I need to bring?",
    "is there an intake form?",
    "can you come to my house?",
    "is it wheelchair accessible?",
    "what's your phone number?",
    "do you have package deals?",
    "are you open now?",
    "are you open on Saturday?",
    "what are your hours?",
)


@pytest.fixture
def ask(make_tracker, run_action):
    """ask(topic, text, channel="rest") -> the one message the action sent."""

    def run(topic, text="", channel="rest"):
        events, dispatcher = run_action(ActionPracticeAnswer(), make_tracker(text, topic, channel=channel))
        assert events == []
        return only_message(dispatcher)

    return run


def test_the_pinned_moments_are_inside_and_outside_opening_hours():
    profile = current_profile()
    assert schedule.is_open(profile, OPEN_MOMENT)
    assert not schedule.is_open(profile, CLOSED_MOMENT)


@pytest.mark.parametrize("topic", PRACTICE_TOPICS)
@pytest.mark.parametrize("channel", WEB_CHANNELS)
def test_every_practice_topic_gets_a_web_answer_with_next_steps(ask, topic, channel):
    message = ask(topic, channel=channel)
    assert message["text"]
    assert message["buttons"], "web answers offer what to do next"
    assert message["response"] is None  # built from the profile, not a fixed domain response


def test_pricing_lists_every_service_with_its_price_and_the_package(ask):
    text = ask("pricing", "how much is a massage?")["text"]
    assert "60-minute massage: $95" in text
    assert "90-minute massage: $135" in text
    assert "60-minute prenatal massage: $100" in text
    assert "Buy five 60-minute sessions for $425" in text


def test_a_changed_price_in_the_profile_changes_the_answer(ask, edit_profile):
    assert "$95" in ask("pricing", "prices?")["text"]

    edit_profile(lambda raw: raw["services"][0].update(price=110))
    text = ask("pricing", "prices?")["text"]
    assert "60-minute massage: $110" in text
    assert "$95" not in text


def test_parking_question_gets_the_parking_facet_first(ask):
    text = ask("location_contact", "Where do I park?")["text"]
    assert text.startswith("Free two-hour street parking on Alder")
    assert "120 Alder Street" in text
    assert "Apple Pay" not in text


def test_a_changed_parking_note_in_the_profile_changes_the_answer(ask, edit_profile):
    edit_profile(lambda raw: raw["address"].update(parking="Park free in the lot behind the building."))
    text = ask("location_contact", "is there parking?")["text"]
    assert text.startswith("Park free in the lot behind the building.")
    assert "Alder; a paid garage" not in text


def test_contact_question_gives_phone_text_and_email(ask, edit_profile):
    edit_profile(lambda raw: raw["contact"].update(phone="+1 503 555 0177"))
    text = ask("location_contact", "what's your phone number?")["text"]
    assert "Call us on +1 503 555 0177" in text
    assert "hello@riverside-massage.example" in text


def test_home_visit_question_gets_the_mobile_service_answer(ask):
    text = ask("location_contact", "can you come to my hotel?")["text"]
    assert text.startswith("We don't offer in-home or mobile massage")


def test_running_late_gets_the_late_arrival_policy_not_cancellation(ask):
    text = ask("cancellation_policy", "I'm running late, is that ok?")["text"]
    assert "your session still ends on time" in text
    assert "24 hours' notice" not in text


def test_a_changed_late_policy_in_the_profile_changes_the_answer(ask, edit_profile):
    edit_profile(
        lambda raw: raw["policies"].update(late_arrival="Late? Text us and we'll hold your slot for 15 minutes.")
    )
    text = ask("cancellation_policy", "I'm going to be late")["text"]
    assert text.startswith("Late? Text us and we'll hold your slot for 15 minutes.")


def test_sick_gets_the_illness_policy(ask):
    assert (
        "We never charge for cancelling because of illness" in ask("cancellation_policy", "I feel sick today")["text"]
    )


def test_plain_cancellation_question_gets_the_cancellation_policy(ask):
    text = ask("cancellation_policy", "how do I cancel?")["text"]
    assert text.startswith("Please give us 24 hours' notice")
    assert "+1 415 555 0100" in text


def test_insurance_question_gets_the_insurance_policy(ask):
    text = ask("payment_insurance", "Can I claim this on my insurance?")["text"]
    assert text == "We don't bill insurance directly. We give you a receipt to claim from your plan."


def test_a_changed_insurance_policy_in_the_profile_changes_the_answer(ask, edit_profile):
    edit_profile(lambda raw: raw["policies"].update(insurance="We bill most extended health plans directly."))
    assert ask("payment_insurance", "do you take insurance?")["text"] == "We bill most extended health plans directly."


def test_payment_question_lists_the_methods_in_plain_words(ask):
    text = ask("payment_insurance", "how can I pay?")["text"]
    assert text.startswith("We accept credit and debit cards, cash, Apple Pay and Google Pay.")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("can I use my HSA card?", "HSA and FSA cards are accepted."),
        ("do you sell gift cards?", "Gift cards are sold at the front desk and online, in any amount."),
    ],
)
def test_hsa_and_gift_card_facets(ask, text, expected):
    assert ask("payment_insurance", text)["text"] == expected


def test_female_therapist_request_names_only_the_female_therapists(ask):
    text = ask("therapist_preference", "Can I have a female therapist?")["text"]
    assert "Maya and Priya" in text
    assert "Daniel" not in text


def test_male_therapist_request_names_the_male_therapist(ask):
    text = ask("therapist_preference", "I'd rather see a man")["text"]
    assert "Daniel" in text
    assert "Maya" not in text and "Priya" not in text


def test_a_new_female_therapist_in_the_profile_is_offered(ask, edit_profile):
    edit_profile(lambda raw: raw["therapists"].append({"name": "Ana", "gender": "female", "specialties": ["sports"]}))
    text = ask("therapist_preference", "is there a woman therapist?")["text"]
    assert "Maya, Priya and Ana" in text


def test_pregnant_client_is_pointed_to_the_prenatal_therapists(ask):
    text = ask("therapist_preference", "I'm pregnant, who should I see?")["text"]
    assert "Maya and Priya are trained in prenatal massage" in text
    assert "Daniel" not in text


def test_general_therapist_question_lists_the_team_with_specialties(ask):
    text = ask("therapist_preference", "who are your therapists?")["text"]
    assert "Daniel (sports, deep tissue)" in text


@pytest.mark.parametrize(
    "text,profile_key",
    [
        ("what should I wear?", "what_to_wear"),
        ("should I eat before I come?", "eating"),
        ("what do I need to bring?", "what_to_bring"),
    ],
)
def test_first_visit_facets_come_from_the_profile(ask, text, profile_key):
    expected = current_profile().first_visit[profile_key]
    assert ask("first_visit", text)["text"] == expected


def test_first_visit_form_question_gives_arrival_time_and_form_link(ask):
    text = ask("first_visit", "is there an intake form?")["text"]
    assert text == (
        "Please arrive 10 minutes early to fill in a short health form "
        "(or do it online: https://riverside-massage.example/intake)."
    )


def test_tipping_and_etiquette_come_from_the_profile(ask, edit_profile):
    edit_profile(lambda raw: raw["policies"].update(tipping="We don't accept tips."))
    assert ask("tipping", "should I tip?")["text"] == "We don't accept tips."
    assert ask("session_etiquette", "is it ok to fall asleep?")["text"].startswith("Talk as much or as little")


WRITTEN = tuple(t for t in PRACTICE_TOPICS if t not in ANSWERS)  # answered from the profile's `answers:`
HEALTH_ANSWERS = ("contraindications", "aftercare_tips", "benefits")


@pytest.mark.parametrize("topic", WRITTEN)
def test_written_answers_come_from_the_profile(ask, edit_profile, topic):
    answer = current_profile().answers[topic]
    assert ask(topic, "a question")["text"] == answer.web
    assert ask(topic, "a question", channel="sms")["text"] == answer.sms
    edit_profile(lambda raw: raw["answers"][topic].update(web="Our own words.", sms="Short words."))
    assert ask(topic)["text"] == "Our own words."
    assert ask(topic, channel="sms")["text"] == "Short words."


@pytest.mark.parametrize("topic", WRITTEN)
def test_written_sms_answers_reach_the_client_whole_with_their_options(ask, topic):
    message = ask(topic, channel="sms")
    bodies, options = compose_sms_reply([message])
    assert len(bodies) == 1 and bodies[0].startswith(message["text"]), "the SMS answer was cut: shorten it"
    assert sms_segments(bodies[0]) <= 2 and len(options) == len(message["buttons"]) > 0


@pytest.mark.parametrize("topic", HEALTH_ANSWERS)
def test_health_answers_end_by_sending_the_client_to_their_doctor(ask, topic):
    for channel in ("rest", "sms"):
        assert ask(topic, channel=channel)["text"].lower().endswith("tell us, and check with your doctor.")


def test_the_services_answer_agrees_with_the_services_list(ask):
    web, sms = ask("services")["text"], ask("services", channel="sms")["text"]
    for service in current_profile().services:
        assert str(service.minutes) in web and str(service.minutes) in sms, service.name
    assert "prenatal" in web and "prenatal" in sms


def test_a_topic_the_practice_wrote_no_answer_for_goes_to_a_person(ask, edit_profile):
    edit_profile(lambda raw: raw["answers"].pop("frequency"))
    message = ask("frequency", "how often should I come?")
    assert "+1 415 555 0100" in message["text"] and "/talk_to_therapist" in payloads(message)


def test_hours_answer_uses_the_pinned_clock(ask, pinned_clock):
    assert ask("hours", "are you open now?")["text"].startswith("Yes, we're open right now, until 7 pm.")

    pinned_clock(CLOSED_MOMENT)
    assert ask("hours", "are you open now?")["text"].startswith("We're closed right now. We open tomorrow at 9 am.")


def test_hours_answer_offers_booking_rather_than_a_therapist(ask):
    assert payloads(ask("hours", "what are your hours?")) == ["/book_appointment", "/what_can_you_do"]


@pytest.mark.parametrize("topic", PRACTICE_TOPICS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_sms_variant_is_plain_ascii_within_two_segments(ask, topic, question):
    assert_sms_text(ask(topic, question, channel="sms")["text"])


@pytest.mark.parametrize("topic", PRACTICE_TOPICS)
def test_sms_variant_offers_fewer_options_than_web(ask, topic):
    assert len(ask(topic, channel="sms")["buttons"]) < len(ask(topic, channel="rest")["buttons"])


def test_sms_prices_are_a_compact_one_liner(ask):
    sms = ask("pricing", "prices?", channel="sms")["text"]
    assert sms == "Prices: 60 min $95, 90 min $135, 30 min $60, 60 min prenatal $100."
    assert "\n" in ask("pricing", "prices?")["text"]


def test_sms_first_visit_is_shorter_than_the_web_answer(ask):
    web = ask("first_visit", "first time, what happens?")["text"]
    sms = ask("first_visit", "first time, what happens?", channel="sms")["text"]
    assert sms.startswith("Please arrive 10 minutes early.")
    assert len(sms) < len(web)


def test_an_unknown_intent_gets_the_what_can_you_do_response(make_tracker, run_action):
    _, dispatcher = run_action(ActionPracticeAnswer(), make_tracker("hmm", "greet"))
    assert only_message(dispatcher)["response"] == "utter_what_can_you_do"


def test_nlu_fallback_on_top_answers_the_runner_up_topic(make_tracker, run_action):
    ranking = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "tipping", "confidence": 0.28}]
    tracker = make_tracker("tip?", "nlu_fallback", intent_ranking=ranking)
    _, dispatcher = run_action(ActionPracticeAnswer(), tracker)
    assert only_text(dispatcher).startswith("Tips are welcome")
