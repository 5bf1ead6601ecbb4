"""Stand-ins shared by the channel tests: a fake clock, a Rasa agent whose action
server is down, and a python-socketio client that behaves like the chat widget."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, Dict, List, Optional

import aiohttp
import socketio
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from tests.net import free_port


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class DeadActionServerAgent:
    """Plays Rasa's Agent with its action server down: the message runs the booking
    intro action, which fails, so the bot says nothing. Exposes what
    bot.channels.outage reads: `action_endpoint` (a closed port) and a tracker store."""

    def __init__(self, failing_action: str = "action_booking_intro") -> None:
        self.failing_action = failing_action
        self.received: List[UserMessage] = []
        self.action_endpoint = EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook")
        self.events: List[Any] = []
        agent = self

        class TrackerStore:
            async def retrieve(self, sender_id: str) -> Any:
                return DialogueStateTracker.from_events(sender_id, list(agent.events))

        self.tracker_store = TrackerStore()

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.received]

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        self.events += [UserUttered(message.text), ActionExecuted(self.failing_action), ActionExecuted("action_listen")]


REPLY_TIMEOUT = 30
# python-engineio 4.15's async client needs aiohttp.ClientWSTimeout (aiohttp 3.10+) for
# websockets; with the aiohttp 3.9 that Rasa pins, the client long-polls instead. The
# browser widget (tests/unit/channels/test_widget_browser.py) covers the websocket path.
CLIENT_TRANSPORTS = ["websocket"] if hasattr(aiohttp, "ClientWSTimeout") else ["polling"]


class WidgetClient:
    """Does what the browser widget does, over python-socketio."""

    def __init__(
        self,
        base_url: str,
        session_id: Optional[str] = None,
        origin: Optional[str] = None,
        auth: Optional[Dict[str, Any]] = None,
    ) -> None:
        self.base_url = base_url
        self.session_id = session_id or uuid.uuid4().hex
        self.origin = origin
        self.auth = auth
        self.client = socketio.AsyncClient(reconnection=False)
        self.bot_messages: asyncio.Queue[Dict[str, Any]] = asyncio.Queue()
        self.confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.client.on("bot_uttered", self.bot_messages.put_nowait)
        self.client.on("session_confirm", self.confirmed.put_nowait)

    async def connect(self) -> WidgetClient:
        headers = {"Origin": self.origin} if self.origin else {}
        await self.client.connect(
            self.base_url,
            socketio_path="/socket.io",
            transports=CLIENT_TRANSPORTS,
            headers=headers,
            auth=self.auth,
            wait_timeout=10,
        )
        await self.client.emit("session_request", {"session_id": self.session_id})
        confirmed = await asyncio.wait_for(self.confirmed.get(), REPLY_TIMEOUT)
        assert confirmed == self.session_id
        return self

    async def say(self, text: str) -> None:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})

    async def next_bot_message(self, timeout: float = REPLY_TIMEOUT) -> Dict[str, Any]:
        return await asyncio.wait_for(self.bot_messages.get(), timeout)

    async def close(self) -> None:
        await self.client.disconnect()


async def connection_outcome(base_url: str, auth: Any) -> str:
    """ "connected" or "refused", as soon as the server decides (no client timeout)."""
    client = socketio.AsyncClient(reconnection=False)
    outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def settle(result: str) -> None:
        if not outcome.done():
            outcome.set_result(result)

    client.on("connect", lambda: settle("connected"))
    client.on("connect_error", lambda _data=None: settle("refused"))
    await client.connect(base_url, transports=CLIENT_TRANSPORTS, auth=auth, wait=False)
    try:
        return await asyncio.wait_for(outcome, REPLY_TIMEOUT)
    finally:
        await client.disconnect()
