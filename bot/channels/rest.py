"""The REST channel: POST /webhooks/rest/webhook, like Rasa's `rest:` but hardened.

Request and response are Rasa's: send {"sender": "...", "message": "..."} (and
optionally "metadata": {...}) as JSON; get back the bot's messages as a JSON list,
[{"recipient_id": "...", "text": "...", "buttons": [...]}, ...].

Configure it in credentials.yml instead of `rest:` (both would claim /webhooks/rest):

    bot.channels.rest.RestInput:
      rate_limit: {burst: 10, refill_seconds: 2}   # optional, see bot/channels/ratelimit.py

What it adds to Rasa's channel:
- Bad requests get a 4xx with a JSON body {"error": code, "message": plain words},
  never a 500: wrong Content-Type 415, body over 64 KB 413, malformed JSON, not an
  object, or a missing or non-string "sender"/"message" 400, not a POST 405.
- Too many messages from one sender: 429 with the same JSON shape and Retry-After.
  The refused message is not processed.
- Every message goes through the shared screen (bot.channels.screen): an empty one
  gets a prompt without reaching the bot; a long one is cut and the reply starts
  with a note saying only the first part was read.
- Never an empty list: if the bot said nothing, the client hears why (for example
  that booking is briefly unavailable, with the practice's phone number).
- The client can't choose the input channel (Rasa let "input_channel" in the body
  claim to be SMS, which custom actions trust); streaming (?stream=true) is not offered.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.guard import BodyTooLarge, ChannelGuard, read_limited_body
from bot.channels.notices import CHAT

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_SENDER_CHARS = 128
EXAMPLE = 'Send JSON like {"sender": "your-id", "message": "What are your hours?"}'


class _Refused(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def error_response(status: int, error: str, message: str, headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
    return response.json({"error": error, "message": message}, status=status, headers=headers)


def _is_json_content_type(header: str) -> bool:
    mime = header.split(";", 1)[0].strip().lower()
    return mime == "application/json" or (mime.startswith("application/") and mime.endswith("+json"))


def _valid_sender(sender: Any) -> bool:
    return (
        isinstance(sender, str)
        and 0 < len(sender) <= MAX_SENDER_CHARS
        and bool(sender.strip())
        and sender.isprintable()  # no control characters or line breaks in an id
    )


async def parse_request(request: Request) -> Tuple[str, str, Optional[Dict[str, Any]]]:
    """(sender, message, metadata) from a webhook request, or _Refused saying why not."""
    if not _is_json_content_type(request.headers.get("content-type") or ""):
        raise _Refused(415, "unsupported_media_type", f"Use the header Content-Type: application/json. {EXAMPLE}.")
    try:
        body = await read_limited_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise _Refused(413, "body_too_large", f"The request is larger than {MAX_BODY_BYTES // 1024} KB.") from None
    try:
        payload = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise _Refused(400, "malformed_json", f"The body is not valid UTF-8 JSON. {EXAMPLE}.") from None
    except RecursionError:  # [[[[... a few thousand deep
        raise _Refused(400, "malformed_json", f"The JSON is nested too deeply. {EXAMPLE}.") from None
    if not isinstance(payload, dict):
        raise _Refused(400, "not_an_object", f"The body must be a JSON object. {EXAMPLE}.")

    sender, message, metadata = payload.get("sender"), payload.get("message"), payload.get("metadata")
    if sender is None:
        raise _Refused(400, "missing_sender", f'"sender" is missing. {EXAMPLE}.')
    if not _valid_sender(sender):
        raise _Refused(
            400,
            "bad_sender",
            f'"sender" must be a string of 1 to {MAX_SENDER_CHARS} printable characters.',
        )
    if message is None:
        raise _Refused(400, "missing_message", f'"message" is missing. {EXAMPLE}.')
    if not isinstance(message, str):
        raise _Refused(400, "bad_message", '"message" must be a string.')
    if metadata is not None and not isinstance(metadata, dict):
        raise _Refused(400, "bad_metadata", '"metadata" must be a JSON object when given.')
    return sender, message, metadata


class RestInput(InputChannel):
    """Rasa input channel for REST clients (POST /webhooks/rest/webhook)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(guard=ChannelGuard.from_credentials(CHAT, credentials))

    def __init__(self, guard: Optional[ChannelGuard] = None) -> None:
        self.guard = guard or ChannelGuard(CHAT)

    async def _reply(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        agent: Any,
        sender: str,
        message: str,
        metadata: Optional[Dict[str, Any]],
    ) -> List[Dict[str, Any]]:
        guard = self.guard
        screened = guard.screen(message)
        collector = CollectingOutputChannel()
        if screened.is_empty:
            await collector.send_text_message(sender, guard.empty_prompt())
            return collector.messages
        if screened.was_cut:
            await collector.send_text_message(sender, guard.cut_notice())
        held = await guard.hold_for_staff(agent, self.name(), sender, screened.text)
        if held is not None:  # staff have this conversation
            await collector.send_text_message(sender, held)
            return collector.messages
        notes = len(collector.messages)
        try:
            await on_new_message(
                UserMessage(screened.text, collector, sender, input_channel=self.name(), metadata=metadata)
            )
        except Exception:
            logger.exception("REST channel: the bot failed to answer a message")
            await collector.send_text_message(sender, await guard.trouble())
            return collector.messages
        if len(collector.messages) == notes:
            await collector.send_text_message(sender, await guard.silence_notice(agent, sender))
        return collector.messages

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest_webhook = Blueprint(f"rest_webhook_{type(self).__name__}", __name__)

        @rest_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest_webhook.route("/webhook", methods=["GET", "PUT", "PATCH", "DELETE"])
        async def wrong_method(_: Request) -> HTTPResponse:
            return error_response(405, "method_not_allowed", f"Use POST. {EXAMPLE}.", headers={"Allow": "POST"})

        # Streamed, so an oversized body is refused without being buffered first.
        @rest_webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, message, metadata = await parse_request(request)
            except _Refused as refused:
                return error_response(refused.status, refused.error, refused.message)

            decision = self.guard.admit(sender)
            if not decision.allowed:
                wait = max(1, math.ceil(decision.retry_after))
                return error_response(
                    429, "too_many_messages", self.guard.slow_down(), headers={"Retry-After": str(wait)}
                )

            agent = getattr(request.app.ctx, "agent", None)
            return response.json(await self._reply(on_new_message, agent, sender, message, metadata))

        return rest_webhook
