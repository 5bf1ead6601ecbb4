"""The website widget's channel: Rasa's socket.io channel, hardened.

Rasa 3.6's SocketIOInput builds its socket.io server with CORS handling switched
off, so any web page could open a socket to the bot. This subclass keeps the events,
session persistence and the channel name "socketio" that response variants use,
and adds an origin allow-list, an optional signed token, the shared input screen,
a per-session rate limit and never-silent replies:

    bot.channels.webchat.WebChatInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      cors_allowed_origins:            # "*" allows any origin; default: loopback pages only
        - https://www.example-practice.com
        - http://127.0.0.1:8080
      jwt_key: ...                     # else env WEBCHAT_JWT_SECRET; unset: no token needed
      jwt_method: HS256
      rate_limit: {burst: 10, refill_seconds: 2}   # see bot/channels/ratelimit.py

A single string with several origins separated by spaces or commas also works, so
`cors_allowed_origins: ${BOT_ALLOWED_ORIGINS}` can take them from the environment.
An entry may end in ":*" ("http://127.0.0.1:*") to allow any port of that host, which
suits local development and tests. Requests without an Origin header (server-side
clients) are not affected: browsers always send one.

Signed tokens: with a JWT key set, a socket must connect with auth {"token": <JWT>}
signed with that key, carrying an "exp" claim; otherwise the connection is refused.
The demo web server (bot/web) mints short-lived tokens for the widget when it knows
the same secret (env WEBCHAT_JWT_SECRET; see bot/channels/chat_token.py). Off by
default, as for `make run`.

Each user message goes through the shared screen (bot.channels.screen): empty ones
get a prompt without reaching the bot, long ones are cut with a note. A session over
its rate limit (bot.channels.ratelimit) gets one polite bot message, and its
messages are not processed until the bucket refills. If the bot says nothing (as
when the action server is down), the session hears why (bot.channels.outage). With
session persistence, a socket may only speak for the session it asked for.
Socket.io messages are capped at 64 KB (python-engineio's default is 1 MB).

Client feedback: the widget sends {"session_id", "text", "vote": "up"|"down"} as a
`feedback` event for one of the assistant's answers; it is stored with the topic
of the message that answer replied to (bot.conversations.feedback), only for the
socket's own session and only for an answer that conversation really has.

It also makes joining the session's room work whether python-socketio's enter_room
is a plain function (5.9, what we pin) or a coroutine (5.10 and later), so bot
replies keep reaching a persisted session if the pin ever moves. Use it instead of
the stock `socketio:` entry, not next to it: both would claim /socket.io.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Union

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from bot.channels.chat_token import JWT_SECRET_ENV_VAR, chat_token_is_valid
from bot.channels.guard import ChannelGuard
from bot.channels.notices import CHAT
from bot.channels.ratelimit import RateLimit, SenderRateLimiter
from bot.conversations.feedback import DOWN, UP, answered_topic, shared_feedback

logger = logging.getLogger(__name__)

DEFAULT_ALLOWED_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*")
MAX_SOCKET_MESSAGE_BYTES = 64 * 1024
MAX_SESSION_ID_CHARS = 128
MAX_FEEDBACK_TEXT_CHARS = 5000
VOTES = {"up": UP, "down": DOWN}


def origin_checker(allowed: Union[str, List[str], None]) -> Union[str, Callable[[str], bool]]:
    """What python-engineio's cors_allowed_origins should be for an allow-list."""
    if isinstance(allowed, str):  # one string may list several: "https://a.example http://b.example"
        allowed = allowed.replace(",", " ").split()
    entries = list(allowed or DEFAULT_ALLOWED_ORIGINS)
    entries = [str(entry).strip().rstrip("/") for entry in entries if str(entry).strip()]
    if "*" in entries:
        return "*"
    exact = {entry for entry in entries if not entry.endswith(":*")}
    any_port_hosts = tuple(entry[:-1] for entry in entries if entry.endswith(":*"))

    def is_allowed(origin: Optional[str], *_: Any) -> bool:
        if not origin:
            return False
        if origin in exact:
            return True
        for prefix in any_port_hosts:  # "http://127.0.0.1:" + digits only
            if origin.startswith(prefix) and origin[len(prefix) :].isdigit():
                return True
        return False

    return is_allowed


def _valid_session_id(session_id: Any) -> bool:
    return (
        isinstance(session_id, str)
        and 0 < len(session_id) <= MAX_SESSION_ID_CHARS
        and bool(session_id.strip())
        and session_id.isprintable()
    )


def _metadata(value: Any) -> Dict[str, Any]:
    """Message metadata as a dict: Rasa also accepts it as a JSON string."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return {}
    return value if isinstance(value, dict) else {}


class _CountingOutput(SocketIOOutput):
    """Rasa's socket.io output that counts what it sends, to notice a silent bot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        self.sent += 1
        await super().send_custom_json(recipient_id, json_message, **kwargs)


