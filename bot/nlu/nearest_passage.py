"""Which of a fixed set of texts (article passages, profile answers) is closest to a message.

The fixed texts are embedded once and kept: a set of passages is usually the
same on every call, so only the client's message is encoded per question.
Scores are cosine similarities of all-MiniLM-L6-v2 sentence vectors, from -1
to 1; the caller decides what score is close enough for its use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from bot.nlu.sentence_encoder import SentenceEncoder, get_encoder

# Distinct text sets kept embedded at once (the article's passages, the profile's
# answers, ...): a handful in practice; the oldest is dropped past this.
CACHED_SETS = 16


@dataclass(frozen=True)
class Match:
    index: int  # position in the texts given
    text: str
    score: float  # cosine similarity, -1..1


class PassageIndex:
    """A fixed list of texts with their sentence vectors, ready to be searched."""

    def __init__(self, texts: Sequence[str], encoder: Optional[SentenceEncoder] = None) -> None:
        self.texts: Tuple[str, ...] = tuple(texts)
        if not self.texts:
            raise ValueError("PassageIndex needs at least one text")
        self.encoder = encoder or get_encoder()
        self.vectors = self.encoder.encode(self.texts)

    def ranked(self, message: str, limit: Optional[int] = None) -> List[Match]:
        """The texts from closest to farthest (ties keep the given order)."""
        scores = self.vectors @ self.encoder.encode([message])[0]
        order = np.argsort(-scores, kind="stable")[:limit]
        return [Match(int(i), self.texts[i], float(scores[i])) for i in order]

    def nearest(self, message: str) -> Match:
        return self.ranked(message, limit=1)[0]


_indexes: OrderedDict[Tuple[str, ...], PassageIndex] = OrderedDict()
_indexes_lock = threading.Lock()


def index_for(texts: Sequence[str]) -> PassageIndex:
    """The shared index for this exact list of texts, embedded on first use."""
    key = tuple(texts)
    with _indexes_lock:
        index = _indexes.get(key)
        if index is not None:
            _indexes.move_to_end(key)
            return index
    index = PassageIndex(key)
    with _indexes_lock:
        _indexes[key] = index
        while len(_indexes) > CACHED_SETS:
            _indexes.popitem(last=False)
    return index


def nearest_passage(message: str, texts: Sequence[str]) -> Match:
    """The text in `texts` closest in meaning to `message`, with its cosine score."""
    return index_for(texts).nearest(message)
