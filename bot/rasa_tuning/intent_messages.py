"""Buttons' messages ("/affirm", '/choose_service{"service": "prenatal_60"}') skip the NLU components.

A message that names its intent is answered by Rasa's last NLU node,
RegexMessageHandler: it replaces the whole parse with a new message holding only
the text, that intent and its entities. Every component before it (spaCy, the
sentence embedding, the classifier, our detectors) still runs on "/affirm" and
its work is thrown away: about 20 ms of CPU on the booking form's confirmation.

Here the handler is asked first, exactly as the graph would call it. When it
takes the message, its answer is the parse; when it does not (ordinary text, an
unknown intent), the graph runs as usual.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.processor import MessageProcessor
from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

_original = MessageProcessor._parse_message_with_graph


def _handler(processor: MessageProcessor) -> Optional[RegexMessageHandler]:
    """The RegexMessageHandler that ends the model's NLU graph, if it does."""
    node = processor.graph_runner.__dict__.get("_instantiated_nodes", {}).get(processor.model_metadata.nlu_target)
    component = getattr(node, "_component", None)
    return component if isinstance(component, RegexMessageHandler) and node._fn_name == "process" else None


def direct_parse(processor: MessageProcessor, text: Optional[Text]) -> Optional[Message]:
    """The NLU graph's result for a message that names its intent; None for any other."""
    if not text or not text.strip().startswith(INTENT_MESSAGE_PREFIX):
        return None
    handler = _handler(processor)
    if handler is None:
        return None
    given = Message(data={TEXT: text})
    (handled,) = handler.process([given], processor.domain)
    return None if handled is given else handled


def parse_message_with_graph(
    self: MessageProcessor, message: Any, tracker: Any, only_output_properties: bool = True
) -> Dict[Text, Any]:
    handled = direct_parse(self, message.text)
    if handled is None:
        return _original(self, message, tracker, only_output_properties)
    # As Rasa builds the parse from the graph's message.
    parse_data: Dict[Text, Any] = {
        TEXT: "",
        INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
        ENTITIES: [],
    }
    parse_data.update(handled.as_dict(only_output_properties=only_output_properties))
    return parse_data


def apply() -> None:
    MessageProcessor._parse_message_with_graph = parse_message_with_graph
