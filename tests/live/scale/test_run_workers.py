"""`make run WORKERS=2` (python -m bot serve --workers 2): two Rasa processes behind
Debian's HAProxy, sharing the SQLite tracker store and a Redis lock store.

The whole of `make run` starts, on free ports, with every piece of state in a
temporary folder; conversations then go through HAProxy on RASA_PORT.

Run: .venv/bin/python -m pytest tests/live/scale/test_run_workers.py -q (needs Debian's haproxy and redis-server).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from bot.cli import workers
from bot.cli.serve import REPO, isolated_env, read_api_token
from bot.practice.clock import CLOCK_FILE_ENV
from bot.practice.profile import current_profile
from tests.conftest import require_model, run_cli
from tests.live.scale.cluster import coming_monday_morning
from tests.live.scale.test_scale_out import (
    Turn,
    assert_no_duplicates,
    booking_message,
    reference_in,
    say,
    session_with_price,
    turns_in,
)
from tests.net import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.scale]

START_SECONDS = 420  # two models loading at once on a busy machine
RUNNING = "The assistant is running"


@dataclass(frozen=True)
class Served:
    url: str
    env: Dict[str, str]
    log: Path

    def tracker_events(self, sender: str) -> List[Dict]:
        from tests.live.scale.test_scale_out import get_json

        return get_json(f"{self.url}/conversations/{sender}/tracker?token={read_api_token(self.env)}")["events"]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # serve stops its servers itself
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only what it started
            process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    missing = workers.missing_programs()
    if missing:
        pytest.skip(
            f"Debian package(s) {', '.join(missing)} not installed ({workers.INSTALL_HINT}; .ci/run installs them)"
        )
    require_model()
    folder = tmp_path_factory.mktemp("workers")
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{folder / "conversations.db"}"\n')
    rasa_port = free_port()
    env = isolated_env(
        folder,
        RASA_PORT=str(rasa_port),
        ACTIONS_PORT=str(free_port()),
        WEB_PORT=str(free_port()),
        STAFF_PORT=str(free_port()),
        BOT_ENDPOINTS=str(endpoints),
        STAFF_SESSION_SECRET_FILE=str(folder / "console-secret"),
    )
    Path(env[CLOCK_FILE_ENV]).write_text(coming_monday_morning().isoformat())
    log = folder / "serve.log"
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--workers", "2"],
            cwd=REPO,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while RUNNING not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`bot serve --workers 2` did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(1)
        yield Served(f"http://127.0.0.1:{rasa_port}", env, log)
    finally:
        _stop(process)


def test_a_booking_carries_on_across_both_processes(served: Served):
    profile = current_profile()
    sender = f"workers-{uuid.uuid4().hex[:8]}"
    turns: List[Turn] = [say(served.url, sender, "why glutes?")]
    assert "every step" in turns[0].text.lower()
    turns.append(say(served.url, sender, booking_message("Jane Doe", "415 555 0142")))
    turns.append(say(served.url, sender, "no"))  # the form asked only for a note
    for detail in ("Jane Doe", "+14155550142", session_with_price("massage_60")):
        assert detail in turns[-1].text, turns[-1].text
    turns.append(say(served.url, sender, "/affirm"))
    reference = reference_in(turns[-1].text)

    # HAProxy sent one message at a time to the less busy process: each in turn.
    served_by = [turn.served_by for turn in turns]
    assert set(served_by) == {"rasa1", "rasa2"}, served_by
    # Every turn stored once, in order, with its replies, whichever process answered it.
    events = served.tracker_events(sender)
    assert_no_duplicates(events)
    assert turns_in(events) == [(turn.message, turn.texts) for turn in turns]
    listed = run_cli(served.env, "requests", "--all", "--json")
    assert listed.returncode == 0, listed.stderr
    assert reference in listed.stdout and listed.stdout.count("Jane Doe") == 1
    assert profile.booking_url.split("//")[-1] in turns[1].text


def test_conversations_at_the_same_time_each_keep_their_turns(served: Served):
    run = uuid.uuid4().hex[:6]
    senders = [f"together-{run}-{index}" for index in range(6)]
    messages = ("why glutes?", "how much is a 90 minute massage?", "thanks")

    def talk(sender: str) -> List[Turn]:
        return [say(served.url, sender, message) for message in messages]

    with ThreadPoolExecutor(len(senders)) as pool:
        conversations = list(pool.map(talk, senders))
    price = current_profile().price_text(current_profile().service("massage_90").price)
    assert {turn.served_by for turns in conversations for turn in turns} == {"rasa1", "rasa2"}
    for sender, turns in zip(senders, conversations):
        assert price in turns[1].text, turns[1].text
        events = served.tracker_events(sender)
        assert_no_duplicates(events)
        assert turns_in(events) == [(turn.message, turn.texts) for turn in turns]
    assert "database is locked" not in served.log.read_text(errors="replace")
