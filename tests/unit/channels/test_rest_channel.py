"""Our REST channel (bot.channels.rest) over HTTP: a real Sanic server with the
channel's blueprint and a scripted stand-in for Rasa's agent (no trained model)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, Dict, List, Optional

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage, register

from bot.channels.guard import ChannelGuard
from bot.channels.notices import CHAT
from bot.channels.ratelimit import RateLimit
from bot.channels.rest import MAX_BODY_BYTES, RestInput
from bot.channels.screen import MAX_MESSAGE_CHARS
from tests.stand_ins import DeadActionServerAgent

WEBHOOK = "/webhooks/rest/webhook"


class Practice:
    name = "Riverside Massage Studio"
    phone = "+1 415 555 0100"
    emergency_number = "911"


class ScriptedAgent:
    """Plays Rasa's Agent: records each message and answers from a script."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        out, who, text = message.output_channel, message.sender_id, message.text
        if text == "silence":
            return
        if text == "boom":
            raise RuntimeError("the model fell over")
        if text == "menu":
            await out.send_text_with_buttons(who, "Pick one", [{"title": "Book", "payload": "/book"}])
            return
        await out.send_text_message(who, f"You said: {text}")


class RestHarness:
    def __init__(self, base_url: str, agent: Any, session: aiohttp.ClientSession) -> None:
        self.url = base_url + WEBHOOK
        self.base_url = base_url
        self.agent = agent
        self.session = session

    async def post(self, body: Any = None, raw: Optional[bytes] = None, content_type: str = "application/json"):
        data = raw if raw is not None else json.dumps(body).encode()
        async with self.session.post(self.url, data=data, headers={"Content-Type": content_type}) as resp:
            text = await resp.text()
            return resp.status, (json.loads(text) if text else None), resp.headers

    async def say(self, message: Any, sender: str = "client-1", **extra: Any) -> List[Dict[str, Any]]:
        status, replies, _ = await self.post({"sender": sender, "message": message, **extra})
        assert status == 200, replies
        assert isinstance(replies, list)
        return replies


@pytest.fixture
def rest_app(make_sanic_app, serve_sanic):
    """Factory: `async with rest_app(agent=..., rate_limit=...) as rest:`."""

    @contextlib.asynccontextmanager
    async def start(agent: Any = None, rate_limit: Optional[RateLimit] = None):
        channel = RestInput(ChannelGuard(CHAT, rate_limit, profile_loader=lambda: Practice()))
        app = make_sanic_app("rest")
        app.ctx.agent = agent or ScriptedAgent()
        register([channel], app, route="/webhooks/")
        async with serve_sanic(app) as base_url, aiohttp.ClientSession() as session:
            yield RestHarness(base_url, app.ctx.agent, session)

    return start


def texts(replies: List[Dict[str, Any]]) -> List[str]:
    return [reply.get("text", "") for reply in replies]


@pytest.mark.asyncio
async def test_a_good_request_gets_rasas_response_format(rest_app):
    async with rest_app() as rest:
        replies = await rest.say("menu", metadata={"page": "/prices"})
        assert replies == [
            {"recipient_id": "client-1", "text": "Pick one", "buttons": [{"title": "Book", "payload": "/book"}]}
        ]
        [message] = rest.agent.received
        assert message.sender_id == "client-1" and message.input_channel == "rest"
        assert message.metadata == {"page": "/prices"}
        async with rest.session.get(rest.base_url + "/webhooks/rest/") as resp:
            assert resp.status == 200 and (await resp.json()) == {"status": "ok"}


@pytest.mark.asyncio
async def test_a_client_cannot_claim_another_input_channel(rest_app):
    # Custom actions trust "sms" (they take the sender id as a phone number).
    async with rest_app() as rest:
        await rest.say("hello", input_channel="sms")
        assert rest.agent.received[0].input_channel == "rest"


