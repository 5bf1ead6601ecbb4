"""The practice's own questions through the trained pipeline: written into the profile,
understood at once (no retraining); everything else is understood as before."""

from __future__ import annotations

import shutil

import pytest

from bot.answers.own_questions import add_own_question
from bot.practice.profile import DEFAULT_PROFILE_PATH, PROFILE_ENV_VAR
from tests.model.test_heldout_accuracy import predict

QUESTIONS = {
    "Is there a shower I can use after my massage?": [
        "is there a shower I can use afterwards",  # the classifier is unsure
        "can I use a shower after my massage?",  # not understood
    ],
    "Can I bring my dog?": ["can I bring my dog"],  # confidently misread before: staff's words win
}
ASKED = [text for asked in QUESTIONS.values() for text in asked]
UNCHANGED = {
    "why glutes?": "why_glutes",
    "how much is a 60 minute massage": "pricing",
    "my calf is swollen red and hot": "medical_red_flag",
}


@pytest.fixture
def profile_with_a_question(tmp_path, monkeypatch):
    path = tmp_path / "profile.yml"
    shutil.copy(DEFAULT_PROFILE_PATH, path)
    monkeypatch.setenv(PROFILE_ENV_VAR, str(path))
    return path


def test_a_new_own_question_is_understood_without_retraining(trained_agent, profile_with_a_question):
    assert "own_question" not in predict(trained_agent, ASKED)
    for question in QUESTIONS:
        add_own_question(question, "Our answer.", "Our answer by text.", profile_with_a_question)
    assert predict(trained_agent, ASKED) == ["own_question"] * len(ASKED)
    assert predict(trained_agent, list(UNCHANGED)) == list(UNCHANGED.values())
