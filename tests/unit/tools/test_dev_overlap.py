"""tools/dev_overlap.py with a tiny fake encoder: which repository lines sit near a dev question."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tools.dev_overlap import Line, NearPair, near_pairs, repository_lines, section

# Each text's vector by hand; near_pairs scales them to unit length itself.
VECTORS = {
    "dev hours": [1.0, 0.0, 0.0],
    "dev price": [0.0, 1.0, 0.0],
    "open when": [10.0, 1.0, 0.0],  # cosine 0.995 to "dev hours"
    "cost of it": [0.0, 3.0, 2.0],  # cosine 0.83 to "dev price"
    "parking": [0.0, 0.0, 1.0],  # near nothing
    "halfway": [1.0, 1.0, 0.0],  # cosine 0.71 to both
}


def fake_encode(texts):
    return np.array([VECTORS[text] for text in texts], dtype=np.float32)


DEV = [("d1", "dev hours"), ("d2", "dev price")]


def line(text: str, intent: str = "x") -> Line:
    return Line("data/nlu/a.yml", intent, text)


def test_lines_at_or_above_the_threshold_pair_with_their_closest_dev_question_closest_first():
    lines = [line("parking"), line("cost of it", "pricing"), line("halfway"), line("open when", "hours")]
    pairs = near_pairs(lines, DEV, fake_encode, threshold=0.80)
    assert [(p.dev_id, p.line.text) for p in pairs] == [("d1", "open when"), ("d2", "cost of it")]
    assert abs(pairs[0].similarity - 10 / np.sqrt(101)) < 1e-5
    assert abs(pairs[1].similarity - 3 / np.sqrt(13)) < 1e-5


def test_the_threshold_decides_and_one_line_counts_once():
    lines = [line("halfway")]
    assert near_pairs(lines, DEV, fake_encode, threshold=0.72) == []
    pairs = near_pairs(lines, DEV, fake_encode, threshold=0.70)
    assert len(pairs) == 1  # near both dev questions, listed once, with the first closest


def test_nothing_to_compare_gives_no_pairs():
    assert near_pairs([], DEV, fake_encode) == []
    assert near_pairs([line("parking")], [], fake_encode) == []


def test_repository_lines_name_each_file_under_the_root(tmp_path: Path):
    first, second = tmp_path / "data" / "a.yml", tmp_path / "tests" / "b.yml"
    examples = {first: [("hours", "open when")], second: [("pricing", "cost of it"), ("parking", "parking")]}
    lines = repository_lines([first, second], tmp_path, lambda path: examples[path])
    assert lines == [
        Line("data/a.yml", "hours", "open when"),
        Line("tests/b.yml", "pricing", "cost of it"),
        Line("tests/b.yml", "parking", "parking"),
    ]


def test_the_section_lists_dev_ids_and_repository_lines_only():
    pairs = [NearPair("d7", Line("data/nlu/a.yml", "pricing", "how much | per hour"), 0.876)]
    text = "\n".join(section(pairs, 12))
    assert "12 examples" in text and "1 of them reach cosine 0.80" in text
    assert "| d7 | 0.88 | data/nlu/a.yml | pricing | how much \\| per hour |" in text
    assert "|" not in "\n".join(section([], 12))  # no table when nothing is near