BAD_REQUESTS = [
    ("malformed JSON", b'{"sender": "a", "message": ', "application/json", 400, "malformed_json"),
    ("JSON array", b'["a", "hi"]', "application/json", 400, "not_an_object"),
    ("JSON number", b"42", "application/json", 400, "not_an_object"),
    ("JSON string", b'"hi"', "application/json", 400, "not_an_object"),
    ("JSON null", b"null", "application/json", 400, "not_an_object"),
    ("empty body", b"", "application/json", 400, "malformed_json"),
    ("not UTF-8", b'{"sender": "a", "message": "\xff\xfe"}', "application/json", 400, "malformed_json"),
    ("deeply nested", b"[" * 50_000 + b"]" * 10_000, "application/json", 400, "malformed_json"),
    ("missing sender", b'{"message": "hi"}', "application/json", 400, "missing_sender"),
    ("numeric sender", b'{"sender": 7, "message": "hi"}', "application/json", 400, "bad_sender"),
    ("empty sender", b'{"sender": " ", "message": "hi"}', "application/json", 400, "bad_sender"),
    ("sender with a newline", b'{"sender": "a\\nb", "message": "hi"}', "application/json", 400, "bad_sender"),
    (
        "very long sender",
        json.dumps({"sender": "s" * 500, "message": "hi"}).encode(),
        "application/json",
        400,
        "bad_sender",
    ),
    ("missing message", b'{"sender": "a"}', "application/json", 400, "missing_message"),
    ("numeric message", b'{"sender": "a", "message": 5}', "application/json", 400, "bad_message"),
    ("list message", b'{"sender": "a", "message": ["hi"]}', "application/json", 400, "bad_message"),
    (
        "metadata not an object",
        b'{"sender": "a", "message": "hi", "metadata": [1]}',
        "application/json",
        400,
        "bad_metadata",
    ),
    ("form content type", b"sender=a&message=hi", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("text content type", b'{"sender": "a", "message": "hi"}', "text/plain", 415, "unsupported_media_type"),
    ("no content type", b'{"sender": "a", "message": "hi"}', "", 415, "unsupported_media_type"),
]


@pytest.mark.parametrize(
    "raw, content_type, status, error", [case[1:] for case in BAD_REQUESTS], ids=[case[0] for case in BAD_REQUESTS]
)
@pytest.mark.asyncio
async def test_bad_requests_get_a_clear_4xx_json_error(rest_app, raw, content_type, status, error):
    async with rest_app() as rest:
        got_status, body, headers = await rest.post(raw=raw, content_type=content_type)
        assert (got_status, body["error"]) == (status, error)
        assert headers["Content-Type"].startswith("application/json")
        assert len(body["message"]) > 10  # words a developer can act on
        assert rest.agent.received == []
        # The server is fine afterwards.
        assert texts(await rest.say("still there?")) == ["You said: still there?"]


@pytest.mark.asyncio
async def test_json_with_a_charset_or_a_json_suffix_type_is_accepted(rest_app):
    async with rest_app() as rest:
        body = json.dumps({"sender": "a", "message": "hi"}).encode()
        for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
            status, replies, _ = await rest.post(raw=body, content_type=content_type)
            assert status == 200 and texts(replies) == ["You said: hi"]


@pytest.mark.asyncio
async def test_an_oversized_body_is_refused_declared_or_streamed(rest_app):
    async with rest_app() as rest:
        big = json.dumps({"sender": "a", "message": "x" * (MAX_BODY_BYTES + 10)}).encode()
        status, body, _ = await rest.post(raw=big)
        assert (status, body["error"]) == (413, "body_too_large")

        async def chunks():  # no Content-Length: the limit holds while streaming
            for _ in range(200):
                yield b"x" * 1024

        async with rest.session.post(rest.url, data=chunks(), headers={"Content-Type": "application/json"}) as resp:
            assert resp.status == 413
        assert rest.agent.received == []


@pytest.mark.asyncio
async def test_other_methods_get_a_json_405(rest_app):
    async with rest_app() as rest:
        async with rest.session.get(rest.url) as resp:
            assert resp.status == 405 and (await resp.json())["error"] == "method_not_allowed"


@pytest.mark.asyncio
async def test_empty_and_blank_messages_get_a_prompt_without_reaching_the_bot(rest_app):
    async with rest_app() as rest:
        for blank in ("", "   ", "\n\t", "\u200b\x00"):
            [reply] = await rest.say(blank)
            assert reply["recipient_id"] == "client-1"
            assert reply["text"].startswith("Hi! What would you like to know?")
        assert rest.agent.received == []


@pytest.mark.asyncio
async def test_a_long_message_is_cut_and_the_reply_says_so_first(rest_app):
    async with rest_app() as rest:
        replies = await rest.say("please help " * 1000)  # 12,000 characters
        [message] = rest.agent.received
        assert len(message.text) <= MAX_MESSAGE_CHARS
        assert "only read the first part" in replies[0]["text"]
        assert replies[1]["text"].startswith("You said: please help")


@pytest.mark.asyncio
async def test_control_characters_never_reach_the_bot(rest_app):
    async with rest_app() as rest:
        await rest.say("what\x00 are \x1b your\u202e hours?\x7f")
        assert rest.agent.received[0].text == "what are your hours?"


@pytest.mark.parametrize(
    "text",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "'; DROP TABLE events; --", "\U0001f486\U0001f64f"],
)
@pytest.mark.asyncio
async def test_html_sql_and_emoji_pass_through_as_plain_text(rest_app, text):
    async with rest_app() as rest:
        [reply] = await rest.say(text)
        assert rest.agent.received[0].text == text
        assert reply["text"] == f"You said: {text}"  # JSON text, never turned into markup


