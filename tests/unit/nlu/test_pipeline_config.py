"""config.yml builds a valid Rasa graph, with the rule layers after the classifier and the fallback."""

from __future__ import annotations

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.validation import validate
from rasa.shared.data import TrainingType

from bot.paths import REPO_ROOT

CONFIG = yaml.safe_load((REPO_ROOT / "config.yml").read_text())


def test_config_builds_a_valid_graph():
    model_config = DefaultV1Recipe().graph_config_for_recipe(CONFIG, {}, TrainingType.BOTH)
    nodes = {node.uses.__name__ for node in model_config.predict_schema.nodes.values()}
    assert {"SentenceEmbeddingFeaturizer", "LogisticRegressionIntentClassifier", "FallbackClassifier"} <= nodes
    assert "DIETClassifier" not in nodes
    # Rasa's own checks: each component's inputs are produced by the nodes before it.
    validate(model_config)


def test_rule_layers_come_after_the_fallback_and_safety_comes_last():
    names = [component["name"].rsplit(".", 1)[-1] for component in CONFIG["pipeline"]]
    fallback = names.index("FallbackClassifier")
    assert fallback < names.index("OwnQuestionDetector") < names.index("BoundaryDetector")
    assert (
        fallback < names.index("OffTopicGuard") < names.index("PersonRequestDetector") < names.index("RedFlagDetector")
    )
    assert names[-1] == "RedFlagDetector"


def test_the_classifier_is_seeded():
    (classifier,) = [c for c in CONFIG["pipeline"] if c["name"].endswith("LogisticRegressionIntentClassifier")]
    assert isinstance(classifier.get("random_seed"), int)
