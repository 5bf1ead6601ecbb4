"""Build, train and reload Rasa components directly, without `rasa train` or a trained model."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def context(node_name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=node_name)


def build(component: Type, storage: LocalModelStorage, name: str, config: Optional[Dict[str, Any]] = None):
    return component.create(
        {**component.get_default_config(), **(config or {})}, storage, Resource(name), context(name)
    )


def training_data(examples: Sequence[Tuple[str, str]]) -> TrainingData:
    return TrainingData([Message.build(text=text, intent=intent) for intent, text in examples])


class Featurizers:
    """Whitespace tokens, word counts and the sentence embedding: the parts a classifier reads."""

    def __init__(self, storage: LocalModelStorage, with_embedding: bool = True) -> None:
        from bot.nlu.sentence_featurizer import SentenceEmbeddingFeaturizer

        self.tokenizer = build(WhitespaceTokenizer, storage, "tokenizer")
        self.counts = build(CountVectorsFeaturizer, storage, "counts")
        self.embedding = build(SentenceEmbeddingFeaturizer, storage, "embedding") if with_embedding else None

    def train(self, data: TrainingData) -> None:
        self.tokenizer.process_training_data(data)
        self.counts.train(data)
        self.counts.process_training_data(data)
        if self.embedding:
            self.embedding.process_training_data(data)

    def messages(self, texts: List[str]) -> List[Message]:
        messages = [Message(data={"text": text}) for text in texts]
        self.tokenizer.process(messages)
        self.counts.process(messages)
        if self.embedding:
            self.embedding.process(messages)
        return messages


def classified(text: str, ranking: List[Dict[str, Any]]) -> Message:
    """A message as the classifier leaves it: its top intent and the ranking."""
    message = Message(data={"text": text})
    message.set("intent", ranking[0])
    message.set("intent_ranking", ranking)
    return message


def storage_in(folder: Path) -> LocalModelStorage:
    folder.mkdir(parents=True, exist_ok=True)
    return LocalModelStorage(folder)
