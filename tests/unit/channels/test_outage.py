"""Explaining a silent bot (bot.channels.outage, bot.channels.notices): which part is
down, and whether the action server answers. No Rasa server: local HTTP stand-ins."""

from __future__ import annotations

from typing import Any, List, Optional

import pytest
import yaml
from aiohttp import web
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.channels import notices
from bot.channels.outage import (
    BOOKING_ACTIONS,
    PRACTICE_INFO_ACTIONS,
    SAFETY_ACTIONS,
    THERAPIST_ACTIONS,
    ActionServerProbe,
    custom_actions_of_last_turn,
    explain_silence,
    health_url,
    part_for_action,
    unavailable_part,
)
from bot.paths import REPO_ROOT
from tests.net import free_port


def turn(text: str, *actions: str) -> List[Any]:
    return [UserUttered(text)] + [ActionExecuted(name) for name in actions]


def test_health_url_sits_next_to_the_webhook():
    assert health_url("http://127.0.0.1:5055/webhook") == "http://127.0.0.1:5055/health"
    assert health_url("https://actions.example/rasa/webhook/") == "https://actions.example/rasa/health"
    assert health_url("http://h:1/webhook?token=x") == "http://h:1/health"


def test_the_custom_actions_of_the_latest_message_name_the_part():
    events = turn("hi", "utter_greet", "action_listen") + turn(
        "I'd like to book a massage", "action_booking_intro", "booking_form", "action_finish_booking", "action_listen"
    )
    names = custom_actions_of_last_turn(events)
    assert names == ["action_booking_intro", "booking_form", "action_finish_booking"]
    assert unavailable_part(names) == notices.BOOKING
    handoff = turn(
        "can I talk to a person", "action_handoff", "callback_form", "action_finish_callback", "action_listen"
    )
    assert unavailable_part(custom_actions_of_last_turn(handoff)) == notices.THERAPIST
    hours = turn("what are your hours?", "action_practice_answer", "action_listen")
    assert unavailable_part(custom_actions_of_last_turn(hours)) == notices.PRACTICE_INFO
    # Safety wins over anything else that ran for the same message.
    assert unavailable_part(["action_answer_topic", "action_red_flag"]) == notices.SAFETY
    # Only responses ran (utter_*), or nothing at all: the part is unknown.
    faq = turn("why glutes?", "utter_why_glutes") + [BotUttered("...")]
    assert custom_actions_of_last_turn(faq) == []
    assert unavailable_part([]) == notices.UNKNOWN_PART
    assert custom_actions_of_last_turn([SlotSet("x", 1)]) == []


def test_every_custom_action_and_form_in_the_domain_is_placed():
    """A new action in domain.yml must be listed in bot/channels/outage.py, so an
    outage names the right part of the assistant."""
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    known = BOOKING_ACTIONS | THERAPIST_ACTIONS | SAFETY_ACTIONS | PRACTICE_INFO_ACTIONS
    # An entry is a name, or {name: options} for an action sent the domain (send_domain).
    names = [entry if isinstance(entry, str) else next(iter(entry)) for entry in domain.get("actions", [])]
    custom = [name for name in names if not name.startswith("utter_")]
    forms = list((domain.get("forms") or {}).keys())
    missing = sorted(set(custom + forms) - known)
    assert not missing, f"add these to a part in bot/channels/outage.py: {missing}"
    assert part_for_action("action_booking_intro") == notices.BOOKING
    assert part_for_action("action_handoff") == notices.THERAPIST


def test_notices_name_the_part_and_the_phone_in_chat_and_sms_wording():
    phone = "+1 415 555 0100"
    booking_chat = notices.unavailable(notices.BOOKING, notices.CHAT, phone)
    booking_sms = notices.unavailable(notices.BOOKING, notices.SMS, phone)
    assert "booking" in booking_chat and "briefly unavailable" in booking_chat and phone in booking_chat
    assert "by text" in booking_sms and phone in booking_sms
    therapist = notices.unavailable(notices.THERAPIST, notices.CHAT, phone)
    assert "talking to a therapist" in therapist and phone in therapist
    safety = notices.unavailable(notices.SAFETY, notices.SMS, phone, "911")
    assert "911" in safety and phone in safety
    unknown = notices.unavailable(notices.UNKNOWN_PART, notices.CHAT, phone)
    assert "booking and talking to a therapist" in unknown and phone in unknown
    # No phone (a broken profile): still a sentence that tells them what to do.
    assert notices.unavailable(notices.BOOKING, notices.CHAT, "").endswith("Please call us and we'll find you a time.")


