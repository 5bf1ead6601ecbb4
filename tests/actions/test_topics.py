"""action_answer_topic (questions asked mid-form) and the domain's list of actions."""
from __future__ import annotations

import inspect

import pytest
from rasa_sdk import Action

import actions.booking
import actions.fallback
import actions.handoff
import actions.language
import actions.practice
import actions.safety
import actions.topics
from actions.practice import ANSWERS
from actions.topics import ARTICLE_TOPICS, OTHER_RESPONSES, ActionAnswerTopic
from tests.actions.action_helpers import CLOSED_MOMENT, assert_sms_text, only_message

ACTION_MODULES = (
    actions.booking, actions.fallback, actions.handoff, actions.language, actions.practice, actions.safety, actions.topics,
)


@pytest.fixture
def answer_topic(make_tracker, run_action):
    def run(intent, text="a question", channel="rest"):
        tracker = make_tracker(text, intent, channel=channel, active_loop="booking_form", requested_slot="contact")
        events, dispatcher = run_action(ActionAnswerTopic(), tracker)
        assert events == []  # answering must not touch the form's slots
        return only_message(dispatcher)

    return run


@pytest.mark.parametrize("topic", sorted(ANSWERS))
def test_practice_topics_are_answered_from_the_profile_without_buttons(answer_topic, topic):
    message = answer_topic(topic)
    assert message["text"]
    assert message["buttons"] == []  # the form's own question comes next


def test_mid_form_price_answer_reflects_the_profile(answer_topic, edit_profile):
    edit_profile(lambda raw: raw["services"][1].update(price=140))
    assert "90-minute massage: $140" in answer_topic("pricing", "how much is 90 minutes?")["text"]


def test_mid_form_hours_answer_uses_the_pinned_clock(answer_topic, set_clock):
    set_clock(CLOSED_MOMENT)
    assert answer_topic("hours", "are you open now?")["text"].startswith("We're closed right now. We open tomorrow at 9 am.")


def test_mid_form_sms_answer_is_the_sms_variant(answer_topic):
    message = answer_topic("pricing", "prices?", channel="sms")
    assert message["text"] == "Prices: 60 min $95, 90 min $135, 30 min $60, 60 min $100."
    assert_sms_text(message["text"])
    assert message["buttons"] == []


@pytest.mark.parametrize("topic", ARTICLE_TOPICS + OTHER_RESPONSES)
def test_article_and_small_talk_topics_use_their_domain_response(answer_topic, domain, topic):
    message = answer_topic(topic)
    assert message["response"] == f"utter_{topic}"
    assert f"utter_{topic}" in domain["responses"]


@pytest.mark.parametrize("intent", ["greet", "book_appointment", "inform"])
def test_anything_else_gets_what_i_can_help_with(answer_topic, intent):
    assert answer_topic(intent)["response"] == "utter_what_can_you_do"


def test_every_article_topic_is_a_domain_intent(domain):
    assert set(ARTICLE_TOPICS) | set(ANSWERS) <= set(domain["intents"])


def custom_actions():
    found = {}
    for module in ACTION_MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__ and not inspect.isabstract(cls):
                try:
                    found[cls().name()] = cls
                except NotImplementedError:
                    continue  # a shared base class, not an action
    return found


def test_every_custom_action_is_declared_in_the_domain_and_back(domain):
    assert set(custom_actions()) == set(domain["actions"])


def test_every_response_an_action_names_exists(domain):
    named = {"utter_what_can_you_do", "utter_ask_rephrase", "utter_what_to_change"}
    named |= {f"utter_{topic}" for topic in ARTICLE_TOPICS + OTHER_RESPONSES}
    assert named <= set(domain["responses"])
