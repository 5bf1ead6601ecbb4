"""Ordinary messages are never sent to the safety answer.

tests/model/benign.yml holds 200+ everyday messages that mention bodies, aches,
sport, gardening, desk work and healthy pregnancies in passing: long booking
notes, "will I be sore after?". At most 1% of them may reach medical_red_flag
through the whole pipeline (classifier, fallback, pattern layer), and none may
get the sexual-boundary reply.
"""

from __future__ import annotations

from tests.measurements import REPORT_LINES
from tests.model.test_heldout_accuracy import load_examples, predict

BENIGN = "benign.yml"
RED_FLAG_FP_LIMIT = 0.01


def test_benign_set_is_large_enough():
    assert len(load_examples(BENIGN)) >= 200


def test_ordinary_messages_rarely_reach_the_safety_answer(trained_agent):
    examples = load_examples(BENIGN)
    predicted = predict(trained_agent, [text for _, text in examples])
    flagged = [text for (_, text), got in zip(examples, predicted) if got == "medical_red_flag"]
    boundary = [text for (_, text), got in zip(examples, predicted) if got == "inappropriate_request"]
    REPORT_LINES.append(f"benign messages sent to the safety answer: {len(flagged)}/{len(examples)}")
    assert len(flagged) <= RED_FLAG_FP_LIMIT * len(examples), f"safety answer on ordinary messages: {flagged}"
    assert not boundary, f"sexual-boundary reply on ordinary messages: {boundary}"
