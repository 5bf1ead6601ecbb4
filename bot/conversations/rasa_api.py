"""Rasa's token-protected HTTP API, for what staff do to a conversation.

- resume: give a paused conversation back to the assistant (`python -m bot resume`
  and the console's "Hand back to the assistant");
- pause: stop the assistant in one conversation;
- staff_reply: put a staff member's message into the conversation. With
  output_channel="socketio" Rasa also sends it through the web chat channel
  (POST /conversations/<id>/tracker/events?execute_side_effects=true: Rasa emits
  each appended bot event to the socket.io room of the conversation, which the
  widget joined with its session id). Other channels only record it.

Calls are blocking (urllib); from async code run them in a thread.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional

from bot.requests.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, REFERENCE_PREFIXES, normalize_reference

TIMEOUT_SECONDS = 10
WEB_CHAT_CHANNEL = "socketio"


class RasaApiError(RuntimeError):
    """Rasa refused or could not be reached; the message says which, for staff."""


def default_rasa_url() -> str:
    return os.environ.get("RASA_URL", f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}")


def looks_like_reference(text: str) -> bool:
    prefix, _, code = normalize_reference(text).partition("-")
    return (
        prefix in REFERENCE_PREFIXES.values() and len(code) == REFERENCE_LENGTH and set(code) <= set(REFERENCE_ALPHABET)
    )


def conversation_for(argument: str, store: Any = None) -> str:
    """The sender id itself, or the conversation a request reference belongs to.

    Staff get a reference in every notification, while an SMS sender id is the
    client's phone number, which logs mask. Raises LookupError for an unknown
    reference and StoreUnavailable when the request database is down.
    """
    if not looks_like_reference(argument):
        return argument
    from bot.requests.store import RequestStore

    reference = normalize_reference(argument)
    own_store = store is None
    store = store or RequestStore()
    try:
        if own_store:
            store.flush_spool()
        request = store.get(reference)
    finally:
        if own_store:
            store.close()
    if request is None or not request.sender_id:
        raise LookupError(f"No request with reference {reference} (or it has no conversation).")
    return request.sender_id


# Pausing ends a turn without action_listen; without one after the resume Rasa
# would swallow the client's first message.
RESUME_EVENTS: List[Dict[str, Any]] = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
PAUSE_EVENTS: List[Dict[str, Any]] = [{"event": "pause"}]


class RasaApi:
    """One Rasa server's HTTP API, with its token."""

    def __init__(self, base_url: Optional[str] = None, token: Optional[str] = None) -> None:
        self.base_url = (base_url or default_rasa_url()).rstrip("/")
        if token is None:
            from bot.cli.serve import read_api_token

            token = read_api_token()
        self.token = token

    def _missing_token(self) -> RasaApiError:
        from bot.cli.serve import API_TOKEN_ENV, api_token_path

        return RasaApiError(
            f"No API token: set {API_TOKEN_ENV}, or start the assistant once (make run) "
            f"so it creates {api_token_path()}."
        )

    def append_events(
        self, sender_id: str, events: List[Dict[str, Any]], output_channel: Optional[str] = None
    ) -> Dict[str, Any]:
        """Append events; with output_channel, bot events are also sent through that channel."""
        if not self.token:
            raise self._missing_token()
        query = {"token": self.token}
        if output_channel:
            query.update(output_channel=output_channel, execute_side_effects="true")
        url = (
            f"{self.base_url}/conversations/{urllib.parse.quote(sender_id, safe='')}/tracker/events?"
            + urllib.parse.urlencode(query)
        )
        request = urllib.request.Request(
            url, data=json.dumps(events).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403):
                from bot.cli.serve import API_TOKEN_ENV, api_token_path

                raise RasaApiError(
                    f"Rasa refused the request ({exc.code}): the API token did not match. This uses "
                    f"{API_TOKEN_ENV} if set, else {api_token_path()}; Rasa must run with the same token."
                ) from None
            raise RasaApiError(f"Rasa answered {exc.code} for conversation {sender_id}.") from None
        except (OSError, ValueError) as exc:
            raise RasaApiError(f"Could not reach Rasa at {self.base_url}: {exc}") from None

    def resume(self, sender_id: str) -> None:
        self.append_events(sender_id, RESUME_EVENTS)

    def pause(self, sender_id: str) -> None:
        self.append_events(sender_id, PAUSE_EVENTS)

    def staff_reply(self, sender_id: str, text: str, staff: str, deliver_on: Optional[str] = None) -> None:
        """Record a staff message as a bot utterance marked with who wrote it;
        deliver_on="socketio" also sends it to the client's open web chat."""
        event = {"event": "bot", "text": text, "metadata": {"staff": staff}}
        self.append_events(sender_id, [event], output_channel=deliver_on)
