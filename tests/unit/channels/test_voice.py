"""Missed-call text-back over HTTP: the voice webhook beside the SMS channel, a fake Twilio REST client."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
import xml.etree.ElementTree as ElementTree
from typing import Any, Dict, List, Optional

import aiohttp
import pytest
from rasa.core.channels.channel import register

from bot.channels.sms import SmsInput
from bot.channels.sms_state import SmsStateStore
from bot.channels.voice import VoiceInput
from tests.unit.channels.test_sms import PRACTICE, TOKEN, ScriptedAgent, message_bodies, sign

VOICE = "/webhooks/voice/webhook"
SMS = "/webhooks/sms/webhook"
CALLER = "+15035550123"
PRACTICE_NUMBER = "+14155550101"


class FakeTwilio:
    """Stands in for twilio.rest.Client: records every message create() call."""

    def __init__(self, fail: bool = False):
        self.sent: List[Dict[str, str]] = []
        self.fail = fail
        self._lock = threading.Lock()
        self.messages = self

    def create(self, to: str, from_: str, body: str) -> Any:
        if self.fail:
            raise RuntimeError("Twilio said 503")
        with self._lock:
            self.sent.append({"to": to, "from": from_, "body": body})
        return type("Message", (), {"sid": f"SM{len(self.sent):032d}"})()


class Harness:
    def __init__(self, base_url: str, session: aiohttp.ClientSession, voice: VoiceInput, agent: ScriptedAgent):
        self.base_url, self.session, self.voice, self.agent = base_url, session, voice, agent

    async def call(self, caller: str = CALLER, signature: Optional[str] = "auto", **extra: str):
        params = {
            "CallSid": "CA" + uuid.uuid4().hex,
            "AccountSid": "AC" + "0" * 32,
            "From": caller,
            "To": PRACTICE_NUMBER,
            "CallStatus": "ringing",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            **extra,
        }
        url = self.base_url + VOICE
        headers = {"X-Twilio-Signature": sign(url, params) if signature == "auto" else signature}
        if signature is None:
            headers = {}
        async with self.session.post(url, data=params, headers=headers) as resp:
            status, payload = resp.status, await resp.text()
        await asyncio.gather(*list(self.voice._sending))  # the text goes out after the answer
        return status, payload

    async def text(self, body: str, caller: str = CALLER) -> List[str]:
        sid = "SM" + uuid.uuid4().hex
        params = {"MessageSid": sid, "Body": body, "From": caller, "To": PRACTICE_NUMBER, "NumMedia": "0"}
        url = self.base_url + SMS
        async with self.session.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)}) as resp:
            assert resp.status == 200
            return message_bodies(await resp.text())


def said(twiml: str) -> List[str]:
    root = ElementTree.fromstring(twiml)
    assert root.tag == "Response"
    return [element.text or "" for element in root.findall("Say")]


@pytest.fixture
def voice_app(make_sanic_app, serve_sanic, tmp_path):
    @contextlib.asynccontextmanager
    async def start(twilio: Optional[FakeTwilio] = None, **voice_kwargs: Any):
        store = SmsStateStore(tmp_path / "sms_state.sqlite3")
        voice_kwargs.setdefault("auth_token", TOKEN)
        voice_kwargs.setdefault("account_sid", "AC" + "0" * 32)
        voice = VoiceInput(store=store, rest_client=twilio, profile_loader=lambda: PRACTICE, **voice_kwargs)
        sms = SmsInput(auth_token=TOKEN, store=store, profile_loader=lambda: PRACTICE)
        app = make_sanic_app("voice")
        agent = ScriptedAgent()
        app.ctx.agent = agent
        register([voice, sms], app, route="/webhooks/")
        async with serve_sanic(app) as base_url, aiohttp.ClientSession() as session:
            yield Harness(base_url, session, voice, agent)

    return start


@pytest.mark.asyncio
async def test_a_missed_call_gets_one_text_that_starts_a_conversation(voice_app):
    twilio = FakeTwilio()
    async with voice_app(twilio) as harness:
        status, payload = await harness.call()
        assert status == 200
        [spoken] = said(payload)
        assert "Riverside Massage Studio" in spoken and "We're sending you a text message now" in spoken
        assert "<Hangup" in payload
        [text] = twilio.sent
        assert (text["to"], text["from"]) == (CALLER, PRACTICE_NUMBER)
        assert "Sorry we missed your call" in text["body"] and "Reply 1 to book" in text["body"]
        assert "STOP to opt out" in text["body"]

        # Their "1" reaches the assistant as a booking request: a conversation has begun.
        assert await harness.text("1") == ["Great! You can book online any time."]
        assert harness.agent.received[-1].text == "/book_appointment"
        assert harness.agent.received[-1].sender_id == CALLER


@pytest.mark.asyncio
async def test_one_text_per_caller_every_few_hours(voice_app):
    twilio = FakeTwilio()
    async with voice_app(twilio) as harness:
        await harness.call()
        status, payload = await harness.call()  # called again ten minutes later
        assert status == 200
        assert "Please call again later" in said(payload)[0]
        await harness.call(caller="+15035550124")  # someone else still gets theirs
        assert [t["to"] for t in twilio.sent] == [CALLER, "+15035550124"]


@pytest.mark.asyncio
async def test_forged_or_missing_signatures_are_refused_and_nobody_is_texted(voice_app):
    twilio = FakeTwilio()
    async with voice_app(twilio) as harness:
        assert (await harness.call(signature="bm90IGEgc2lnbmF0dXJl"))[0] == 403
        assert (await harness.call(signature=None))[0] == 403
        other = sign(harness.base_url + VOICE, {"From": CALLER}, token="someone-elses-token")
        assert (await harness.call(signature=other))[0] == 403
        assert twilio.sent == []


@pytest.mark.asyncio
async def test_stop_is_honoured(voice_app):
    twilio = FakeTwilio()
    async with voice_app(twilio) as harness:
        await harness.text("STOP")
        status, payload = await harness.call()
        assert status == 200 and twilio.sent == []
        assert "text" not in said(payload)[0].lower()


@pytest.mark.asyncio
async def test_withheld_numbers_and_answered_calls_get_no_text(voice_app):
    twilio = FakeTwilio()
    async with voice_app(twilio) as harness:
        status, payload = await harness.call(caller="anonymous")
        assert status == 200 and said(payload)
        status, payload = await harness.call(DialCallStatus="completed")  # a therapist picked up after all
        assert status == 200 and said(payload) == []
        assert twilio.sent == []


@pytest.mark.asyncio
async def test_a_failed_send_lets_the_next_call_try_again(voice_app):
    twilio = FakeTwilio(fail=True)
    async with voice_app(twilio) as harness:
        assert (await harness.call())[0] == 200
        twilio.fail = False
        await harness.call()
        assert len(twilio.sent) == 1


@pytest.mark.asyncio
async def test_without_twilio_credentials_the_call_is_still_answered(voice_app):
    async with voice_app(None, account_sid=None) as harness:
        status, payload = await harness.call()
        assert status == 200 and "Please call again later" in said(payload)[0]


def test_from_credentials_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "ACenv")
    monkeypatch.setenv("TWILIO_API_BASE_URL", "http://127.0.0.1:9/")
    channel = VoiceInput.from_credentials({"state_path": str(tmp_path / "s.db"), "text_back_every_hours": 2})
    assert (channel.signature.auth_token, channel.account_sid) == ("env-token", "ACenv")
    assert channel.text_back_every_seconds == 7200
    client = channel._client()
    assert client.api.base_url == "http://127.0.0.1:9"  # where the REST calls go (tests only)


def test_a_caller_may_be_texted_again_once_the_interval_has_passed(tmp_path, monkeypatch):
    import bot.channels.sms_state as sms_state

    store = SmsStateStore(tmp_path / "state.db")
    now = [1_000_000.0]
    monkeypatch.setattr(sms_state.time, "time", lambda: now[0])
    four_hours = 4 * 3600
    assert store.claim_text_back(CALLER, four_hours)
    now[0] += four_hours - 60
    assert not store.claim_text_back(CALLER, four_hours)
    now[0] += 61
    assert store.claim_text_back(CALLER, four_hours)
    store.release_text_back(CALLER)
    assert store.claim_text_back(CALLER, four_hours)
