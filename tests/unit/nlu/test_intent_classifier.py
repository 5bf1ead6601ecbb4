"""The logistic-regression intent classifier: trains on pipeline features, reloads, ranks, stays deterministic."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

from bot.nlu.intent_classifier import LogisticRegressionIntentClassifier
from tests.unit.nlu.rasa_parts import Featurizers, build, storage_in, training_data

# A toy training set written for these tests (three topics, a few ways each).
EXAMPLES = [
    ("pricing", "how much is a massage"),
    ("pricing", "what do you charge for an hour"),
    ("pricing", "price list please"),
    ("pricing", "is it expensive"),
    ("pricing", "cost of a 90 minute session"),
    ("underwear", "do I keep my underwear on"),
    ("underwear", "should I take my undies off"),
    ("underwear", "can I leave my briefs on"),
    ("underwear", "what about underwear during the massage"),
    ("underwear", "do I need to undress completely"),
    ("hours", "when are you open"),
    ("hours", "are you open on sunday"),
    ("hours", "what time do you close"),
    ("hours", "opening hours"),
    ("hours", "can I come in late in the evening"),
]


def trained(tmp_path, with_embedding=True, config=None):
    storage = storage_in(tmp_path)
    featurizers = Featurizers(storage, with_embedding=with_embedding)
    data = training_data(EXAMPLES)
    featurizers.train(data)
    classifier = build(LogisticRegressionIntentClassifier, storage, "classifier", config)
    classifier.train(data)
    return storage, featurizers, classifier


def predict(featurizers, classifier, texts):
    return classifier.process(featurizers.messages(texts))


def test_registered_as_a_trainable_intent_classifier():
    registered = DefaultV1Recipe._registered_components[LogisticRegressionIntentClassifier.__name__]
    assert registered.types == {DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER}
    assert registered.is_trainable is True


def test_recognises_new_wording_and_ranks_every_intent(tmp_path):
    _, featurizers, classifier = trained(tmp_path)
    messages = predict(featurizers, classifier, ["how pricey is it", "do my knickers stay on", "are you open saturday"])
    assert [m.get(INTENT)["name"] for m in messages] == ["pricing", "underwear", "hours"]
    for message in messages:
        ranking = message.get(INTENT_RANKING_KEY)
        confidences = [r["confidence"] for r in ranking]
        assert {r["name"] for r in ranking} == {"pricing", "underwear", "hours"}
        assert confidences == sorted(confidences, reverse=True)
        assert sum(confidences) == pytest.approx(1.0)
        assert message.get(INTENT) == ranking[0]


def test_reloaded_model_gives_the_same_probabilities(tmp_path):
    storage, featurizers, classifier = trained(tmp_path)
    config = {**LogisticRegressionIntentClassifier.get_default_config()}
    from rasa.engine.storage.resource import Resource

    from tests.unit.nlu.rasa_parts import context

    reloaded = LogisticRegressionIntentClassifier.load(config, storage, Resource("classifier"), context("classifier"))
    texts = ["how pricey is it", "underwear?", "late opening"]
    assert np.array_equal(
        classifier.predict_proba(featurizers.messages(texts)), reloaded.predict_proba(featurizers.messages(texts))
    )


def test_training_twice_gives_identical_weights(tmp_path):
    _, _, first = trained(tmp_path / "one")
    _, _, second = trained(tmp_path / "two")
    assert first.intents == second.intents
    assert np.array_equal(first.weights, second.weights) and np.array_equal(first.bias, second.bias)


def test_each_featurizer_is_a_block_and_counts_get_idf(tmp_path):
    _, _, classifier = trained(tmp_path)
    blocks = {block["origin"]: block for block in classifier.blocks}
    assert set(blocks) == {"counts", "embedding"}
    assert blocks["counts"]["sparse"] and blocks["counts"]["idf"].shape == (blocks["counts"]["width"],)
    assert not blocks["embedding"]["sparse"] and blocks["embedding"]["width"] == 384
    assert classifier.weights.shape == (sum(b["width"] for b in classifier.blocks), 3)


def test_featurizers_option_limits_the_features_used(tmp_path):
    _, featurizers, classifier = trained(tmp_path, config={"featurizers": ["counts"]})
    assert [block["origin"] for block in classifier.blocks] == ["counts"]
    assert predict(featurizers, classifier, ["opening hours on sunday"])[0].get(INTENT)["name"] == "hours"


def test_works_on_counts_alone(tmp_path):
    _, featurizers, classifier = trained(tmp_path, with_embedding=False)
    assert predict(featurizers, classifier, ["price of a massage"])[0].get(INTENT)["name"] == "pricing"


def test_confidences_drive_the_fallback_classifier(tmp_path):
    _, featurizers, classifier = trained(tmp_path)
    sure, unsure = predict(featurizers, classifier, ["how much is a massage", "banana"])
    fallback = FallbackClassifier({**FallbackClassifier.get_default_config(), "threshold": 0.6})
    fallback.process([sure, unsure])
    assert sure.get(INTENT)["name"] == "pricing"
    assert unsure.get(INTENT)["name"] == "nlu_fallback"


def test_an_untrained_classifier_predicts_nothing(tmp_path):
    storage = storage_in(tmp_path)
    featurizers = Featurizers(storage, with_embedding=False)
    featurizers.train(training_data(EXAMPLES))
    classifier = build(LogisticRegressionIntentClassifier, storage, "classifier")
    [message] = classifier.process(featurizers.messages(["hello"]))
    assert message.get(INTENT) is None


def test_prediction_scales_features_exactly_as_training_did(tmp_path):
    _, featurizers, classifier = trained(tmp_path)
    messages = featurizers.messages(["how pricey is it", "do my knickers stay on", "zzz"])
    matrix = classifier._matrix([classifier._sentence_features(m) for m in messages])
    scores = np.asarray(matrix @ classifier.weights) + classifier.bias
    expected = np.exp(scores - scores.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    assert np.allclose(classifier.predict_proba(messages), expected, atol=1e-12)
