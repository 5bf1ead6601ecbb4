"""The closest answer the assistant has, for a message the classifier did not understand.

When Rasa predicts `nlu_fallback`, the assistant would rather answer with the
nearest thing it knows (an article answer or one of the practice's answers),
say plainly that it is the closest thing, and offer a person, than ask the
client to rephrase. This module decides whether something is close enough and
which passage it is; actions/closest_passage.py and actions/grounded_answer.py
use it.

Closeness is the cosine similarity of all-MiniLM-L6-v2 sentence vectors
(bot.nlu.nearest_passage). Which passage to show also weighs the classifier's
own, too-low, confidences: measured on the messages that today's model sends to
the fallback, its best guess was more often the accepted topic than the
passage nearest by meaning alone (dev set: 10 against 5 of 28), and the two
together did as well as the classifier's guess while keeping the choice among
passages that are close in meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Sequence

from bot.nlu.nearest_passage import index_for

# The similarity a passage needs before it is offered as the closest answer.
# Measured with `python -m tools.grounding_floor` (similarity alone, the search
# texts built here): of 30 clearly off-topic messages of our own (weather,
# football, tax, plumbers; tests/model/grounding.yml) 4 reach 0.30, 2 reach
# 0.35 and 1 reaches 0.40; of the held-out file's 13 off-topic questions 3, 1
# and 1; of 20 loosely worded relevant messages of our own 18, 18 and 16. 0.35
# keeps nearly every relevant message and nearly every off-topic one out. Below
# it nothing is relevant enough, and the two-stage fallback asks "did you mean
# ...?" as before.
SIMILARITY_FLOOR = 0.35

# How much the classifier's confidence in a topic adds to that topic's
# similarity when choosing among the passages above the floor (1.0: measured
# as good as 2.0 and better than 0.5 on the fallback messages of the dev set
# and the held-out file).
CLASSIFIER_WEIGHT = 1.0

# When the classifier's best guess is one of these, the two-stage fallback keeps
# the message: a possible warning sign must reach "did you mean a health
# concern?" and so the safety answer, a leaning-off-topic or boundary message
# must not get a passage, and a request (book, a person, an existing booking)
# is better confirmed than answered with a passage.
KEEP_ASKING = frozenset(
    {
        "medical_red_flag",
        "inappropriate_request",
        "out_of_scope",
        "other_language",
        "talk_to_therapist",
        "book_appointment",
        "booking_status",
        "cancel_booking",
        "move_booking",
        "running_late",
        "stop",
    }
)
FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Passage:
    key: str  # the topic it answers
    search_text: str  # what its similarity is measured against


@dataclass(frozen=True)
class Found:
    passage: Passage
    similarity: float


def search_text(did_you_mean: str, answer: str) -> str:
    """The topic in a few words, then its answer: scored better than either alone."""
    return f"{did_you_mean[:1].upper()}{did_you_mean[1:]}. {answer}"


def best_guess(intent_ranking: Sequence[Mapping]) -> Optional[str]:
    """The classifier's best guess other than the fallback itself."""
    return next((r.get("name") for r in intent_ranking if r.get("name") not in (None, FALLBACK_INTENT)), None)


def closest_passage(
    message: str, passages: Sequence[Passage], intent_ranking: Iterable[Mapping] = ()
) -> Optional[Found]:
    """The passage to answer `message` with, or None when nothing is close enough."""
    ranking = list(intent_ranking)
    if not message.strip() or message.startswith("/") or not passages:
        return None
    if best_guess(ranking) in KEEP_ASKING:
        return None
    confidence = {r.get("name"): float(r.get("confidence") or 0.0) for r in ranking}
    index = index_for([p.search_text for p in passages])
    close = [m for m in index.ranked(message) if m.score >= SIMILARITY_FLOOR]
    if not close:
        return None
    best = max(close, key=lambda m: m.score + CLASSIFIER_WEIGHT * confidence.get(passages[m.index].key, 0.0))
    return Found(passages[best.index], best.score)
