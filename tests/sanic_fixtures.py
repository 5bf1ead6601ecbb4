"""Fixtures for channel tests (unit and live): Sanic apps served in-process and a scripted stand-in Rasa.

Registered for the whole suite by tests/conftest.py (pytest_plugins).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from typing import AsyncIterator

import pytest

from tests.net import free_port

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def new_sanic_app(prefix: str):
    from sanic import Sanic

    # Test mode lets Sanic start several apps in one process (it re-applies its
    # start-up code rewriting to the original methods instead of rewritten ones).
    Sanic.test_mode = True
    return Sanic(f"{prefix}_{uuid.uuid4().hex[:8]}")


@contextlib.asynccontextmanager
async def running_sanic(app) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 inside the test's event loop; yields the base URL."""
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()


@pytest.fixture
def make_sanic_app():
    return new_sanic_app


@pytest.fixture
def serve_sanic():
    """`async with serve_sanic(app) as base_url:` serves the app for the block."""
    return running_sanic


# -- a stand-in Rasa for the socket.io channel: Rasa's own channel code, scripted answers --

DRAPING_ANSWER = (
    "You're draped with a sheet the whole time. Only the area being massaged is uncovered, "
    "and for glute work the leg is uncovered up to the top of the hip."
)
DRAPING_BUTTONS = [
    {"title": "Thanks!", "payload": "/thanks"},
    {"title": "Book a visit", "payload": "/book_appointment"},
]


class ScriptedWebAgent:
    """Plays rasa's Agent for socket.io tests: records messages, answers from a script."""

    def __init__(self) -> None:
        self.received = []

    async def handle_message(self, message) -> None:
        self.received.append(message)
        out, who, text = message.output_channel, message.sender_id, (message.text or "")
        if "covered" in text.lower():
            await out.send_text_with_buttons(who, DRAPING_ANSWER, DRAPING_BUTTONS)
        elif text == "/thanks":
            await out.send_text_message(who, "You're welcome! <b>Anything</b> else?")
        else:
            await out.send_text_message(who, f"You said: {text}")


@pytest.fixture
def fake_rasa(make_sanic_app, serve_sanic):
    """Factory: `async with fake_rasa(channel) as (base_url, agent):` serves `channel`
    (a socket.io InputChannel) the way `rasa run` mounts it, with a scripted agent
    (or the `agent` given)."""
    from rasa.core.channels.channel import register

    @contextlib.asynccontextmanager
    async def start(channel, agent=None):
        app = make_sanic_app("rasa")
        agent = agent or ScriptedWebAgent()
        app.ctx.agent = agent
        register([channel], app, route="/webhooks/")
        async with serve_sanic(app) as base_url:
            yield base_url, agent

    return start
