"""The website widget's channel: Rasa's socket.io channel plus an origin allow-list.

Rasa 3.6's SocketIOInput builds its socket.io server with CORS handling switched
off, so any web page could open a socket to the bot. This subclass keeps everything
else (events, session persistence, the channel name "socketio" that response
variants use) and only sets which page origins may connect:

    bot.channels.webchat.WebChatInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
      cors_allowed_origins:            # "*" allows any origin; default: loopback pages only
        - https://www.example-practice.com
        - http://127.0.0.1:8080

A single string with several origins separated by spaces or commas also works, so
`cors_allowed_origins: ${BOT_ALLOWED_ORIGINS}` can take them from the environment.
An entry may end in ":*" ("http://127.0.0.1:*") to allow any port of that host, which
suits local development and tests. Requests without an Origin header (server-side
clients) are not affected: browsers always send one.

It also makes joining the session's room work whether python-socketio's enter_room
is a plain function (5.9, what we pin) or a coroutine (5.10 and later), so bot
replies keep reaching a persisted session if the pin ever moves. Use it instead of
the stock `socketio:` entry, not next to it: both would claim /socket.io.
"""
from __future__ import annotations

import inspect
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Union

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

logger = logging.getLogger(__name__)

DEFAULT_ALLOWED_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*")


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
            if origin.startswith(prefix) and origin[len(prefix):].isdigit():
                return True
        return False

    return is_allowed


class WebChatInput(SocketIOInput):
    """SocketIOInput with an origin allow-list and a version-proof session room join."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        channel = super().from_credentials(credentials)
        channel.cors_allowed_origins = credentials.get("cors_allowed_origins")
        return channel

    def __init__(self, *args: Any, cors_allowed_origins: Union[str, List[str], None] = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.cors_allowed_origins = cors_allowed_origins

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        # Read per request by python-engineio, so setting it after construction is enough.
        sio.eio.cors_allowed_origins = origin_checker(self.cors_allowed_origins)

        # Replaces the parent's handler for the same event (one handler per event).
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = data.get("session_id")
            if not isinstance(session_id, str) or not session_id.strip() or len(session_id) > 128:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug(f"Socket {sid} joined session {session_id}.")

        return socketio_webhook
