"""Which training and test lines sit close in meaning to a real client question.

The development set (../shared/real_questions_dev.tsv) is for measuring only:
its questions must never be copied or reworded into data/nlu or tests/model.
`make eval` embeds every example there with the assistant's own sentence
encoder (MiniLM) and lists the lines whose cosine similarity to some dev
question reaches NEAR_THRESHOLD. It is a report, not a gate: short everyday
questions ("do I tip?") overlap naturally; a long, specific near-twin is the
thing to rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Sequence, Tuple

import numpy as np

# At 0.80 a line is mostly the same question in other words (in make eval's
# list, most pairs above it are); different questions on one topic sit lower.
NEAR_THRESHOLD = 0.80

Encode = Callable[[Sequence[str]], np.ndarray]  # texts -> unit-length row vectors


@dataclass(frozen=True)
class Line:
    """One example in the repository: where it is, its intent, its text."""

    source: str  # e.g. "data/nlu/practice.yml"
    intent: str
    text: str


@dataclass(frozen=True)
class NearPair:
    dev_id: str
    line: Line
    similarity: float


def near_pairs(
    lines: Sequence[Line],
    dev: Sequence[Tuple[str, str]],
    encode: Encode,
    threshold: float = NEAR_THRESHOLD,
) -> List[NearPair]:
    """Each line whose closest dev question (id, text) is at least `threshold` cosine away, closest first.

    One pair per line (its closest dev question), so the count is of repository
    lines, not of pairs.
    """
    if not lines or not dev:
        return []
    line_vectors = _unit(encode([line.text for line in lines]))
    dev_vectors = _unit(encode([text for _, text in dev]))
    similarity = line_vectors @ dev_vectors.T
    closest = similarity.argmax(axis=1)
    pairs = [
        NearPair(dev[int(j)][0], line, float(similarity[i, j]))
        for i, (line, j) in enumerate(zip(lines, closest))
        if similarity[i, j] >= threshold
    ]
    return sorted(pairs, key=lambda pair: (-pair.similarity, pair.dev_id, pair.line.text))


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def repository_lines(files: Sequence[Path], root: Path, load) -> List[Line]:
    """Every example of the NLU files, labelled with its path under `root`; `load` gives (intent, text) pairs."""
    lines: List[Line] = []
    for path in files:
        source = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        lines += [Line(source, intent, text) for intent, text in load(path)]
    return lines


def section(pairs: Sequence[NearPair], lines_checked: int, threshold: float = NEAR_THRESHOLD) -> List[str]:
    """The eval report's section: dev ids and repository lines, never the dev questions."""
    lines = [
        "## Repository lines close to a real question",
        "",
        f"{lines_checked} examples in `data/nlu/` and `tests/model/` embedded with the assistant's sentence "
        f"encoder; {len(pairs)} of them reach cosine {threshold:.2f} to some development question. A report, "
        "not a gate: short everyday questions overlap naturally, but a long, specific near-twin of a dev "
        "question should be rewritten (the dev set is for measuring only).",
    ]
    if not pairs:
        return lines
    lines += ["", "| dev id | cosine | file | intent | repository line |", "|---|---|---|---|---|"]
    lines += [
        f"| {pair.dev_id} | {pair.similarity:.2f} | {pair.line.source} | {pair.line.intent} | "
        f"{' '.join(pair.line.text.split()).replace('|', chr(92) + '|')} |"
        for pair in pairs
    ]
    return lines
