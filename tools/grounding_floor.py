"""How close an answer must be before it is given as "the closest thing I know".

Prints, for candidate similarity floors, how many messages of each kind have an
answer at or above the floor (bot.answers.grounding, the passages the action
server builds):
- our own clearly off-topic messages and loosely worded relevant ones
  (tests/model/grounding.yml), and the held-out file's off-topic questions:
  the floor should keep the first out and let the second in;
- held-out and development-set questions on article and practice topics: how
  many reach a passage, and how often the passage nearest in meaning is one of
  their accepted topics (similarity alone, no classifier).
With `--model` (default models/assistant.tar.gz, when it exists) it also parses
the held-out file and the development set and, for the messages the model sends
to nlu_fallback, counts grounded answers at SIMILARITY_FLOOR and how many of
them are an accepted topic (similarity and the classifier's ranking together,
as the action chooses).

    .venv/bin/python -m tools.grounding_floor
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

from actions.grounded_answer import passages
from bot.answers.grounding import SIMILARITY_FLOOR, closest_passage
from bot.nlu.nearest_passage import index_for
from bot.paths import REPO_ROOT
from bot.practice.profile import load_profile
from tools.evaluate import HELDOUT, TEST_DIR, dev_set_path, load_dev_set, load_examples

FLOORS = (0.25, 0.30, 0.35, 0.40, 0.45, 0.50)
OWN = TEST_DIR / "grounding.yml"
Labelled = List[Tuple[str, Tuple[str, ...]]]  # (text, accepted topic keys)


def labelled_sets(keys: Sequence[str]) -> Dict[str, Labelled]:
    own = yaml.safe_load(OWN.read_text(encoding="utf-8"))
    heldout = load_examples(TEST_DIR / HELDOUT)
    sets: Dict[str, Labelled] = {
        "own off-topic": [(text, ()) for text in own["off_topic"]],
        "own unclear, relevant": [(text, ()) for text in own["unclear_relevant"]],
        "held-out off-topic": [(text, ()) for label, text in heldout if label == "out_of_scope"],
        "held-out on a passage topic": [(text, (label,)) for label, text in heldout if label in keys],
    }
    if dev_set_path().exists():
        rows = load_dev_set(dev_set_path())
        sets["dev set on a passage topic"] = [(r.text, r.accepted) for r in rows if set(r.accepted) & set(keys)]
    return sets


def floor_table(sets: Dict[str, Labelled], catalog) -> List[str]:
    index = index_for([p.search_text for p in catalog])
    lines = ["| messages | n | " + " | ".join(f">= {f:.2f}" for f in FLOORS) + " |", "|---|---|" + "---|" * len(FLOORS)]
    for name, items in sets.items():
        best = [index.nearest(text) for text, _ in items]
        cells = []
        for floor in FLOORS:
            above = [(m, accepted) for m, (_, accepted) in zip(best, items) if m.score >= floor]
            cell = f"{len(above)}"
            if items and items[0][1]:  # labelled: how often the nearest passage is an accepted topic
                right = sum(catalog[m.index].key in accepted for m, accepted in above)
                cell += f" ({right} right)"
            cells.append(cell)
        lines.append(f"| {name} | {len(items)} | " + " | ".join(cells) + " |")
    return lines


def fallback_lines(sets: Dict[str, Labelled], catalog, model: Path) -> List[str]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    lines = []
    for name, items in sets.items():
        if not items or not items[0][1]:
            continue

        async def parse_all(texts):
            return [await agent.parse_message(text) for text in texts]

        parses = asyncio.run(parse_all([text for text, _ in items]))
        unclear = [(item, p) for item, p in zip(items, parses) if p["intent"]["name"] == "nlu_fallback"]
        found = [(accepted, closest_passage(text, catalog, p["intent_ranking"])) for (text, accepted), p in unclear]
        given = [(accepted, f) for accepted, f in found if f is not None]
        right = sum(f.passage.key in accepted for accepted, f in given)
        lines.append(
            f"- {name}: {len(unclear)} of {len(items)} go to nlu_fallback; at floor {SIMILARITY_FLOOR} "
            f"{len(given)} get a grounded answer, {right} of them an accepted topic"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "models" / "assistant.tar.gz")
    args = parser.parse_args()
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    catalog = passages(domain, load_profile())
    sets = labelled_sets([p.key for p in catalog])
    print("\n".join(floor_table(sets, catalog)))
    if args.model.exists():
        print("\n".join(fallback_lines(sets, catalog, args.model)))
    else:
        print(f"(no model at {args.model}: fallback figures skipped)")


if __name__ == "__main__":
    main()
