"""Rasa's spaCy components, running only the spaCy pipes whose output the pipeline reads.

Rasa parses every message with the whole spaCy pipeline twice: lowercased in
SpacyNLP (for tokens, lemmas and token vectors) and as written in
SpacyEntityExtractor (for names, days and times). Each pass needs part of it:

- the lowercased pass: tok2vec (token vectors for SpacyFeaturizer, and the
  tagger's input), tagger and attribute_ruler (parts of speech, which the
  lemmatizer needs) and the lemmatizer (CountVectorsFeaturizer counts lemmas);
  its entities are never read;
- the entity pass: only ner, which in en_core_web_sm carries its own tok2vec.

Same outputs, measured on every training example (tests/unit/nlu/test_spacy_pipes.py
checks it on sentences of its own); about half of spaCy's time per message.
Rasa already leaves out the parser when it loads the model.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TOKEN_PIPES = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer")
ENTITY_PIPES = ("ner",)


def unused_pipes(nlp: Any, used: Sequence[str]) -> List[str]:
    """The enabled pipes of `nlp` not in `used` (a pipe `used` names but the model lacks is ignored)."""
    return [name for name in nlp.pipe_names if name not in used]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="LeanSpacyNLP",
)
class LeanSpacyNLP(SpacyNLP):
    """SpacyNLP whose lowercased parse runs only the pipes listed in `pipes`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SpacyNLP.get_default_config(), "pipes": list(TOKEN_PIPES)}

    def _unused(self, nlp: Any) -> List[str]:
        return unused_pipes(nlp, self._config.get("pipes") or TOKEN_PIPES)

    def _doc_for_text(self, model: Any, text: Text) -> Any:
        return model(self._preprocess_text(text), disable=self._unused(model))

    def process_training_data(self, training_data: TrainingData, model: SpacyModel) -> TrainingData:
        with model.model.select_pipes(disable=self._unused(model.model)):
            return super().process_training_data(training_data, model)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    is_trainable=False,
    model_from="LeanSpacyNLP",
)
class LeanSpacyEntityExtractor(SpacyEntityExtractor):
    """SpacyEntityExtractor whose parse runs only the pipes listed in `pipes` (ner)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SpacyEntityExtractor.get_default_config(), "pipes": list(ENTITY_PIPES)}

    @property
    def name(self) -> Text:
        return "SpacyEntityExtractor"  # entities keep saying who found them, as before

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        nlp = model.model
        unused = unused_pipes(nlp, self._config.get("pipes") or ENTITY_PIPES)
        for message in messages:
            # As Rasa's: the text as written (lowercase hides names from ner).
            doc = nlp(message.get(TEXT), disable=unused)
            extracted = self.filter_irrelevant_entities(
                self.add_extractor_name(self._extract_entities(doc)), self._config["dimensions"]
            )
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
