"""action_answer_topic: questions asked mid-form."""

from __future__ import annotations

import pytest

from actions.answer_topic import ActionAnswerTopic
from bot import topics
from tests.unit.actions.action_helpers import CLOSED_MOMENT, assert_sms_text, only_message


@pytest.fixture
def answer_topic(make_tracker, run_action):
    def run(intent, text="a question", channel="rest"):
        tracker = make_tracker(text, intent, channel=channel, active_loop="booking_form", requested_slot="contact")
        events, dispatcher = run_action(ActionAnswerTopic(), tracker)
        assert events == []  # answering must not touch the form's slots
        return only_message(dispatcher)

    return run


@pytest.mark.parametrize("topic", topics.PRACTICE_TOPICS)
def test_practice_topics_are_answered_from_the_profile_without_buttons(answer_topic, topic):
    message = answer_topic(topic)
    assert message["text"]
    assert message["buttons"] == []  # the form's own question comes next


def test_mid_form_price_answer_reflects_the_profile(answer_topic, edit_profile):
    edit_profile(lambda raw: raw["services"][1].update(price=140))
    assert "90-minute massage: $140" in answer_topic("pricing", "how much is 90 minutes?")["text"]


def test_mid_form_hours_answer_uses_the_pinned_clock(answer_topic, pinned_clock):
    pinned_clock(CLOSED_MOMENT)
    assert answer_topic("hours", "are you open now?")["text"].startswith(
        "We're closed right now. We open tomorrow at 9 am."
    )


def test_mid_form_sms_answer_is_the_sms_variant(answer_topic):
    message = answer_topic("pricing", "prices?", channel="sms")
    assert message["text"] == "Prices: 60 min $95, 90 min $135, 30 min $60, 60 min prenatal $100."
    assert_sms_text(message["text"])
    assert message["buttons"] == []


@pytest.mark.parametrize("topic", [t.key for t in topics.TOPICS if t.response])
def test_article_and_small_talk_topics_use_their_domain_response(answer_topic, domain, topic):
    message = answer_topic(topic)
    assert message["response"] == f"utter_{topic}"
    assert f"utter_{topic}" in domain["responses"]


@pytest.mark.parametrize("intent", ["greet", "book_appointment", "inform"])
def test_anything_else_gets_what_i_can_help_with(answer_topic, intent):
    assert answer_topic(intent)["response"] == "utter_what_can_you_do"
