"""action_own_question answers from the profile's own_questions, per channel."""

from __future__ import annotations

import pytest

from actions.answer_topic import ActionAnswerTopic
from actions.own_question import ActionOwnQuestion
from tests.unit.actions.action_helpers import only_message

QUESTION = {
    "question": "Is there a shower I can use afterwards?",
    "answer": "Yes, with fresh towels.",
    "sms": "Yes, towels too.",
}


@pytest.fixture
def with_question(edit_profile):
    edit_profile(lambda profile: profile.update(own_questions=[QUESTION]))


@pytest.mark.parametrize("channel, expected", [("socketio", QUESTION["answer"]), ("sms", QUESTION["sms"])])
def test_answers_with_the_channels_text(with_question, make_tracker, run_action, channel, expected):
    tracker = make_tracker("can I use a shower afterwards", "own_question", channel=channel)
    events, dispatcher = run_action(ActionOwnQuestion(), tracker)
    assert events == [] and only_message(dispatcher)["text"] == expected


def test_a_question_removed_meanwhile_asks_to_rephrase(make_tracker, run_action):
    _, dispatcher = run_action(ActionOwnQuestion(), make_tracker("can I use a shower afterwards", "own_question"))
    assert only_message(dispatcher)["response"] == "utter_ask_rephrase"


def test_mid_form_it_answers_without_buttons(with_question, make_tracker, run_action):
    _, dispatcher = run_action(ActionAnswerTopic(), make_tracker("a shower afterwards?", "own_question"))
    message = only_message(dispatcher)
    assert message["text"] == QUESTION["answer"] and not message.get("buttons")
