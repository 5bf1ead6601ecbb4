"""The staff console in-process (aiohttp's test client, no servers): its own request
database, a tracker store written with Rasa's SQLTrackerStore, a copy of the practice
profile, and stand-ins for Rasa's HTTP API and for Twilio."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.console.accounts import StaffAccounts
from bot.console.app import Settings, build_app
from bot.console.audit import AuditLog
from bot.console.review import ReviewQueue
from bot.console.services import Services, SmsNotConfigured
from bot.conversations.controls import Controls
from bot.conversations.feedback import FeedbackStore
from bot.conversations.tracker_reader import TrackerReader
from bot.practice.profile import DEFAULT_PROFILE_PATH, PROFILE_ENV_VAR
from bot.requests.models import BookingRequest, CallbackRequest
from bot.requests.store import RequestStore
from tests.unit.conversations.tracker_files import (
    BASE,
    action,
    bot,
    handoff_conversation,
    stamped,
    user,
    write_conversations,
)

PASSWORD = "correct horse battery"
XSS = "<script>alert('x')</script>"


class FakeRasa:
    """Records what the console asks of Rasa's HTTP API."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, ...]] = []

    def staff_reply(self, sender_id: str, text: str, staff: str, deliver_on: Optional[str] = None) -> None:
        self.calls.append(("reply", sender_id, text, staff, deliver_on or ""))

    def resume(self, sender_id: str) -> None:
        self.calls.append(("resume", sender_id))

    def pause(self, sender_id: str) -> None:
        self.calls.append(("pause", sender_id))


class FakeSms:
    def __init__(self) -> None:
        self.sent: List[Tuple[str, str, str]] = []
        self.configured = True

    def __call__(self, to: str, body: str, from_number: str) -> None:
        if not self.configured:
            raise SmsNotConfigured("Text messages can't be sent from the console: TWILIO_ACCOUNT_SID is not set.")
        self.sent.append((to, body, from_number))


@dataclass
class Console:
    client: TestClient
    services: Services
    rasa: FakeRasa
    sms: FakeSms
    references: Dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    async def page(self, path: str, **kwargs: Any):
        response = await self.client.get(path, allow_redirects=False, **kwargs)
        return response, await response.text()

    async def refresh_csrf(self, path: str = "/login") -> str:
        _, text = await self.page(path)
        found = re.search(r'name="csrf_token" value="([^"]+)"', text)
        self.csrf = found.group(1) if found else ""
        return self.csrf

    async def login(self, name: str = "maya", password: str = PASSWORD):
        if not await self.refresh_csrf("/login"):  # already logged in: /login redirects
            await self.refresh_csrf("/audit")
        response = await self.client.post(
            "/login",
            data={"name": name, "password": password, "csrf_token": self.csrf, "next": "/"},
            allow_redirects=False,
        )
        if response.status == 303:
            await self.refresh_csrf("/audit")
        return response

    async def post(self, path: str, data: Optional[Dict[str, str]] = None, csrf: Optional[str] = None, **kwargs: Any):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf if csrf is None else csrf)
        response = await self.client.post(path, data=data, allow_redirects=False, **kwargs)
        return response, await response.text()


def seed_conversations(path: Path) -> str:
    sms = stamped(
        [
            action("action_listen"),
            user("can someone call me back", "talk_to_therapist", 0.98, "sms"),
            action("action_handoff"),
            bot("Of course."),
        ],
        BASE + 3600,
    )
    sms_paused = sms + stamped(
        [__import__("rasa.shared.core.events", fromlist=["x"]).ConversationPaused()], BASE + 3700
    )
    chatting = stamped(
        [
            action("action_listen"),
            user("r u open sat", "hours", 0.97, "rest"),
            action("action_practice_answer"),
            bot("Yes, 10-4."),
        ],
        BASE + 7200,
    )
    return write_conversations(
        path,
        {"web-1": handoff_conversation(), "+15035550123": sms_paused, "rest-9": chatting},
    )


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """argon2 with small costs: the same code paths, a fraction of the time (real costs in production)."""
    from argon2 import PasswordHasher

    import bot.console.accounts as accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def profile_copy(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "profile.yml"
    shutil.copy(DEFAULT_PROFILE_PATH, path)
    monkeypatch.setenv(PROFILE_ENV_VAR, str(path))
    return path


@pytest.fixture
def services(tmp_path, profile_copy) -> Tuple[Services, FakeRasa, FakeSms]:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    reader = TrackerReader(seed_conversations(tmp_path / "conversations.db"))
    rasa, sms = FakeRasa(), FakeSms()
    built = Services(
        store=RequestStore(url, tmp_path / "spool"),
        reader=reader,
        controls=Controls(url),
        feedback=FeedbackStore(url),
        accounts=StaffAccounts(url),
        audit=AuditLog(url),
        review=ReviewQueue(reader, url),
        rasa=rasa,  # type: ignore[arg-type]
        send_sms=sms,
        reviewed_path=tmp_path / "nlu" / "reviewed.yml",
        profile_file=lambda: profile_copy,
    )
    built.accounts.add("maya", PASSWORD)
    built.accounts.add("daniel", PASSWORD + "!")
    return built, rasa, sms


def seed_requests(store: RequestStore) -> Dict[str, str]:
    created = dt.datetime.fromtimestamp(BASE, tz=dt.timezone.utc)
    booking = BookingRequest(
        name=f"Ana {XSS}",
        phone="+1 503 555 0142",
        email="ana@example.com",
        requested_text="thursday after work",
        service_key="prenatal_60",
        include_glutes=True,
        note="30 weeks along",
        prenatal_flag=True,
        channel="socketio",
        sender_id="web-1",
        created_at=created,
    )
    callback = CallbackRequest(
        name="Sam Lee",
        phone="503-555-0123",
        best_time="mornings",
        question="can someone call me back",
        channel="sms",
        sender_id="+15035550123",
        created_at=created + dt.timedelta(minutes=5),
    )
    lonely = CallbackRequest(name="No Chat", phone="503-555-0999", created_at=created - dt.timedelta(days=1))
    return {
        "booking": store.save(booking).reference,
        "callback": store.save(callback).reference,
        "lonely": store.save(lonely).reference,
    }


@pytest_asyncio.fixture
async def console(services) -> Console:
    built, rasa, sms = services
    references = seed_requests(built.store)
    app = build_app(built, Settings(secret=b"k" * 32))
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield Console(client, built, rasa, sms, references)
    finally:
        await client.close()


@pytest_asyncio.fixture
async def logged_in(console) -> Console:
    response = await console.login()
    assert response.status == 303, await response.text()
    return console