@pytest.mark.asyncio
async def test_over_the_rate_limit_a_sender_gets_429_and_the_message_is_not_processed(rest_app):
    async with rest_app(rate_limit=RateLimit(burst=3, refill_seconds=60)) as rest:
        for n in range(3):
            await rest.say(f"message {n}", sender="flooder")
        status, body, headers = await rest.post({"sender": "flooder", "message": "one more"})
        assert status == 429
        assert body["error"] == "too_many_messages" and "wait" in body["message"]
        assert 1 <= int(headers["Retry-After"]) <= 60
        assert [m.text for m in rest.agent.received] == ["message 0", "message 1", "message 2"]
        # Someone else is not affected.
        assert texts(await rest.say("hi", sender="neighbour")) == ["You said: hi"]


@pytest.mark.asyncio
async def test_concurrent_floods_are_limited_too(rest_app):
    async with rest_app(rate_limit=RateLimit(burst=5, refill_seconds=60)) as rest:
        results = await asyncio.gather(*(rest.post({"sender": "burst", "message": "hi"}) for _ in range(20)))
        statuses = sorted(status for status, _, _ in results)
        assert statuses == [200] * 5 + [429] * 15
        assert len(rest.agent.received) == 5


@pytest.mark.asyncio
async def test_a_silent_or_failing_bot_still_gets_an_answer_with_the_phone(rest_app):
    async with rest_app() as rest:
        for text in ("silence", "boom"):
            [reply] = await rest.say(text)
            assert reply["text"].startswith("Sorry, I'm having trouble")
            assert Practice.phone in reply["text"]


@pytest.mark.asyncio
async def test_silence_from_a_dead_action_server_names_what_is_unavailable(rest_app):
    async with rest_app(agent=DeadActionServerAgent()) as rest:
        [reply] = await rest.say("I'd like to book a massage")
        assert "booking here is briefly unavailable" in reply["text"]
        assert Practice.phone in reply["text"]


def test_from_credentials_reads_the_rate_limit(monkeypatch):
    monkeypatch.setenv("CHANNEL_RATE_LIMIT_BURST", "7")
    assert RestInput.from_credentials(None).guard.limiter.limit.burst == 7
    configured = RestInput.from_credentials({"rate_limit": {"burst": 3, "refill_seconds": 1}})
    assert configured.guard.limiter.limit == RateLimit(3, 1.0)
    assert RestInput.name() == "rest"
