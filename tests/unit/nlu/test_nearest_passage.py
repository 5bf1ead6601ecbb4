"""Closest fixed text to a message, by sentence embedding, with the fixed texts embedded once."""

from __future__ import annotations

import pytest

from bot.nlu import nearest_passage as module
from bot.nlu.nearest_passage import PassageIndex, index_for, nearest_passage
from bot.nlu.sentence_encoder import get_encoder

# Written for this test: short passages in the style of the practice's article and profile.
PASSAGES = [
    "You are draped with a sheet the whole time; only the area being worked on is uncovered.",
    "Many clients keep their underwear on, and that is completely fine.",
    "Your glutes work with every step and link your upper and lower body.",
    "We are open Tuesday to Saturday, 9am to 7pm.",
    "A tennis ball against a wall is a simple way to work your glutes at home.",
]


class CountingEncoder:
    """The real encoder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.inner = get_encoder()
        self.texts_encoded = 0

    def encode(self, texts, batch_size: int = 32):
        self.texts_encoded += len(texts)
        return self.inner.encode(texts, batch_size)


@pytest.mark.parametrize(
    "message, expected",
    [
        ("will I be naked under the sheet?", 0),
        ("do I have to take my knickers off", 1),
        ("why do you work on the buttocks", 2),
        ("what time do you close on saturdays", 3),
        ("is there self-massage I can do at home", 4),
    ],
)
def test_finds_the_passage_that_answers_the_message(message, expected):
    match = nearest_passage(message, PASSAGES)
    assert (match.index, match.text) == (expected, PASSAGES[expected])
    assert -1.0 <= match.score <= 1.0


@pytest.mark.parametrize("message", ["who won the football last night", "can you recommend a good pizza place"])
def test_an_unrelated_message_scores_low_everywhere(message):
    # Callers need a floor: the nearest text is always returned, even when nothing fits.
    # (Fitting answers above score 0.35-0.7 here; measured question-to-passage scores
    # are modest, so a caller's floor belongs near 0.3, not 0.8.)
    assert nearest_passage(message, PASSAGES).score < 0.25


def test_score_is_the_cosine_of_the_two_sentence_vectors():
    message = "can I keep my underwear on"
    match = nearest_passage(message, PASSAGES)
    vectors = get_encoder().encode([message, match.text])
    assert match.score == pytest.approx(float(vectors[0] @ vectors[1]), abs=1e-5)


def test_fixed_texts_are_embedded_once_and_messages_each_time():
    encoder = CountingEncoder()
    index = PassageIndex(PASSAGES, encoder=encoder)
    assert encoder.texts_encoded == len(PASSAGES)
    index.nearest("how much for an hour?")
    index.nearest("is parking free?")
    assert encoder.texts_encoded == len(PASSAGES) + 2


def test_the_same_set_reuses_its_index_and_old_sets_are_dropped(monkeypatch):
    monkeypatch.setattr(module, "_indexes", type(module._indexes)())
    monkeypatch.setattr(module, "CACHED_SETS", 2)
    first = index_for(PASSAGES)
    assert index_for(list(PASSAGES)) is first
    index_for(PASSAGES[:2])
    index_for(PASSAGES[:3])
    assert index_for(PASSAGES) is not first


def test_ranked_is_sorted_and_complete():
    ranking = index_for(PASSAGES).ranked("what should I wear")
    scores = [match.score for match in ranking]
    assert sorted(match.index for match in ranking) == list(range(len(PASSAGES)))
    assert scores == sorted(scores, reverse=True)
    assert len(index_for(PASSAGES).ranked("what should I wear", limit=2)) == 2


def test_an_empty_set_is_refused():
    with pytest.raises(ValueError):
        PassageIndex([])
