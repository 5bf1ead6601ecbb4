"""The Rasa featurizer puts the encoder's vector on each message as a dense sentence feature."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ACTION_NAME, FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.sentence_encoder import DIM, get_encoder
from bot.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer
from tests.unit.nlu.rasa_parts import build, storage_in, training_data


@pytest.fixture
def featurizer(tmp_path):
    return build(SentenceEmbeddingFeaturizer, storage_in(tmp_path), "sentence_embedding")


def test_registered_as_a_featurizer_that_needs_no_training():
    registered = DefaultV1Recipe._registered_components[SentenceEmbeddingFeaturizer.__name__]
    assert registered.types == {DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER}
    assert registered.is_trainable is False


def test_adds_the_encoders_vector_as_one_dense_sentence_feature(featurizer):
    texts = ["Do you take walk-ins on Sundays?", "my hip hurts when I sleep on my side"]
    messages = featurizer.process([Message(data={TEXT: text}) for text in texts])
    expected = get_encoder().encode(texts)
    for message, vector in zip(messages, expected):
        [sentence] = message.features  # one vector per text, no token vectors
        assert sentence.type == FEATURE_TYPE_SENTENCE and sentence.attribute == TEXT
        assert sentence.origin == "sentence_embedding" and not sentence.is_sparse()
        assert sentence.features.shape == (1, DIM)
        assert np.allclose(sentence.features[0], vector, atol=1e-6)


def test_messages_without_text_are_left_alone(featurizer):
    # The dialogue policies send intent and action names through the pipeline too.
    intent_only = Message(data={INTENT: "greet"})
    action_only = Message(data={ACTION_NAME: "utter_greet"})
    featurizer.process([intent_only, action_only])
    assert intent_only.features == [] and action_only.features == []


def test_training_data_gets_the_same_features_as_parsing(featurizer):
    data = training_data([("pricing", "how much is an hour"), ("hours", "are you open late on friday")])
    featurizer.process_training_data(data)
    parsed = featurizer.process([Message(data={TEXT: "how much is an hour"})])[0]
    trained = data.training_examples[0]
    # Equal up to float32 rounding: a batch of two sums in another order than a batch of one.
    assert np.allclose(trained.features[0].features, parsed.features[0].features, atol=1e-6)


def test_alias_names_the_features(tmp_path):
    featurizer = build(SentenceEmbeddingFeaturizer, storage_in(tmp_path), "node", {"alias": "minilm"})
    [message] = featurizer.process([Message(data={TEXT: "hello"})])
    assert [feature.origin for feature in message.features] == ["minilm"]


@pytest.mark.parametrize("config", [{"model": "some-other-model"}, {"batch_size": 0}])
def test_rejects_a_model_it_does_not_have_and_a_useless_batch_size(tmp_path, config):
    with pytest.raises(ValueError):
        build(SentenceEmbeddingFeaturizer, storage_in(tmp_path), "node", config)
