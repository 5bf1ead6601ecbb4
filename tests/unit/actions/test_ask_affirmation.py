"""action_default_ask_affirmation: "Did you mean ...?" in plain words."""

from __future__ import annotations

import pytest

from actions.ask_affirmation import ActionDefaultAskAffirmation
from bot.topics import DID_YOU_MEAN
from tests.unit.actions.action_helpers import WEB_CHANNELS, only_message, payloads, titles

# Intents the fallback must never offer as a guess: they are not topics.
# Never offered as "Did you mean ...?": small talk, form answers, and the two boundaries.
NOT_TOPICS = (
    "nlu_fallback",
    "greet",
    "goodbye",
    "affirm",
    "deny",
    "thanks",
    "inform",
    "stop",
    "out_of_scope",
    "inappropriate_request",
    "other_language",
    "own_question",  # a stand-in for whichever of the practice's own questions matched
)


def ranking(*names):
    return [{"name": name, "confidence": round(0.4 - i * 0.05, 2)} for i, name in enumerate(names)]


@pytest.fixture
def ask_affirmation(make_tracker, run_action):
    def run(names, channel="rest", text="sheet thing?"):
        tracker = make_tracker(text, intent_ranking=ranking(*names), channel=channel)
        events, dispatcher = run_action(ActionDefaultAskAffirmation(), tracker)
        assert events == []
        return only_message(dispatcher)

    return run


@pytest.mark.parametrize("channel", WEB_CHANNELS)
def test_the_first_real_topic_in_the_ranking_is_offered_in_plain_words(ask_affirmation, channel):
    message = ask_affirmation(["nlu_fallback", "greet", "out_of_scope", "draping_coverage", "underwear"], channel)
    assert message["text"] == "Sorry, I want to be sure I understood. Did you mean how you'll be covered?"
    assert titles(message) == ["Yes", "No"]
    assert payloads(message) == ["/draping_coverage", "/out_of_scope"]


def test_the_ranking_order_decides_not_the_topic_list_order(ask_affirmation):
    message = ask_affirmation(["nlu_fallback", "pricing", "why_glutes"])
    assert message["text"].endswith("Did you mean prices?")
    assert payloads(message)[0] == "/pricing"


def test_sms_asks_more_briefly(ask_affirmation):
    message = ask_affirmation(["nlu_fallback", "pregnancy"], channel="sms")
    assert message["text"] == "Did you mean massage while pregnant?"
    assert message["text"].isascii()
    assert payloads(message) == ["/pregnancy", "/out_of_scope"]


@pytest.mark.parametrize("topic", sorted(DID_YOU_MEAN))
def test_every_question_hides_the_intent_name(ask_affirmation, topic):
    text = ask_affirmation(["nlu_fallback", topic])["text"]
    assert "_" not in text and "'" + topic + "'" not in text
    assert text.endswith(f"Did you mean {DID_YOU_MEAN[topic]}?")


def test_no_real_topic_in_the_ranking_asks_to_rephrase(ask_affirmation):
    message = ask_affirmation(["nlu_fallback", "greet", "out_of_scope"])
    assert message["response"] == "utter_ask_rephrase"
    assert message["text"] is None


def test_an_empty_ranking_asks_to_rephrase(make_tracker, run_action):
    _, dispatcher = run_action(ActionDefaultAskAffirmation(), make_tracker("??", intent_ranking=[]))
    assert only_message(dispatcher)["response"] == "utter_ask_rephrase"


def test_every_topic_question_is_a_domain_intent(domain):
    assert set(DID_YOU_MEAN) <= set(domain["intents"])


def test_every_topic_intent_has_a_plain_question(domain):
    topics = set(domain["intents"]) - set(NOT_TOPICS) - {"bot_challenge"}
    assert topics <= set(DID_YOU_MEAN), topics - set(DID_YOU_MEAN)


def test_the_rephrase_response_exists_in_the_domain(domain):
    assert "utter_ask_rephrase" in domain["responses"]
