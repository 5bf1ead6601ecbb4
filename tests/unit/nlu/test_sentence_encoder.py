"""The numpy forward pass against all-MiniLM-L6-v2 as others computed it.

The reference numbers come from three implementations that share no code
with ours (none of them ships in a wheel here, so their published outputs are
written down below):

- ONNX: an R package's integration test runs the official ONNX export of
  all-MiniLM-L6-v2 in ONNX Runtime and checks it against sentence-transformers
  to 1e-6; it publishes the token ids and the first six vector components of
  four texts, one of them empty and one with accents, a dash and CJK.
- PyTorch: the sentence-transformers documentation's first example prints the
  cosine similarities of three sentences (4 decimals).
- PyTorch via the Deep Java Library: its Spark text-embedding example prints
  the first component of two sentences' vectors.

Then invariants that any correct encoder keeps (unit length, batching and
order do not change a vector, the 256-piece limit).
"""

from __future__ import annotations

import numpy as np
import pytest

from bot.nlu.sentence_encoder import DIM, MAX_TOKENS, SentenceEncoder, cosine, get_encoder

ONNX_TEXTS = ["This is an example sentence", "Each sentence is converted.", "", "Café déjà vu — 東京"]
ONNX_TOKEN_IDS = [
    [101, 2023, 2003, 2019, 2742, 6251, 102],
    [101, 2169, 6251, 2003, 4991, 1012, 102],
    [101, 102],
    [101, 7668, 2139, 3900, 24728, 1517, 1879, 1755, 102],
]
ONNX_PREFIXES = np.array(
    [
        [0.06765693, 0.06349593, 0.04871314, 0.07930495, 0.03744806, 0.00265273],
        [0.07853645, 0.08856265, -0.00209270, -0.00717247, -0.01252624, 0.01881747],
        [-0.11883835, 0.04829856, -0.00254805, -0.01101118, 0.05195070, 0.01029179],
        [0.05083271, 0.00967685, 0.09635572, -0.00997369, -0.01987603, 0.01692343],
    ]
)

SIMILARITY_TEXTS = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
SIMILARITIES = np.array(
    [
        [1.0000, 0.6660, 0.1046],
        [0.6660, 1.0000, 0.1411],
        [0.1046, 0.1411, 1.0000],
    ]
)

DJL_FIRST_COMPONENTS = {"This is an example sentence": 0.0676569, "Each sentence is converted": 0.08643859}


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return get_encoder()


def test_tokens_match_the_reference_tokenizer(encoder):
    assert [encoder.tokenizer.encode(text).ids for text in ONNX_TEXTS] == ONNX_TOKEN_IDS


def test_vectors_match_onnx_runtime(encoder):
    vectors = encoder.encode(ONNX_TEXTS)
    assert vectors.shape == (4, DIM) and vectors.dtype == np.float32
    # float32 arithmetic in a different order: agreement to a few 1e-7.
    assert np.abs(vectors[:, :6] - ONNX_PREFIXES).max() < 1e-6


def test_similarities_match_sentence_transformers(encoder):
    vectors = encoder.encode(SIMILARITY_TEXTS)
    assert np.abs(vectors @ vectors.T - SIMILARITIES).max() < 6e-5


def test_first_components_match_djl(encoder):
    for text, first in DJL_FIRST_COMPONENTS.items():
        assert encoder.encode_one(text)[0] == pytest.approx(first, abs=1e-6)


def test_vectors_have_unit_length(encoder):
    vectors = encoder.encode(["hi", "Can I keep my underwear on during the massage?", "", "!!!"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_batching_and_order_do_not_change_a_vector(encoder):
    texts = ["hi", "What should I wear to my first appointment?", "ok", "Do you take insurance or HSA cards?"]
    together = encoder.encode(texts)
    one_by_one = np.stack([encoder.encode_one(text) for text in texts])
    reversed_order = encoder.encode(texts[::-1])[::-1]
    small_batches = encoder.encode(texts, batch_size=1)
    # Padding a short text beside a long one must not move its vector.
    assert np.abs(together - one_by_one).max() < 1e-5
    assert np.abs(together - reversed_order).max() < 1e-5
    assert np.abs(together - small_batches).max() < 1e-5


def test_long_texts_are_cut_at_the_models_limit(encoder):
    long_text = "my lower back is sore after sitting all day " * 60
    assert encoder.token_count(long_text) == MAX_TOKENS
    longer = long_text + " and then something entirely different about parking downtown" * 20
    # Everything past the limit is ignored, as in training.
    assert np.abs(encoder.encode_one(long_text) - encoder.encode_one(longer)).max() < 1e-6


@pytest.mark.parametrize(
    "question, paraphrase, same_words",
    [
        ("Can I leave my knickers on?", "Do I have to take off my underwear?", "Can I leave my car in your lot?"),
        (
            "Is it safe while expecting a baby?",
            "Can I get a massage when I am pregnant?",
            "Is it safe to leave my bag in the room?",
        ),
        ("Will my muscles hurt tomorrow?", "How sore will I feel after the massage?", "Will you be open tomorrow?"),
    ],
)
def test_meaning_beats_shared_words(encoder, question, paraphrase, same_words):
    # The reason for the encoder: a paraphrase with few words in common is closer
    # than a different question that shares most of its words.
    vectors = encoder.encode([question, paraphrase, same_words])
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_empty_input_and_one_process_wide_encoder(encoder):
    assert encoder.encode([]).shape == (0, DIM)
    assert get_encoder() is encoder


def test_cosine_handles_unnormalised_and_zero_vectors():
    assert cosine(np.array([3.0, 0.0]), np.array([1.0, 0.0])) == pytest.approx(1.0)
    assert cosine(np.array([1.0, 0.0]), np.array([0.0, 2.0])) == pytest.approx(0.0)
    assert cosine(np.zeros(2), np.array([1.0, 0.0])) == 0.0


def test_short_messages_go_row_by_row_with_the_same_result():
    from bot.nlu.sentence_encoder import ROW_BY_ROW, _dense

    rng = np.random.default_rng(7)
    weight = rng.standard_normal((384, 1536), dtype=np.float32) * 0.05
    bias = rng.standard_normal(1536, dtype=np.float32)
    for rows in (1, 3, ROW_BY_ROW, ROW_BY_ROW + 1, 40):
        x = rng.standard_normal((rows, 384), dtype=np.float32)
        got = _dense(x, weight, bias)
        assert got.shape == (rows, 1536) and got.dtype == np.float32
        assert np.abs(got - (x @ weight + bias)).max() < 1e-5


def test_a_recent_single_text_is_embedded_once(encoder, monkeypatch):
    # The featurizer and the own-question matcher embed the same message in one parse.
    calls = []
    real = encoder._encode_ids
    monkeypatch.setattr(encoder, "_encode_ids", lambda batch: calls.append(len(batch)) or real(batch))
    text = "a sentence only this test embeds, twice over"
    first = encoder.encode([text])
    second = encoder.encode([text])
    assert calls == [1]
    np.testing.assert_array_equal(first, second)
    second[0, 0] = 99.0  # a caller changing its copy leaves the kept vector alone
    assert encoder.encode([text])[0, 0] == first[0, 0]
    encoder.encode([text, "and another"])  # batches are computed as always
    assert calls == [1, 2]
