"""The console's tables, the request store's migration and the tracker reader on PostgreSQL.

Starts a throwaway PostgreSQL (Debian's package, as the scale-out test does) and runs
the console in-process against it: the same code paths as on SQLite. Skips, saying
why, where PostgreSQL is not installed.
"""

from __future__ import annotations

import asyncio
import re
from typing import Iterator

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer

from bot.console.accounts import MAX_FAILURES, StaffAccounts
from bot.console.app import Settings, build_app
from bot.console.audit import AuditLog
from bot.console.review import ReviewQueue
from bot.console.services import Services
from bot.conversations import database
from bot.conversations.controls import OFF, Controls
from bot.conversations.feedback import FeedbackStore
from bot.conversations.tracker_reader import TrackerReader
from bot.requests.store import RequestStore
from tests.live.scale.services import (
    POSTGRES_ACCOUNT,
    postgres_account_exists,
    postgres_bin_dir,
    postgres_server,
    running_as_root,
)
from tests.unit.console.conftest import PASSWORD, FakeRasa, FakeSms, seed_requests
from tests.unit.conversations.tracker_files import handoff_conversation

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def postgres() -> Iterator:
    if postgres_bin_dir() is None:
        pytest.skip(
            "PostgreSQL is not installed (Debian package `postgresql`): the PostgreSQL console tests are skipped"
        )
    if running_as_root() and not postgres_account_exists():
        pytest.skip(
            f"PostgreSQL needs the '{POSTGRES_ACCOUNT}' account under root: the PostgreSQL console tests are skipped"
        )
    with postgres_server() as server:
        server.create_database("requests")
        server.create_database("tracker")
        yield server
    database.forget()


def save_conversation(postgres, sender: str) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    async def save() -> None:
        store = SQLTrackerStore(
            dialect="postgresql",
            host="127.0.0.1",
            port=postgres.port,
            db="tracker",
            username=postgres.username,
            password=postgres.password,
        )
        await store.save(DialogueStateTracker.from_events(sender, handoff_conversation()))
        store.engine.dispose()

    asyncio.run(save())


def test_an_old_request_table_gets_the_staff_columns(postgres):
    url = postgres.url("requests")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS client_requests"))
        conn.execute(
            sa.text(
                "CREATE TABLE client_requests (reference VARCHAR(16) PRIMARY KEY, kind VARCHAR(16) NOT NULL, "
                "status VARCHAR(16) NOT NULL, created_at TIMESTAMP NOT NULL, handled_at TIMESTAMP, name TEXT NOT NULL, "
                "phone TEXT, email TEXT, channel TEXT, sender_id TEXT, requested_start TIMESTAMP, requested_text TEXT, "
                "service_key TEXT, include_glutes BOOLEAN, note TEXT, prenatal_flag BOOLEAN, best_time TEXT, "
                "question TEXT, transcript TEXT)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO client_requests (reference, kind, status, created_at, name, phone) "
                "VALUES ('RC-23456', 'callback', 'pending', '2026-05-01 10:00:00', 'Old Row', '503 555 0100')"
            )
        )
    engine.dispose()
    # Two stores at once, as the action server and the console would start.
    first, second = RequestStore(url), RequestStore(url)
    try:
        assert first.get("RC-23456").staff_note == "" and second.get("RC-23456").name == "Old Row"
        assert first.set_staff_note("RC-23456", "called twice") and second.mark_handled("RC-23456", by="maya")
        again = second.get("RC-23456")
        assert (again.staff_note, again.handled_by, again.status) == ("called twice", "maya", "handled")
    finally:
        first.close()
        second.close()


def test_tables_and_the_tracker_reader_on_postgresql(postgres, pinned_clock):
    pinned_clock("2026-06-02T10:00:00-07:00")
    url = postgres.url("requests")
    save_conversation(postgres, "web-pg")
    reader = TrackerReader(postgres.url("tracker"))
    try:
        assert reader.senders_matching("SWOLLEN") == ["web-pg"]
        assert reader.senders_with_intent(["web-pg", "x"], ["medical_red_flag"]) == ["web-pg"]
        items = ReviewQueue(reader, url).items()
        assert {i.text for i in items} == {"does glute work help a stiff hip?", "qwxz blorp"}
    finally:
        reader.close()
    controls = Controls(url)
    assert controls.set_assistant("socketio", False, "maya") and controls.hold_reason("socketio", "a") == OFF
    controls.hold("a", "socketio", "hello?", OFF)
    assert controls.mark_answered("a", "maya") == 1
    feedback = FeedbackStore(url)
    feedback.record("web-pg", 12.5, "pricing", "It's $95.", 1, "socketio")
    feedback.record("web-pg", 12.5, "pricing", "It's $95.", -1, "socketio")
    assert feedback.by_topic() == {"pricing": (0, 1)}
    accounts = StaffAccounts(url)
    accounts.add("pg-staff", PASSWORD)
    for _ in range(MAX_FAILURES):
        accounts.verify("pg-staff", "wrong")
    assert accounts.verify("pg-staff", PASSWORD).locked
    AuditLog(url).record("maya", "handle", "RB-23456")
    assert AuditLog(url).recent(1)[0].target == "RB-23456"


@pytest.mark.asyncio
async def test_the_console_on_postgresql(postgres, tmp_path):
    url = postgres.url("requests")
    await asyncio.to_thread(save_conversation, postgres, "web-1")
    reader = TrackerReader(postgres.url("tracker"))
    services = Services(
        store=RequestStore(url, tmp_path / "spool"),
        reader=reader,
        controls=Controls(url),
        feedback=FeedbackStore(url),
        accounts=StaffAccounts(url),
        audit=AuditLog(url),
        review=ReviewQueue(reader, url),
        rasa=FakeRasa(),  # type: ignore[arg-type]
        send_sms=FakeSms(),
        reviewed_path=tmp_path / "reviewed.yml",
    )
    services.accounts.add("maya-pg", PASSWORD)
    references = seed_requests(services.store)
    async with TestClient(TestServer(build_app(services, Settings(secret=b"p" * 32)))) as client:
        page = await (await client.get("/login")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = await client.post(
            "/login", data={"name": "maya-pg", "password": PASSWORD, "csrf_token": token}, allow_redirects=False
        )
        assert response.status == 303
        inbox = await (await client.get("/")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', inbox).group(1)
        assert references["booking"] in inbox and "Red flag" in inbox
        response = await client.post(
            f"/requests/{references['booking']}/handle", data={"csrf_token": token}, allow_redirects=False
        )
        assert response.status == 303
        forged = await client.post(f"/requests/{references['callback']}/handle", data={"csrf_token": "x"})
        assert forged.status == 403
        transcript = await client.get("/conversation", params={"id": "web-1"})
        assert transcript.status == 200 and "Red flag" in await transcript.text()
        assert (await client.get("/dashboard?days=90")).status == 200
    assert services.store.get(references["booking"]).handled_by == "maya-pg"
    assert services.store.get(references["callback"]).status == "pending"
