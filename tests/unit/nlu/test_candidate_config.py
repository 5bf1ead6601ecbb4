"""The candidate configuration (config.logreg.yml) builds a valid Rasa training and prediction graph."""
from __future__ import annotations

from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.validation import validate
from rasa.shared.data import TrainingType

REPO = Path(__file__).resolve().parents[3]


def test_candidate_config_builds_a_valid_graph():
    config = yaml.safe_load((REPO / "config.logreg.yml").read_text())
    model_config = DefaultV1Recipe().graph_config_for_recipe(config, {}, TrainingType.BOTH)
    nodes = {node.uses.__name__ for node in model_config.predict_schema.nodes.values()}
    assert {"SentenceEmbeddingFeaturizer", "LogisticRegressionIntentClassifier", "FallbackClassifier"} <= nodes
    assert "DIETClassifier" not in nodes
    # Rasa's own checks: each component's inputs are produced by the nodes before it.
    validate(model_config)


def test_candidate_differs_from_config_yml_only_in_the_intent_classifier():
    current = yaml.safe_load((REPO / "config.yml").read_text())
    candidate = yaml.safe_load((REPO / "config.logreg.yml").read_text())
    assert candidate["policies"] == current["policies"]
    without = lambda pipeline, names: [c for c in pipeline if c["name"] not in names]
    assert without(candidate["pipeline"], {
        "bot.nlu.sentence_featurizer.SentenceEmbeddingFeaturizer",
        "bot.nlu.intent_classifier.LogisticRegressionIntentClassifier",
    }) == without(current["pipeline"], {"DIETClassifier"})
