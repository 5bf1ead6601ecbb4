"""own_question replaces "not understood" (and an unsure guess) when the practice's own Q&A matches."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.answers.own_questions import add_own_question
from bot.nlu.own_question_detector import OwnQuestionDetector
from bot.practice.profile import DEFAULT_PROFILE_PATH, PROFILE_ENV_VAR


@pytest.fixture(autouse=True)
def profile_with_own_questions(tmp_path, monkeypatch):
    path = tmp_path / "profile.yml"
    path.write_text(DEFAULT_PROFILE_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    add_own_question("Do you sell gift vouchers for couples?", "Yes, couples too.", "Yes, couples too.", path)
    monkeypatch.setenv(PROFILE_ENV_VAR, str(path))


def message(text: str, name: str, confidence: float) -> Message:
    msg = Message(data={"text": text})
    msg.set("intent", {"name": name, "confidence": confidence})
    msg.set("intent_ranking", [{"name": name, "confidence": confidence}])
    return msg


def intent_after(text: str, name: str, confidence: float) -> str:
    [out] = OwnQuestionDetector().process([message(text, name, confidence)])
    return out.get("intent")["name"]


def test_not_understood_messages_that_match_get_own_question():
    assert intent_after("gift vouchers for a couple?", "nlu_fallback", 0.3) == "own_question"
    assert intent_after("do you do couple gift vouchers", "out_of_scope", 0.9) == "own_question"


def test_confident_topics_payloads_and_non_matches_are_left_alone():
    assert intent_after("how much are gift vouchers", "pricing", 0.8) == "pricing"
    # Word for word what staff wrote wins over a confident guess, but never over safety or a handoff.
    assert intent_after("do you sell gift vouchers for couples", "pricing", 0.98) == "own_question"
    assert intent_after("do you sell gift vouchers for couples", "medical_red_flag", 0.4) == "medical_red_flag"
    assert intent_after("do you sell gift vouchers for couples", "talk_to_therapist", 0.9) == "talk_to_therapist"
    assert intent_after("/pricing", "nlu_fallback", 0.3) == "nlu_fallback"
    assert intent_after("what's the weather", "nlu_fallback", 0.3) == "nlu_fallback"
    # An unsure guess gives way only to a clear match.
    assert intent_after("gift vouchers for couples?", "pricing", 0.4) == "own_question"
    assert intent_after("a gift for my couple of friends", "pricing", 0.4) == "pricing"


def test_a_broken_profile_changes_nothing(monkeypatch, tmp_path):
    monkeypatch.setenv(PROFILE_ENV_VAR, str(tmp_path / "missing.yml"))
    assert intent_after("gift vouchers for a couple?", "nlu_fallback", 0.3) == "nlu_fallback"


def test_a_question_in_other_words_is_matched_by_meaning():
    add_own_question("Do you have a lift to the second floor?", "Yes.", "Yes.", Path(os.environ[PROFILE_ENV_VAR]))
    assert intent_after("do you have an elevator", "nlu_fallback", 0.3) == "own_question"
    assert intent_after("what floor are you on", "nlu_fallback", 0.3) == "nlu_fallback"
