"""Rasa pipeline component: a logistic-regression intent classifier.

It reads the sentence features the featurizers before it computed (the sparse
word and character n-gram counts, spaCy's mean vector, the pretrained sentence
embedding) and fits one multinomial logistic regression on all of them. With a
few hundred examples per pipeline this is as accurate as DIET on our data, and
it trains in seconds, gives the same answer on every training run, and parses
a message with one matrix product.

Each featurizer's block is scaled on its own, so no block drowns the others:
counts become TF-IDF (sublinear counts times inverse document frequency
learned in training), and every block is scaled to unit length.

Confidences are the regression's probabilities over all intents, so the
FallbackClassifier and the rule components after this one work as with DIET.
The trained model is stored as plain arrays (no pickled objects).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

ARRAYS_FILE = "arrays.npz"
LAYOUT_FILE = "layout.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LogisticRegressionIntentClassifier(GraphComponent, IntentClassifier):
    """Multinomial logistic regression over every featurizer's sentence features."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Inverse regularisation strength; 10 fits our data without memorising it.
            "C": 10.0,
            "max_iter": 3000,
            "random_seed": 4217,
            # Which featurizers' features to use (their names or aliases); empty: all.
            "featurizers": [],
            "ranking_length": LABEL_RANKING_LENGTH,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        blocks: Optional[List[Dict[str, Any]]] = None,
        intents: Optional[List[str]] = None,
        weights: Optional[np.ndarray] = None,
        bias: Optional[np.ndarray] = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        # blocks: one per featurizer, in column order: origin, sparse, width, idf (sparse only).
        self.blocks = blocks or []
        self.intents = intents or []
        self.weights = weights  # (features, intents)
        self.bias = bias  # (intents,)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LogisticRegressionIntentClassifier:
        return cls(config, model_storage, resource)

    # ------------------------------------------------------------ features

    def _sentence_features(self, message: Message) -> Dict[str, Any]:
        """This message's text sentence features, by featurizer."""
        wanted = set(self.config["featurizers"] or [])
        found = {}
        for feature in message.features:
            if feature.attribute != TEXT or feature.type != FEATURE_TYPE_SENTENCE:
                continue
            if wanted and feature.origin not in wanted:
                continue
            found[feature.origin] = feature
        return found

    def _scaled_blocks(self, rows: List[Dict[str, Any]]) -> List[Any]:
        """Each featurizer's block for some messages, scaled; sparse blocks stay sparse."""
        scaled = []
        for block in self.blocks:
            origin, width = block["origin"], block["width"]
            if block["sparse"]:
                parts = [
                    scipy.sparse.csr_matrix(row[origin].features)
                    if origin in row
                    else scipy.sparse.csr_matrix((1, width))
                    for row in rows
                ]
                counts = scipy.sparse.vstack(parts, format="csr").astype(np.float64)
                # Sublinear term frequency: the 3rd 'massage' says less than the 1st.
                counts.data = 1.0 + np.log(np.maximum(counts.data, 1.0))
                tfidf = counts.multiply(block["idf"]).tocsr()
                norms = np.sqrt(np.asarray(tfidf.multiply(tfidf).sum(axis=1)).reshape(-1))
                scaled.append(scipy.sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ tfidf)
            else:
                dense = np.zeros((len(rows), width))
                for i, row in enumerate(rows):
                    if origin in row:
                        dense[i] = np.asarray(row[origin].features, dtype=np.float64).reshape(-1)[:width]
                norms = np.linalg.norm(dense, axis=1, keepdims=True)
                scaled.append(dense / np.where(norms > 0, norms, 1.0))
        return scaled

    def _matrix(self, rows: List[Dict[str, Any]]) -> scipy.sparse.csr_matrix:
        """The whole scaled feature matrix, one row per message (for training)."""
        return scipy.sparse.hstack(
            [scipy.sparse.csr_matrix(block) for block in self._scaled_blocks(rows)], format="csr"
        )

    # ------------------------------------------------------------ training

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples = [m for m in training_data.intent_examples if m.get(INTENT)]
        rows = [self._sentence_features(m) for m in examples]
        labels = [m.get(INTENT) for m in examples]
        if len(set(labels)) < 2:
            logger.warning(f"{self.__class__.__name__}: fewer than two intents to learn; it will predict nothing.")
            return self._resource

        self.blocks = self._layout(rows)
        if not self.blocks:
            raise ValueError(f"{self.__class__.__name__}: no sentence features; put featurizers before it.")
        matrix = self._matrix(rows)
        model = LogisticRegression(
            C=float(self.config["C"]),
            max_iter=int(self.config["max_iter"]),
            random_state=int(self.config["random_seed"]),
        )
        model.fit(matrix, labels)
        self.intents = [str(name) for name in model.classes_]
        self.weights = np.ascontiguousarray(model.coef_.T, dtype=np.float64)
        self.bias = model.intercept_.astype(np.float64)
        self.persist()
        return self._resource

    @staticmethod
    def _layout(rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """One block per featurizer seen in training, in a fixed order, with IDF for counts."""
        blocks = []
        for origin in sorted({origin for row in rows for origin in row}):
            present = [row[origin] for row in rows if origin in row]
            sparse = present[0].is_sparse()
            width = int(present[0].features.shape[-1])
            block = {"origin": origin, "sparse": sparse, "width": width}
            if sparse:
                counts = scipy.sparse.vstack([scipy.sparse.csr_matrix(f.features) for f in present], format="csr")
                document_frequency = np.bincount(counts.nonzero()[1], minlength=width)
                # Smoothed IDF, as if one extra document held every term.
                block["idf"] = np.log((1.0 + len(rows)) / (1.0 + document_frequency)) + 1.0
            blocks.append(block)
        return blocks

    # ------------------------------------------------------------ prediction

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self.weights is None or not message.get(TEXT):
                continue
            probabilities = self.predict_proba([message])[0]
            order = np.argsort(-probabilities, kind="stable")
            ranking = [
                {INTENT_NAME_KEY: self.intents[i], "confidence": float(probabilities[i])}
                for i in order[: int(self.config["ranking_length"])]
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def predict_proba(self, messages: List[Message]) -> np.ndarray:
        """Probabilities over self.intents, one row per message."""
        scores = np.stack([self._scores(self._sentence_features(message)) for message in messages])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def _scores(self, row: Dict[str, Any]) -> np.ndarray:
        """One message's intent scores, block by block, touching only its non-zero features.

        Same scaling as _scaled_blocks, in plain numpy: scipy's per-call overhead
        would cost more than the arithmetic for a single message.
        """
        scores = self.bias.copy()
        start = 0
        for block in self.blocks:
            feature = row.get(block["origin"])
            width = block["width"]
            if feature is not None:
                if block["sparse"]:
                    counts = scipy.sparse.csr_matrix(feature.features)  # sums repeated entries
                    columns, values = counts.indices, counts.data.astype(np.float64)
                    values = (1.0 + np.log(np.maximum(values, 1.0))) * block["idf"][columns]
                else:
                    columns = None
                    values = np.asarray(feature.features, dtype=np.float64).reshape(-1)[:width]
                norm = np.sqrt(values @ values)
                if norm > 0:
                    weights = self.weights[start : start + width]
                    scores += (values / norm) @ (weights if columns is None else weights[columns])
            start += width
        return scores

    # ------------------------------------------------------------ storage

    def persist(self) -> None:
        arrays = {"weights": self.weights, "bias": self.bias}
        layout = []
        for index, block in enumerate(self.blocks):
            layout.append({key: block[key] for key in ("origin", "sparse", "width")})
            if block["sparse"]:
                arrays[f"idf_{index}"] = block["idf"]
        with self._model_storage.write_to(self._resource) as folder:
            np.savez(folder / ARRAYS_FILE, **arrays)
            (folder / LAYOUT_FILE).write_text(json.dumps({"intents": self.intents, "blocks": layout}))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LogisticRegressionIntentClassifier:
        try:
            with model_storage.read_from(resource) as folder:
                layout = json.loads((folder / LAYOUT_FILE).read_text())
                with np.load(folder / ARRAYS_FILE, allow_pickle=False) as arrays:
                    blocks = []
                    for index, block in enumerate(layout["blocks"]):
                        if block["sparse"]:
                            block["idf"] = arrays[f"idf_{index}"]
                        blocks.append(block)
                    return cls(
                        config, model_storage, resource, blocks, layout["intents"], arrays["weights"], arrays["bias"]
                    )
        except (ValueError, FileNotFoundError):
            logger.debug(f"{cls.__name__}: nothing trained in {resource.name}; it will predict nothing.")
            return cls(config, model_storage, resource)