class StandInActionServer:
    """An aiohttp server answering /health with a chosen status."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.hits = 0
        self.runner: Optional[web.AppRunner] = None
        self.url = ""

    async def __aenter__(self) -> StandInActionServer:
        async def health(_: web.Request) -> web.Response:
            self.hits += 1
            return web.json_response({"status": "ok"}, status=self.status)

        app = web.Application()
        app.router.add_get("/health", health)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/webhook"
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.runner.cleanup()


@pytest.mark.asyncio
async def test_probe_says_down_for_a_closed_port_or_a_server_error_and_up_otherwise():
    probe = ActionServerProbe(cache_seconds=0)
    closed = EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook")
    assert await probe.is_reachable(closed) is False
    assert await probe.is_reachable(None) is False  # no action server configured
    async with StandInActionServer() as server:
        assert await probe.is_reachable(EndpointConfig(server.url)) is True
        server.status = 503
        assert await probe.is_reachable(EndpointConfig(server.url)) is False
        server.status = 404  # something answers: actions are not what failed
        assert await probe.is_reachable(EndpointConfig(server.url)) is True


@pytest.mark.asyncio
async def test_probe_answers_a_burst_from_one_check():
    clock = [0.0]
    probe = ActionServerProbe(cache_seconds=5, clock=lambda: clock[0])
    async with StandInActionServer() as server:
        endpoint = EndpointConfig(server.url)
        for _ in range(5):
            assert await probe.is_reachable(endpoint)
        assert server.hits == 1
        clock[0] += 6
        await probe.is_reachable(endpoint)
        assert server.hits == 2


class TrackerStore:
    def __init__(self, events: List[Any]) -> None:
        self.events = events

    async def retrieve(self, sender_id: str) -> Any:
        return DialogueStateTracker.from_events(sender_id, self.events)


class AgentWith:
    """The two things explain_silence reads from Rasa's Agent."""

    def __init__(self, url: Optional[str], events: List[Any]) -> None:
        self.action_endpoint = EndpointConfig(url) if url else None
        self.tracker_store = TrackerStore(events)


@pytest.mark.asyncio
async def test_explain_silence_names_the_part_only_when_the_action_server_is_down():
    events = turn("can I talk to a person", "action_handoff", "callback_form", "action_listen")
    probe = ActionServerProbe(cache_seconds=0)
    down = AgentWith(f"http://127.0.0.1:{free_port()}/webhook", events)
    assert await explain_silence(down, "client", probe) == notices.THERAPIST
    async with StandInActionServer() as server:
        assert await explain_silence(AgentWith(server.url, events), "client", probe) is None
    # Stand-in agents without an action endpoint (tests) are never "down".
    assert await explain_silence(object(), "client", probe) is None
    assert await explain_silence(None, "client", probe) is None


@pytest.mark.asyncio
async def test_a_conversation_handed_to_staff_is_explained_whatever_the_action_server():
    events = turn("415 555 0199", "callback_form", "action_finish_callback") + [ConversationPaused()] + turn("hello?")
    probe = ActionServerProbe(cache_seconds=0)
    async with StandInActionServer() as server:
        assert await explain_silence(AgentWith(server.url, events), "client", probe) == notices.WITH_STAFF
    assert (
        await explain_silence(AgentWith(f"http://127.0.0.1:{free_port()}/webhook", events), "client", probe)
        == notices.WITH_STAFF
    )
    resumed = events + [ConversationResumed()] + turn("why glutes?", "action_listen")
    async with StandInActionServer() as server:
        assert await explain_silence(AgentWith(server.url, resumed), "client", probe) is None
