"""Shared fixtures for the custom action tests.

Every test here runs against:
- a pinned clock (OPEN_MOMENT by default; `pinned_clock(CLOSED_MOMENT)` for after hours),
- a private SQLite store and spool under tmp_path,
- a notification log under tmp_path (never var/notifications.log in the repo),
- the repo's practice profile, unless a test writes a changed copy with `edit_profile`.

Trackers come from `make_tracker(...)`, shaped like the ones Rasa sends to the
action server: the latest user message (with parse_data and input channel) is
the last event, and the slots hold every domain slot.
"""

from __future__ import annotations

import asyncio
import copy
import os
import threading
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import pytest
import yaml

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa_sdk import Tracker  # noqa: E402
from rasa_sdk.executor import CollectingDispatcher  # noqa: E402

import actions.answer_topic  # noqa: E402
import actions.booking_form  # noqa: E402
import actions.callback_form  # noqa: E402
import actions.handoff  # noqa: E402
import actions.practice_answer  # noqa: E402
import bot.requests.notifier  # noqa: E402
import bot.requests.store  # noqa: E402
from bot.paths import REPO_ROOT
from bot.practice.profile import DEFAULT_PROFILE_PATH, PROFILE_ENV_VAR  # noqa: E402
from bot.requests.store import RequestStore  # noqa: E402
from tests.unit.actions.action_helpers import OPEN_MOMENT, SMS_SENDER, WEB_SENDER, action_event, user_event  # noqa: E402

DOMAIN_PATH = REPO_ROOT / "domain.yml"

# -- domain ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """domain.yml as the action server receives it (a plain dict)."""
    return yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))


# -- clock ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def open_clock(pinned_clock) -> None:
    """Every action test starts at OPEN_MOMENT; a test moves it with pinned_clock(...)."""
    pinned_clock(OPEN_MOMENT)


# -- profile --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def repo_profile(monkeypatch) -> None:
    """The repo's profile, whatever PRACTICE_PROFILE says in the caller's shell."""
    monkeypatch.delenv(PROFILE_ENV_VAR, raising=False)


@pytest.fixture
def edit_profile(tmp_path, monkeypatch) -> Callable[[Callable[[Dict[str, Any]], None]], Path]:
    """Write a changed copy of the profile and point PRACTICE_PROFILE at it.

    `edit_profile(lambda raw: raw["address"].update(parking="..."))`
    """
    counter = iter(range(1000))

    def write(change: Callable[[Dict[str, Any]], None]) -> Path:
        raw = yaml.safe_load(DEFAULT_PROFILE_PATH.read_text(encoding="utf-8"))
        change(raw)
        # A fresh file name each time: the profile cache keys on path and mtime.
        path = tmp_path / f"profile-{next(counter)}.yml"
        path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv(PROFILE_ENV_VAR, str(path))
        return path

    return write


# -- store and notifications --------------------------------------------------------


def _close_shared_stores() -> None:
    for shared in list(bot.requests.store._shared.values()):
        shared.close()
    bot.requests.store._shared.clear()


@pytest.fixture(autouse=True)
def request_store(tmp_path, monkeypatch) -> RequestStore:
    """BOT_DATABASE_URL and BOT_SPOOL_DIR under tmp_path; the actions' shared store."""
    monkeypatch.setenv(bot.requests.store.DATABASE_URL_ENV, f"sqlite:///{tmp_path / 'requests.db'}")
    monkeypatch.setenv(bot.requests.store.SPOOL_DIR_ENV, str(tmp_path / "spool"))
    _close_shared_stores()
    yield bot.requests.store.shared_store()
    _close_shared_stores()


class StaffNotifications:
    """Records the actions' notify_staff calls and reads the log they wrote."""

    def __init__(self, log_path: Path):
        self.log_path = log_path
        self.subjects: List[str] = []
        self._threads: List[threading.Thread] = []

    def wrap(self, real: Callable[..., Optional[threading.Thread]]) -> Callable[..., Optional[threading.Thread]]:
        def recording(profile_raw, subject, body):
            self.subjects.append(subject)
            thread = real(profile_raw, subject, body)
            if thread is not None:
                self._threads.append(thread)
            return thread

        return recording

    def log_text(self) -> str:
        """The notification log, once every background send has finished."""
        for thread in self._threads:
            thread.join(timeout=10)
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""


@pytest.fixture(autouse=True)
def staff_notifications(tmp_path, monkeypatch) -> StaffNotifications:
    """FileNotifier (the profile has no notifications section) writes under tmp_path, not var/."""
    log_path = tmp_path / "notifications.log"
    monkeypatch.setenv(bot.requests.notifier.LOG_PATH_ENV_VAR, str(log_path))
    # Also the fallback path, in case a test or the shell clears the variable.
    monkeypatch.setattr(bot.requests.notifier, "DEFAULT_LOG_PATH", log_path)
    recorder = StaffNotifications(log_path)
    for module in (actions.booking_form, actions.callback_form):
        monkeypatch.setattr(module, "notify_staff", recorder.wrap(bot.requests.notifier.notify_staff))
    return recorder


# -- trackers and running actions ------------------------------------------------


@pytest.fixture
def make_tracker(domain) -> Callable[..., Tracker]:
    """Build a rasa_sdk Tracker for one incoming message.

    text/intent/entities/intent_ranking: the latest message; channel: "rest",
    "socketio" or "sms"; history: earlier events (user_event, bot_event, ...);
    slots: values for domain slots (the rest None, invalid_answers 0);
    active_loop: a form name; requested_slot: the slot the form just asked for.
    """
    initial = {name: spec.get("initial_value") for name, spec in domain["slots"].items()}

    def build(
        text: str = "",
        intent: Optional[str] = None,
        entities: Sequence[Dict[str, Any]] = (),
        intent_ranking: Optional[Sequence[Dict[str, Any]]] = None,
        channel: str = "rest",
        sender_id: Optional[str] = None,
        slots: Optional[Dict[str, Any]] = None,
        history: Iterable[Dict[str, Any]] = (),
        active_loop: Optional[str] = None,
        requested_slot: Optional[str] = None,
        latest_action_name: str = "action_listen",
    ) -> Tracker:
        unknown = set(slots or {}) - set(initial)
        assert not unknown, f"not domain slots: {unknown}"
        latest = user_event(text, intent, channel, entities, intent_ranking)
        events = [copy.deepcopy(e) for e in history] + [action_event("action_listen"), latest]
        return Tracker(
            sender_id=sender_id or (SMS_SENDER if channel == "sms" else WEB_SENDER),
            slots={**initial, **(slots or {}), "requested_slot": requested_slot},
            latest_message=copy.deepcopy(latest["parse_data"]),
            events=events,
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name=latest_action_name,
        )

    return build


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def run_action(domain) -> Callable[..., Tuple[List[Dict[str, Any]], CollectingDispatcher]]:
    """Run an action's async `run` to completion: returns (events, dispatcher)."""

    def run(action, tracker: Tracker, dispatcher: Optional[CollectingDispatcher] = None):
        dispatcher = dispatcher if dispatcher is not None else CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, domain))
        return events, dispatcher

    return run
