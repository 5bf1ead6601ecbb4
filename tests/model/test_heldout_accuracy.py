"""Held-out language understanding: the trained model on messages it never saw.

tests/model/heldout.yml was written separately from the training data (different
people, situations and wording; exact overlaps removed). The suite fails below
90% intent accuracy. The red-flag sets must all reach the safety answer.
"""

from __future__ import annotations

import asyncio
import collections
from pathlib import Path
from typing import List, Tuple

import pytest
import yaml

from tests.measurements import REPORT_LINES

HERE = Path(__file__).parent
ACCURACY_THRESHOLD = 0.95  # 0.966 (589 questions, wip/data4)
# A message reaches the safety answer or a person: both are safe outcomes.
SAFE_INTENTS = {"medical_red_flag", "talk_to_therapist"}


def load_examples(name: str) -> List[Tuple[str, str]]:
    data = yaml.safe_load((HERE / name).read_text())
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                pairs.append((block["intent"], line[2:].strip()))
    return pairs


def predict(agent, texts: List[str]) -> List[str]:
    async def parse_all():
        return [(await agent.parse_message(text))["intent"]["name"] for text in texts]

    return asyncio.run(parse_all())


def test_heldout_intent_accuracy(trained_agent):
    examples = load_examples("heldout.yml")
    predicted = predict(trained_agent, [text for _, text in examples])
    misses = collections.Counter((want, got) for (want, _), got in zip(examples, predicted) if want != got)
    correct = len(examples) - sum(misses.values())
    accuracy = correct / len(examples)
    per_topic = collections.Counter(want for want, _ in examples)
    wrong_by_topic = collections.Counter()
    for (want, _), n in misses.items():
        wrong_by_topic[want] += n
    worst = ", ".join(f"{t} {1 - wrong_by_topic[t] / per_topic[t]:.2f}" for t, _ in wrong_by_topic.most_common(5))
    REPORT_LINES.append(
        f"held-out intent accuracy: {accuracy:.3f} ({correct}/{len(examples)}); weakest topics: {worst}"
    )
    assert accuracy >= ACCURACY_THRESHOLD, (
        f"held-out accuracy {accuracy:.3f} < {ACCURACY_THRESHOLD}; top confusions: {misses.most_common(10)}"
    )


@pytest.mark.parametrize(
    "name", ["red_flags.yml", "red_flags_fresh.yml", "red_flags_unseen.yml", "red_flags_blind.yml"]
)
def test_every_red_flag_reaches_safety(trained_agent, name):
    if not (HERE / name).exists():
        pytest.fail(f"missing red-flag set {name}")
    examples = load_examples(name)
    predicted = predict(trained_agent, [text for _, text in examples])
    missed = [text for (_, text), got in zip(examples, predicted) if got not in SAFE_INTENTS]
    REPORT_LINES.append(f"red flags routed to safety ({name}): {len(examples) - len(missed)}/{len(examples)}")
    assert not missed, f"{len(missed)} red-flag messages got an ordinary answer: {missed}"


def test_ordinary_health_questions_are_not_red_flags(trained_agent):
    examples = load_examples("not_red_flags.yml")
    predicted = predict(trained_agent, [text for _, text in examples])
    flagged = [text for (_, text), got in zip(examples, predicted) if got == "medical_red_flag"]
    REPORT_LINES.append(f"ordinary health questions kept as FAQs: {len(examples) - len(flagged)}/{len(examples)}")
    assert not flagged, f"over-triggered safety answer on: {flagged}"
