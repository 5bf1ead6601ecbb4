"""The web chat channel's hardening, driven by a python-socketio client against
Rasa's socket.io code in-process (scripted agent, no trained model): signed tokens,
the shared screen, the rate limit, never-silent replies, session ownership."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List

import jwt
import pytest

from bot.channels.chat_token import chat_token_is_valid, mint_chat_token
from bot.channels.guard import ChannelGuard
from bot.channels.notices import CHAT
from bot.channels.ratelimit import RateLimit, SenderRateLimiter
from bot.channels.webchat import WebChatInput
from tests.stand_ins import DeadActionServerAgent, FakeClock, WidgetClient, connection_outcome

SECRET = "test-secret-for-signing-widget-tokens"
QUIET = 0.5  # how long "no reply" is waited for


class Practice:
    name = "Riverside Massage Studio"
    phone = "+1 415 555 0100"
    emergency_number = "911"


def webchat(jwt_key: Any = None, rate_limit: Any = None) -> WebChatInput:
    guard = ChannelGuard(CHAT, rate_limit, profile_loader=lambda: Practice())
    return WebChatInput("user_uttered", "bot_uttered", None, True, jwt_key=jwt_key, guard=guard)


async def replies_until_quiet(client: WidgetClient) -> List[Dict[str, Any]]:
    replies = []
    while True:
        try:
            replies.append(await client.next_bot_message(timeout=QUIET))
        except asyncio.TimeoutError:
            return replies


# -- signed tokens ----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_with_a_key_set_only_a_validly_signed_token_connects(fake_rasa):
    async with fake_rasa(webchat(jwt_key=SECRET)) as (base_url, agent):
        now = time.time()
        refused = [
            None,  # no token at all
            {},
            {"token": ""},
            {"token": "not-a-jwt"},
            {"token": mint_chat_token("someone-elses-secret")},
            {"token": mint_chat_token(SECRET, now=now - 3600)},  # expired
            {"token": jwt.encode({"sub": "no expiry"}, SECRET, algorithm="HS256")},
            {"token": jwt.encode({"exp": int(now) + 60}, SECRET, algorithm="HS512")},  # another algorithm
        ]
        for auth in refused:
            assert await connection_outcome(base_url, auth) == "refused", auth
        assert await connection_outcome(base_url, {"token": mint_chat_token(SECRET)}) == "connected"
        assert agent.received == []

        client = await WidgetClient(base_url, auth={"token": mint_chat_token(SECRET)}).connect()
        await client.say("hello")
        assert (await client.next_bot_message())["text"] == "You said: hello"
        await client.close()
        bearer = await WidgetClient(base_url, auth={"token": "Bearer " + mint_chat_token(SECRET)}).connect()
        await bearer.close()


@pytest.mark.asyncio
async def test_without_a_key_no_token_is_needed(fake_rasa):
    async with fake_rasa(webchat()) as (base_url, _):
        client = await WidgetClient(base_url).connect()
        await client.say("hi")
        assert (await client.next_bot_message())["text"] == "You said: hi"
        await client.close()


def test_the_key_comes_from_credentials_or_the_environment(monkeypatch):
    monkeypatch.delenv("WEBCHAT_JWT_SECRET", raising=False)
    assert WebChatInput.from_credentials({"session_persistence": True}).jwt_key is None  # off by default
    monkeypatch.setenv("WEBCHAT_JWT_SECRET", "from-env")
    assert WebChatInput.from_credentials({}).jwt_key == "from-env"
    configured = WebChatInput.from_credentials({"jwt_key": "from-credentials", "jwt_method": "HS384"})
    assert (configured.jwt_key, configured.jwt_algorithm) == ("from-credentials", "HS384")
    token = jwt.encode({"exp": int(time.time()) + 60}, "from-credentials", algorithm="HS384")
    assert configured.token_is_valid({"token": token})
    assert not configured.token_is_valid({"token": token + "x"})
    assert not configured.token_is_valid("just a string")


def test_minted_tokens_are_short_lived():
    token = mint_chat_token(SECRET)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert 0 < claims["exp"] - claims["iat"] <= 600
    assert chat_token_is_valid(token, SECRET)
    assert not chat_token_is_valid(token, "other")


# -- the shared screen ------------------------------------------------------------------


@pytest.mark.asyncio
async def test_blank_messages_get_a_prompt_and_never_reach_the_bot(fake_rasa):
    async with fake_rasa(webchat()) as (base_url, agent):
        client = await WidgetClient(base_url).connect()
        for blank in ("", "   ", "\x00\u200b", None):
            await client.client.emit("user_uttered", {"message": blank, "session_id": client.session_id})
            reply = await client.next_bot_message()
            assert reply["text"].startswith("Hi! What would you like to know?")
        assert agent.received == []
        await client.close()


@pytest.mark.asyncio
async def test_a_long_message_is_cut_with_a_note_and_markup_stays_text(fake_rasa):
    async with fake_rasa(webchat()) as (base_url, agent):
        client = await WidgetClient(base_url).connect()
        await client.say("<b>hi</b> " * 2000)
        note, answer = await client.next_bot_message(), await client.next_bot_message()
        assert "only read the first part" in note["text"]
        assert answer["text"].startswith("You said: <b>hi</b> <b>hi</b>")
        assert len(agent.received[0].text) <= 1000
        await client.say("ok\x00\x1b<script>alert(1)</script>")
        assert (await client.next_bot_message())["text"] == "You said: ok<script>alert(1)</script>"
        await client.close()


@pytest.mark.asyncio
async def test_odd_payloads_are_ignored_without_breaking_the_socket(fake_rasa):
    async with fake_rasa(webchat()) as (base_url, agent):
        client = await WidgetClient(base_url).connect()
        for odd in ("just a string", 42, ["a", "list"], None):
            await client.client.emit("user_uttered", odd)
        await client.client.emit(
            "user_uttered", {"message": "with bad metadata", "session_id": client.session_id, "metadata": "{not json"}
        )
        assert (await client.next_bot_message())["text"] == "You said: with bad metadata"
        assert agent.received[0].metadata == {}
        assert [m.text for m in agent.received] == ["with bad metadata"]
        await client.close()


@pytest.mark.asyncio
async def test_a_socket_can_only_speak_for_the_session_it_asked_for(fake_rasa):
    async with fake_rasa(webchat()) as (base_url, agent):
        victim = await WidgetClient(base_url).connect()
        intruder = await WidgetClient(base_url).connect()
        await intruder.client.emit("user_uttered", {"message": "pretending", "session_id": victim.session_id})
        assert await replies_until_quiet(victim) == []
        assert agent.received == []
        await victim.close()
        await intruder.close()


# -- rate limit -------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_over_the_rate_limit_one_polite_message_then_nothing_is_processed(fake_rasa):
    channel = webchat()
    clock = FakeClock()
    channel.guard.limiter = SenderRateLimiter(RateLimit(burst=2, refill_seconds=5), clock)
    async with fake_rasa(channel) as (base_url, agent):
        client = await WidgetClient(base_url).connect()
        for text in ("one", "two"):
            await client.say(text)
            assert (await client.next_bot_message())["text"] == f"You said: {text}"
        for text in ("three", "four", "five"):
            await client.say(text)
        [polite] = await replies_until_quiet(client)
        assert "a little fast" in polite["text"] and "send it again" in polite["text"]
        assert [m.text for m in agent.received] == ["one", "two"]
        clock.advance(5)
        await client.say("six")
        assert (await client.next_bot_message())["text"] == "You said: six"
        await client.close()


# -- never silent ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_dead_action_server_is_explained_with_the_phone(fake_rasa):
    async with fake_rasa(webchat(), agent=DeadActionServerAgent()) as (base_url, _):
        client = await WidgetClient(base_url).connect()
        await client.say("I'd like to book a massage")
        reply = await client.next_bot_message()
        assert reply["text"].startswith("Sorry, booking here is briefly unavailable.")
        assert Practice.phone in reply["text"]
        await client.close()


@pytest.mark.asyncio
async def test_a_silent_scripted_bot_gets_a_general_apology(fake_rasa):
    class SilentAgent:
        async def handle_message(self, message: Any) -> None:
            return None

    async with fake_rasa(webchat(), agent=SilentAgent()) as (base_url, _):
        client = await WidgetClient(base_url).connect()
        await client.say("anything")
        reply = await client.next_bot_message()
        assert reply["text"].startswith("Sorry, I'm having trouble") and Practice.phone in reply["text"]
        await client.close()


@pytest.mark.asyncio
async def test_messages_are_capped_at_64_kb(fake_rasa):
    async with fake_rasa(webchat()) as (base_url, agent):
        client = WidgetClient(base_url)
        await client.connect()
        await client.client.emit("user_uttered", {"message": "x" * 200_000, "session_id": client.session_id})
        await asyncio.sleep(QUIET)
        assert agent.received == []  # the oversized packet was dropped, not read
        await client.client.disconnect()
