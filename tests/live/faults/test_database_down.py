"""The request database is down: bookings are still confirmed, spooled, and stored later.

Two things move the spool into the database once it is back: the next request
saved (the action server) and staff listing requests (`python -m bot requests`).
Both are exercised here against the real servers.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Dict

import pytest

from bot.requests.store import RequestStore
from tests.conftest import run_cli
from tests.live.rest_client import say, texts

pytestmark = pytest.mark.e2e


def book(base: str, name: str, phone: str) -> str:
    """A full booking over REST; returns the confirmation text."""
    sender = f"dbdown-{uuid.uuid4().hex[:6]}"
    first = texts(say(base, sender, f"Book {name}, {phone}, Thursday at 4 pm, a 60 minute massage with glutes"))
    assert "anything you'd like your therapist to know" in first.lower(), first
    assert name in texts(say(base, sender, "no"))
    return texts(say(base, sender, "/affirm"))


def reference_in(confirmation: str) -> str:
    assert "reference RB-" in confirmation, confirmation
    return confirmation.split("reference ")[1].split(")")[0]


def stored_names(env: Dict[str, str]) -> Dict[str, str]:
    """reference -> name, read straight from the database (reading never flushes)."""
    with RequestStore(env["BOT_DATABASE_URL"], spool_dir=Path(env["BOT_SPOOL_DIR"])) as store:
        return {r.reference: r.name for r in store.list_requests(status="all")}


def spooled(env: Dict[str, str]) -> Dict[str, str]:
    return {p.stem: json.loads(p.read_text())["request"]["name"] for p in Path(env["BOT_SPOOL_DIR"]).glob("*.json")}


def test_bookings_made_while_the_database_is_down_reach_it_later(make_servers, tmp_path):
    # A SQLite file in a folder that does not exist yet: every connection fails
    # until the folder appears, as with a database server that is down.
    database_dir = tmp_path / "database"
    servers = make_servers(BOT_DATABASE_URL=f"sqlite:///{database_dir / 'requests.db'}")
    env, base = servers.env, servers.base_url

    # 1. Database down: the client still gets a reference, plus the phone number for anything urgent.
    first = book(base, "Ada Spool", "415 555 0111")
    first_ref = reference_in(first)
    assert "If it's urgent, please call us on" in first
    assert spooled(env) == {first_ref: "Ada Spool"}

    # Staff asking meanwhile are told it is waiting, not lost.
    waiting = run_cli(env, "requests")
    assert waiting.returncode == 2
    assert "unreachable" in waiting.stderr and first_ref in waiting.stdout

    # 2. Database back: listing requests moves it in.
    database_dir.mkdir()
    listed = run_cli(env, "requests", "--json")
    assert listed.returncode == 0, listed.stderr
    assert first_ref in {row["reference"] for row in json.loads(listed.stdout)}
    assert stored_names(env) == {first_ref: "Ada Spool"} and spooled(env) == {}

    # 3. Down again, then back: this time the next booking flushes the spool.
    database_dir.rename(tmp_path / "database-away")
    second_ref = reference_in(book(base, "Ben Spool", "415 555 0122"))
    assert spooled(env) == {second_ref: "Ben Spool"}
    (tmp_path / "database-away").rename(database_dir)

    third = book(base, "Cy Direct", "415 555 0133")
    third_ref = reference_in(third)
    assert "If it's urgent" not in third  # stored straight away
    assert stored_names(env) == {first_ref: "Ada Spool", second_ref: "Ben Spool", third_ref: "Cy Direct"}
    assert spooled(env) == {}
