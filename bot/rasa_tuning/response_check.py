"""Checking the action server's replies against Rasa's schema without re-checking the schema.

RemoteAction._validate_action_result calls jsonschema.validate(), which first
validates Rasa's (large, fixed) response schema against the JSON Schema
meta-schema, then builds a validator, on every action-server reply: about
20 ms of CPU each, more than the action itself. Here the schema is checked
once and its validator kept; each reply is validated exactly as before (the
same validator class, the same best_match error and message).

Even kept, that validator tries each event against all 23 event schemas (Rasa's
`oneOf`): about 2.5 ms for a form's reply of nine events. Each of those schemas
names its own `event` value, which every event must carry, so an event can only
ever match the one schema for its `event`: checking that one alone gives the
same verdict at a tenth of the cost. Anything it does not pass goes through the
full validator, which gives Rasa's error as before.
"""

from __future__ import annotations

import copy
import functools
from typing import Any, Dict, Optional, Text, Tuple

from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_original = RemoteAction._validate_action_result


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@functools.lru_cache(maxsize=1)
def _by_event() -> Optional[Tuple[Any, Dict[str, Any]]]:
    """The response schema with its events' `oneOf` taken out, and a validator per
    event name; None if Rasa's schema is not laid out as this relies on."""
    from jsonschema.validators import validator_for

    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    try:
        items = schema["properties"]["events"]["items"]
        if "event" not in items.get("required", ()):
            return None
        branches = items.pop("oneOf")
        names = [branch["properties"]["event"]["const"] for branch in branches]
    except (KeyError, TypeError):
        return None
    if len(set(names)) != len(names):
        return None
    cls = validator_for(schema)
    return cls(schema), {name: cls(branch) for name, branch in zip(names, branches)}


def passes_by_event(result: Any) -> bool:
    """True when `result` is valid, checking each event against its own schema only;
    False means "not shown valid here", for the full validator to decide."""
    found = _by_event()
    if found is None:
        return False
    shell, branches = found
    if not shell.is_valid(result):
        return False
    for event in result.get("events") or ():
        branch = branches.get(event["event"])
        if branch is None or not branch.is_valid(event):
            return False
    return True


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match

    if passes_by_event(result):
        return True
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    if not isinstance(error, ValidationError):  # pragma: no cover - jsonschema always gives one
        raise error
    # Rasa's own wording for a bad reply.
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def apply() -> None:
    RemoteAction._validate_action_result = validate_action_result
