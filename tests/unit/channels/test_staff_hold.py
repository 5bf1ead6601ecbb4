"""Staff have the conversation: the assistant switched off for a channel, or a
human-only conversation. Every channel then keeps the message for staff (in the
conversation's tracker and the inbox) and tells the client the team will reply;
the bot never sees it."""

from __future__ import annotations

import base64
import hashlib
import hmac
from types import SimpleNamespace
from typing import Any, List

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from bot.channels.guard import ChannelGuard
from bot.channels.notices import CHAT, SMS, team_will_reply
from bot.channels.rest import RestInput
from bot.channels.sms import SmsInput
from bot.conversations.controls import HUMAN_ONLY, OFF, Controls


class Practice:
    name = "Riverside Massage Studio"
    phone = "+1 415 555 0100"
    sms = "+1 415 555 0101"
    emergency_number = "911"


class RecordingAgent:
    """Rasa's tracker and lock stores in memory; answers what reaches it."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self.lock_store = InMemoryLockStore()
        self.processor = SimpleNamespace(fetch_tracker_and_update_session=self._fetch)

    async def _fetch(self, sender: str, output_channel: Any = None, metadata: Any = None):
        return await self.tracker_store.get_or_create_tracker(sender)

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        await message.output_channel.send_text_message(message.sender_id, f"Bot: {message.text}")


@pytest.fixture
def controls(tmp_path):
    return Controls(f"sqlite:///{tmp_path / 'controls.db'}")


async def post_rest(base_url: str, sender: str, message: str) -> List[str]:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}) as r:
            assert r.status == 200
            return [m["text"] for m in await r.json()]


@pytest.mark.asyncio
async def test_rest_with_the_assistant_off_holds_every_message(make_sanic_app, serve_sanic, controls):
    agent = RecordingAgent()
    app = make_sanic_app("hold_rest")
    app.ctx.agent = agent
    register([RestInput(ChannelGuard(CHAT, profile_loader=Practice, controls=controls))], app, route="/webhooks/")
    async with serve_sanic(app) as base:
        assert await post_rest(base, "c1", "hello") == ["Bot: hello"]
        assert controls.set_assistant("rest", False, "maya")
        controls._invalidate()
        assert await post_rest(base, "c1", "are you there?") == [team_will_reply(CHAT)]
        assert await post_rest(base, "c2", "<b>hi</b>") == [team_will_reply(CHAT)]
        assert [m.text for m in agent.received] == ["hello"]  # the bot never saw the held ones
        held = controls.held()
        assert [(h.sender_id, h.text, h.reason) for h in held] == [
            ("c2", "<b>hi</b>", OFF),
            ("c1", "are you there?", OFF),
        ]
        tracker = await agent.tracker_store.retrieve("c1")
        user_events = [e for e in tracker.events if e.type_name == "user"]
        assert user_events[-1].text == "are you there?"
        assert user_events[-1].metadata == {"held_for_staff": OFF}
        assert tracker.events[-1].type_name == "action" and tracker.events[-1].action_name == "action_listen"

        controls.set_assistant("rest", True, "maya")
        controls._invalidate()
        assert await post_rest(base, "c1", "back?") == ["Bot: back?"]
        assert controls.mark_answered("c1", "maya") == 1 and [h.sender_id for h in controls.held()] == ["c2"]


def sign(url: str, params: dict, token: str = "twilio-token") -> str:
    data = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


@pytest.mark.asyncio
async def test_a_human_only_sms_conversation_never_reaches_the_assistant(
    make_sanic_app, serve_sanic, controls, tmp_path
):
    agent = RecordingAgent()
    channel = SmsInput(auth_token="twilio-token", state_path=tmp_path / "sms.db", profile_loader=Practice)
    channel.guard._controls = controls
    app = make_sanic_app("hold_sms")
    app.ctx.agent = agent
    register([channel], app, route="/webhooks/")
    client = "+15035550123"
    async with serve_sanic(app) as base, aiohttp.ClientSession() as session:
        url = f"{base}/webhooks/sms/webhook"

        async def text(body: str, sid: str, sender: str = client) -> str:
            params = {"From": sender, "Body": body, "MessageSid": sid, "NumMedia": "0"}
            async with session.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params)}) as r:
                assert r.status == 200
                return await r.text()

        controls.set_human_only(client, True, "daniel")
        controls._invalidate()
        first = await text("is Maya in today", "SM1")
        assert team_will_reply(SMS) in first
        second = await text("also can I bring my kid", "SM2")
        assert "<Message>" not in second  # one notice per few minutes by text: each one costs the client
        assert "Bot:" in await text("hi", "SM3", sender="+15035550999")  # other numbers: the assistant
        assert [m.sender_id for m in agent.received] == ["+15035550999"]
        assert [(h.text, h.reason) for h in controls.held(sender_id=client)] == [
            ("also can I bring my kid", HUMAN_ONLY),
            ("is Maya in today", HUMAN_ONLY),
        ]


def test_switches_default_on_and_only_record_changes(controls):
    assert [(s.channel, s.assistant_on) for s in controls.switches()] == [
        ("socketio", True),
        ("sms", True),
        ("rest", True),
    ]
    assert not controls.set_assistant("sms", True, "maya")  # already on
    assert controls.set_assistant("sms", False, "maya") and not controls.set_assistant("sms", False, "maya")
    switch = {s.channel: s for s in controls.switches()}["sms"]
    assert (switch.assistant_on, switch.changed_by) == (False, "maya")
    with pytest.raises(ValueError):
        controls.set_assistant("fax", False, "maya")
    assert controls.set_human_only("web-1", True, "maya") and not controls.set_human_only("web-1", True, "x")
    assert set(controls.human_only()) == {"web-1"}
    assert controls.set_human_only("web-1", False, "maya") and not controls.set_human_only("web-1", False, "maya")


def test_an_unreadable_database_leaves_the_assistant_on(tmp_path):
    broken = Controls("postgresql://nobody:x@127.0.0.1:1/none")
    assert broken.hold_reason("rest", "c1") is None


def test_the_switches_read_a_moment_ago_answer_without_the_database(controls, monkeypatch):
    assert controls.kept_hold_reason("sms", "c1") == (False, None)  # nothing read yet
    controls.set_assistant("sms", False, "maya")
    controls.set_human_only("web-2", True, "maya")
    assert controls.hold_reason("rest", "c1") is None  # reads the database, keeps what it read
    monkeypatch.setattr(controls, "_engine", lambda: pytest.fail("the kept switches must answer"))
    assert controls.kept_hold_reason("sms", "c1") == (True, OFF)
    assert controls.kept_hold_reason("rest", "web-2") == (True, HUMAN_ONLY)
    assert controls.kept_hold_reason("rest", "c1") == (True, None)
    controls._invalidate()  # older than the cache allows: must be read again
    assert controls.kept_hold_reason("sms", "c1") == (False, None)


@pytest.mark.asyncio
async def test_the_guard_asks_the_database_only_when_the_kept_switches_are_too_old():
    class Kept:
        fresh = True
        read = 0

        def kept_hold_reason(self, channel, sender):
            return (True, OFF) if self.fresh else (False, None)

        def hold_reason(self, channel, sender):
            self.read += 1
            return None

        def hold(self, *args):
            pass

    kept = Kept()
    guard = ChannelGuard(CHAT, controls=kept)
    assert await guard.hold_for_staff(RecordingAgent(), "rest", "c1", "hi") == team_will_reply(CHAT)
    assert kept.read == 0
    kept.fresh = False
    assert await guard.hold_for_staff(RecordingAgent(), "rest", "c1", "hi") is None
    assert kept.read == 1
