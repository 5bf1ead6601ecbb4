"""Checking the action server's replies against Rasa's schema without re-checking the schema.

RemoteAction._validate_action_result calls jsonschema.validate(), which first
validates Rasa's (large, fixed) response schema against the JSON Schema
meta-schema, then builds a validator, on every action-server reply: about
20 ms of CPU each, more than the action itself. Here the schema is checked
once and its validator kept; each reply is validated exactly as before (the
same validator class, the same best_match error and message).
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

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


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match

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
