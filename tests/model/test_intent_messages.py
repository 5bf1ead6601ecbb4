"""bot/rasa_tuning/intent_messages.py inside the trained model: a message that names its intent
gets exactly the parse the whole NLU graph gives it, and any other message still goes through it."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_tuning import intent_messages

NAMED = [
    "/affirm",
    " /deny ",
    "/book_appointment",
    "/why_glutes@0.7",
    '/book_appointment{"client_name": "Jo Okafor"}',
    "/affirm{not json",  # Rasa takes the intent and warns about the rest
]
# Not taken by Rasa's handler: the graph must parse them as it always did.
NOT_NAMED = ["/no_such_intent", "/", "why glutes?", "50/50 on whether I need a massage"]


def _graph_parse(processor, text: str) -> dict:
    tracker = DialogueStateTracker.from_events("parse", [])
    return intent_messages._original(processor, UserMessage(text), tracker)


@pytest.mark.parametrize("text", NAMED)
def test_a_named_intent_parses_as_the_graph_parses_it(trained_agent, text):
    processor = trained_agent.processor
    assert intent_messages.direct_parse(processor, text) is not None
    ours = intent_messages.parse_message_with_graph(processor, UserMessage(text), None)
    assert ours == _graph_parse(processor, text)


@pytest.mark.parametrize("text", NOT_NAMED)
def test_any_other_message_goes_through_the_graph(trained_agent, text):
    assert intent_messages.direct_parse(trained_agent.processor, text) is None


def test_the_shortcut_is_what_the_server_uses(trained_agent, monkeypatch):
    ran = []
    original_run = type(trained_agent.processor.graph_runner).run

    def counting(self, *args, **kwargs):
        ran.append(kwargs.get("targets") or args[1:2])
        return original_run(self, *args, **kwargs)

    monkeypatch.setattr(MessageProcessor, "_parse_message_with_graph", intent_messages.parse_message_with_graph)
    monkeypatch.setattr(type(trained_agent.processor.graph_runner), "run", counting)
    parsed = asyncio.run(trained_agent.parse_message("/affirm"))
    assert parsed["intent"] == {"name": "affirm", "confidence": 1.0}
    assert not any(trained_agent.processor.model_metadata.nlu_target in (targets or []) for targets in ran)