class WebChatInput(SocketIOInput):
    """SocketIOInput with an origin allow-list, signed tokens, the shared guard
    (screen, rate limit, never silent) and a version-proof session room join."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.cors_allowed_origins = credentials.get("cors_allowed_origins")
        channel.jwt_key = credentials.get("jwt_key") or os.environ.get(JWT_SECRET_ENV_VAR) or None
        channel.guard = ChannelGuard.from_credentials(CHAT, credentials)
        return channel

    def __init__(
        self,
        *args: Any,
        cors_allowed_origins: Union[str, List[str], None] = None,
        guard: Optional[ChannelGuard] = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.cors_allowed_origins = cors_allowed_origins
        self.guard = guard or ChannelGuard(CHAT)
        self._session_of_socket: Dict[str, str] = {}
        self._app: Any = None  # the Sanic app, for its agent (set when the server starts)
        self._vote_limiter = SenderRateLimiter(RateLimit(burst=20, refill_seconds=3))
        self.feedback_store: Any = None  # None: the shared store for BOT_DATABASE_URL

    def token_is_valid(self, auth: Any) -> bool:
        """Is `auth` ({"token": JWT}) signed with our key, with an unexpired "exp"?"""
        token = auth.get("token") if isinstance(auth, dict) else None
        return chat_token_is_valid(token, self.jwt_key, self.jwt_algorithm)

    def _agent(self) -> Any:
        return getattr(getattr(self._app, "ctx", None), "agent", None)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        # Read per request by python-engineio, so setting them after construction is enough.
        sio.eio.cors_allowed_origins = origin_checker(self.cors_allowed_origins)
        sio.eio.max_http_buffer_size = MAX_SOCKET_MESSAGE_BYTES
        guard = self.guard

        @socketio_webhook.listener("before_server_start")
        async def remember_app(app: Any, _loop: Any) -> None:
            self._app = app

        # Each handler below replaces the parent's for the same event (one per event).
        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, _environ: Dict, auth: Any = None) -> bool:
            if self.jwt_key and not self.token_is_valid(auth):
                return False  # the client sees a refused connection
            logger.debug(f"Socket {sid} connected.")
            return True

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            self._session_of_socket.pop(sid, None)
            logger.debug(f"Socket {sid} disconnected.")

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not _valid_session_id(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                previous = self._session_of_socket.get(sid)
                if previous and previous != session_id:
                    left = sio.leave_room(sid, previous, namespace=self.namespace)
                    if inspect.isawaitable(left):
                        await left
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
                self._session_of_socket[sid] = session_id
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug(f"Socket {sid} joined session {session_id}.")

        @sio.on("feedback", namespace=self.namespace)
        async def feedback(sid: Text, data: Any = None) -> None:
            data = data if isinstance(data, dict) else {}
            sender = self._session_of_socket.get(sid) if self.session_persistence else sid
            text, vote = data.get("text"), VOTES.get(data.get("vote"))
            if not sender or (self.session_persistence and data.get("session_id") != sender):
                return  # only for the socket's own conversation
            if vote is None or not isinstance(text, str) or not 0 < len(text) <= MAX_FEEDBACK_TEXT_CHARS:
                return
            if not self._vote_limiter.check(sender).allowed:
                return
            agent = self._agent()
            try:
                tracker = await agent.tracker_store.retrieve(sender)
                found = answered_topic([event.as_dict() for event in tracker.events], text) if tracker else None
                if found is None:
                    return  # not an answer this conversation was given
                answer_at, topic = found
                store = self.feedback_store or shared_feedback()
                await asyncio.to_thread(store.record, sender, answer_at, topic, text, vote, self.name())
            except Exception:
                logger.exception("web chat: could not store a client's feedback")

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None) -> None:
            if not isinstance(data, dict):
                logger.info("web chat: ignored a user message that is not an object")
                return
            if self.session_persistence:
                sender = data.get("session_id")
                if sender is None or sender != self._session_of_socket.get(sid):
                    # Only the session this socket asked for: no speaking for another.
                    logger.warning("web chat: ignored a message for a session this socket did not request")
                    return
            else:
                sender = sid
            output = _CountingOutput(sio, self.bot_message_evt)

            decision = guard.admit(sender)
            if not decision.allowed:
                if decision.first_refusal:
                    await output.send_text_message(sender, guard.slow_down())
                return

            screened = guard.screen(data.get("message"))
            if screened.is_empty:
                await output.send_text_message(sender, guard.empty_prompt())
                return
            if screened.was_cut:
                await output.send_text_message(sender, guard.cut_notice())
            held = await guard.hold_for_staff(self._agent(), self.name(), sender, screened.text)
            if held is not None:  # staff have this conversation
                if held:
                    await output.send_text_message(sender, held)
                return
            sent_before = output.sent
            message = UserMessage(
                screened.text,
                output,
                sender,
                input_channel=self.name(),
                metadata=_metadata(data.get(self.metadata_key)),
            )
            try:
                await on_new_message(message)
            except Exception:
                logger.exception("web chat: the bot failed to answer a message")
                await output.send_text_message(sender, await guard.trouble())
                return
            if output.sent == sent_before:
                await output.send_text_message(sender, await guard.silence_notice(self._agent(), sender))

        return socketio_webhook
