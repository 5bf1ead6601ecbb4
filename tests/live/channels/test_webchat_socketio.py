"""The widget's socket.io channel, driven by a python-socketio client.

The first tests run Rasa's real socket.io channel code in-process with a scripted
agent (no trained model). The last one talks to a running bot (`running_bot`).
Both guard the python-socketio pin: from 5.10 on, enter_room is a coroutine that
Rasa 3.6's stock channel never awaits, so with session persistence the bot's
replies silently never reach the client.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import socketio
from rasa.core.channels.socketio import SocketIOInput

from bot.channels.webchat import WebChatInput, origin_checker
from tests.stand_ins import CLIENT_TRANSPORTS, WidgetClient


def persistent_webchat(**kwargs: Any) -> WebChatInput:
    return WebChatInput("user_uttered", "bot_uttered", None, True, **kwargs)


@pytest.mark.asyncio
async def test_webchat_delivers_replies_to_a_persisted_session_across_reconnects(fake_rasa):
    async with fake_rasa(persistent_webchat()) as (base_url, agent):
        first = await WidgetClient(base_url).connect()
        await first.say("How will I be covered?")
        reply = await first.next_bot_message()
        assert "draped with a sheet" in reply["text"]
        assert [r["payload"] for r in reply["quick_replies"]] == ["/thanks", "/book_appointment"]
        assert agent.received[0].sender_id == first.session_id
        assert agent.received[0].input_channel == "socketio"
        await first.close()

        # A reload: a new socket asks for the same session and gets the replies.
        again = await WidgetClient(base_url, session_id=first.session_id).connect()
        await again.say("/thanks")
        assert (await again.next_bot_message())["text"].startswith("You're welcome!")
        assert [m.sender_id for m in agent.received] == [first.session_id] * 2
        await again.close()


@pytest.mark.asyncio
async def test_stock_rasa_socketio_channel_delivers_with_the_pinned_python_socketio(fake_rasa):
    """Fails if python-socketio is moved past 5.9 while the stock channel is in use."""
    stock = SocketIOInput("user_uttered", "bot_uttered", None, True)
    async with fake_rasa(stock) as (base_url, _):
        client = await WidgetClient(base_url).connect()
        await client.say("hello")
        assert (await client.next_bot_message(timeout=10))["text"] == "You said: hello"
        await client.close()


@pytest.mark.asyncio
async def test_a_session_only_hears_its_own_replies(fake_rasa):
    async with fake_rasa(persistent_webchat()) as (base_url, _):
        alice = await WidgetClient(base_url).connect()
        bob = await WidgetClient(base_url).connect()
        await alice.say("for alice")
        assert (await alice.next_bot_message())["text"] == "You said: for alice"
        with pytest.raises(asyncio.TimeoutError):
            await bob.next_bot_message(timeout=0.5)
        await alice.close()
        await bob.close()


@pytest.mark.asyncio
async def test_browser_origins_outside_the_allow_list_are_refused(fake_rasa):
    channel = persistent_webchat(cors_allowed_origins=["https://www.example-practice.com"])
    async with fake_rasa(channel) as (base_url, _):
        with pytest.raises(socketio.exceptions.ConnectionError):
            await WidgetClient(base_url, origin="https://evil.example").connect()
        allowed = await WidgetClient(base_url, origin="https://www.example-practice.com").connect()
        await allowed.say("hi")
        assert (await allowed.next_bot_message())["text"] == "You said: hi"
        await allowed.close()
        # Server-side clients send no Origin header; the allow-list is about browsers.
        no_origin = await WidgetClient(base_url).connect()
        await no_origin.close()


@pytest.mark.asyncio
async def test_a_bad_session_id_gets_a_fresh_one(fake_rasa):
    async with fake_rasa(persistent_webchat()) as (base_url, _):
        client = socketio.AsyncClient(reconnection=False)
        confirmed: asyncio.Queue[Any] = asyncio.Queue()
        client.on("session_confirm", confirmed.put_nowait)
        await client.connect(base_url, transports=CLIENT_TRANSPORTS)
        await client.emit("session_request", {"session_id": {"not": "a string"}})
        session_id = await asyncio.wait_for(confirmed.get(), 10)
        assert isinstance(session_id, str) and len(session_id) == 32
        await client.disconnect()


def test_origin_checker_rules():
    check = origin_checker(["https://www.example-practice.com/", "http://127.0.0.1:*"])
    assert check("https://www.example-practice.com")
    assert check("http://127.0.0.1:8080")
    assert check("http://127.0.0.1:39123")
    assert not check("http://127.0.0.1:8080.evil.example")
    assert not check("http://127.0.0.1")
    assert not check("https://www.example-practice.com.evil.example")
    assert not check(None)
    assert origin_checker("*") == "*"
    from_env = origin_checker("https://a.example, http://localhost:8080")
    assert from_env("https://a.example") and from_env("http://localhost:8080")
    assert not from_env("http://localhost:8081")
    default = origin_checker(None)
    assert default("http://localhost:8080") and not default("https://example.com")


def test_from_credentials_keeps_rasa_options_and_reads_origins():
    channel = WebChatInput.from_credentials(
        {"session_persistence": True, "cors_allowed_origins": ["https://a.example"]}
    )
    assert isinstance(channel, WebChatInput)
    assert channel.session_persistence is True
    assert channel.cors_allowed_origins == ["https://a.example"]
    assert channel.name() == "socketio"
    assert WebChatInput.from_credentials(None).cors_allowed_origins is None


@pytest.mark.asyncio
async def test_running_bot_answers_over_socketio_with_session_persistence(running_bot):
    """Against the real assistant: a persisted session gets a real bot message."""
    client = await WidgetClient(running_bot).connect()
    try:
        await client.say("How will I be covered?")
        reply = await client.next_bot_message(timeout=60)
        assert reply.get("text") or reply.get("quick_replies")
    finally:
        await client.close()

    # Reconnect with the same session id, as the widget does after a reload.
    again = await WidgetClient(running_bot, session_id=client.session_id).connect()
    try:
        await again.say("thanks")
        reply = await again.next_bot_message(timeout=60)
        assert reply.get("text") or reply.get("quick_replies")
    finally:
        await again.close()
