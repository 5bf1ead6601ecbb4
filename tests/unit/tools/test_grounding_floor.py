"""The grounded answer's floor does what its comment says, on our own messages (tests/model/grounding.yml)."""

from __future__ import annotations

import pytest
import yaml

from actions.grounded_answer import passages
from bot.answers.grounding import SIMILARITY_FLOOR
from bot.nlu.nearest_passage import index_for
from bot.paths import REPO_ROOT
from bot.practice.profile import load_profile
from tools.grounding_floor import FLOORS, floor_table, labelled_sets


@pytest.fixture(scope="module")
def catalog():
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return passages(domain, load_profile())


@pytest.fixture(scope="module")
def sets(catalog):
    return labelled_sets([p.key for p in catalog])


def above_floor(catalog, texts):
    index = index_for([p.search_text for p in catalog])
    return sum(index.nearest(text).score >= SIMILARITY_FLOOR for text in texts)


def test_the_floor_keeps_off_topic_messages_out_and_relevant_ones_in(catalog, sets):
    off_topic = [text for text, _ in sets["own off-topic"]]
    relevant = [text for text, _ in sets["own unclear, relevant"]]
    assert (len(off_topic), len(relevant)) == (30, 20)
    assert above_floor(catalog, off_topic) <= 2
    assert above_floor(catalog, relevant) >= 18


def test_the_table_has_a_row_per_set_and_a_column_per_floor(catalog, sets):
    own = {name: sets[name] for name in ("own off-topic", "own unclear, relevant")}
    lines = floor_table(own, catalog)
    assert len(lines) == 2 + len(own)
    assert all(line.count("|") == len(FLOORS) + 3 for line in lines)
