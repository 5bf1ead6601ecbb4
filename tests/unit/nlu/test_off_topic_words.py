"""Topic guesses with no topic words behind them become the polite boundary (or unclear)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.off_topic_guard import OffTopicGuard
from bot.nlu.off_topic_words import (
    OUT_OF_SCOPE,
    UNCLEAR,
    Vocabulary,
    content_words,
    off_topic_intent,
    unclear_guess_off_topic,
)

EXAMPLES = [
    ("how will I be covered during the massage", "draping_coverage"),
    ("do I keep my underwear on", "underwear"),
    ("is massage okay while pregnant", "pregnancy"),
    ("how much is a 90 minute session", "pricing"),
    ("where do I park", "location_contact"),
    ("when in the session are the glutes worked", "when_in_session"),
    ("what's the capital of australia", "out_of_scope"),
    ("tell me a joke", "out_of_scope"),
    ("Dana Kowalski", "inform"),
]


@pytest.fixture(scope="module")
def vocabulary():
    return Vocabulary.from_examples(EXAMPLES)


@pytest.mark.parametrize(
    "text, guess, confidence, expected",
    [
        ("what currency do they use in japan?", "pregnancy", 0.74, OUT_OF_SCOPE),
        ("which river is the longest in the world?", "when_in_session", 0.6, OUT_OF_SCOPE),
        ("what's the capital of peru", "location_contact", 0.5, OUT_OF_SCOPE),  # "capital": only off-topic examples
        ("you know, the other one", "pricing", 0.31, UNCLEAR),  # not a question: unclear
        ("what's 17 times 23?", "inform", 0.44, OUT_OF_SCOPE),  # arithmetic, by rule
    ],
)
def test_unsupported_topic_guesses_are_turned(vocabulary, text, guess, confidence, expected):
    assert off_topic_intent(text, guess, confidence, vocabulary) == expected


@pytest.mark.parametrize(
    "text, guess, confidence",
    [
        ("will I be covered by a sheet?", "draping_coverage", 0.6),  # a topic word: the guess stands
        ("how much is a massage in tokyo", "pricing", 0.5),  # a practice word; "tokyo" says nothing either way
        ("is it weird if I moan a bit during it?", "draping_coverage", 0.6),  # words of their own, one of ours
        ("what currency do they use in japan?", "pregnancy", 0.95),  # the classifier is sure: not second-guessed
        ("qwerty", "inform", 0.5),  # not a topic answer: left to the rest of the pipeline
        ("/pricing", "pricing", 1.0),
    ],
)
def test_supported_or_certain_guesses_stand(vocabulary, text, guess, confidence):
    assert off_topic_intent(text, guess, confidence, vocabulary) is None


def test_content_words_drop_stop_words_and_stem():
    assert content_words("What are the muscles, and how's the stretching?") == ["muscl", "stretch"]


def test_the_component_overrides_the_intent(vocabulary):
    guard = OffTopicGuard(model_storage=None, resource=None, vocabulary=vocabulary)
    message = Message(data={"text": "what currency do they use in japan?"})
    message.set("intent", {"name": "pregnancy", "confidence": 0.74})
    message.set("intent_ranking", [{"name": "pregnancy", "confidence": 0.74}])
    guard.process([message])
    assert message.get("intent") == {"name": OUT_OF_SCOPE, "confidence": 1.0}


def test_the_vocabulary_survives_json(vocabulary):
    assert Vocabulary.from_json(vocabulary.as_json()) == vocabulary


def test_an_unsupported_guess_not_worded_as_a_question_is_unclear_with_nothing_to_suggest(vocabulary):
    guard = OffTopicGuard(model_storage=None, resource=None, vocabulary=vocabulary)
    message = Message(data={"text": "you know, the other one"})
    message.set("intent", {"name": "pricing", "confidence": 0.31})
    message.set("intent_ranking", [{"name": "pricing", "confidence": 0.31}, {"name": "hours", "confidence": 0.2}])
    guard.process([message])
    assert message.get("intent") == {"name": UNCLEAR, "confidence": 1.0}
    assert message.get("intent_ranking") == [message.get("intent")]


def test_an_unclear_message_whose_best_guess_is_off_topic_is_off_topic(vocabulary):
    ranking = [(UNCLEAR, 0.3), (OUT_OF_SCOPE, 0.25), ("payment_insurance", 0.2)]
    assert unclear_guess_off_topic("what currency do they use in japan?", ranking, vocabulary)
    assert not unclear_guess_off_topic("is the massage covered?", ranking, vocabulary)  # a practice word
    assert not unclear_guess_off_topic("japan currency", ranking, vocabulary)  # not a question: stays unclear
    assert not unclear_guess_off_topic("what currency?", [(UNCLEAR, 0.3), ("pricing", 0.28)], vocabulary)


def test_an_unclear_question_with_words_of_another_subject_is_off_topic_whatever_the_guess(vocabulary):
    ranking = [(UNCLEAR, 0.3), ("first_visit", 0.25), ("payment_insurance", 0.22)]
    assert unclear_guess_off_topic("what currency do they use in japan?", ranking, vocabulary)
    assert not unclear_guess_off_topic("what currency?", ranking, vocabulary)  # one word: too little to tell


@pytest.mark.parametrize(
    "text, guess, confidence",
    [
        ("the thing from before", "first_visit", 0.92),  # only pointing words: nothing to answer, however sure
        ("qwpoeiru", OUT_OF_SCOPE, 0.31),  # an unsure boundary for words no example uses
    ],
)
def test_messages_with_nothing_to_answer_are_unclear(vocabulary, text, guess, confidence):
    assert off_topic_intent(text, guess, confidence, vocabulary) == UNCLEAR


@pytest.mark.parametrize(
    "text, guess, confidence",
    [
        ("how much?", "pricing", 0.95),  # a question: the guess stands
        ("tell me a joke", OUT_OF_SCOPE, 0.4),  # words off-topic examples use: the boundary stands
        ("what's the weather like in lima", OUT_OF_SCOPE, 0.35),  # a question: the boundary stands
    ],
)
def test_questions_and_known_off_topic_words_keep_their_guess(vocabulary, text, guess, confidence):
    assert off_topic_intent(text, guess, confidence, vocabulary) is None
