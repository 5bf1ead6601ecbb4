"""bot/rasa_tuning/tracker_cache.py: every read gives what Rasa's SQL tracker store would read from the database."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import List

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered

from bot.rasa_tuning.tracker_cache import CachedSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet, why_glutes]
slots:
  client_name: {type: text, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: "Hello"}]
"""
)


def _turn(number: int) -> List[Event]:
    return [
        UserUttered(f"message {number}", {"name": "why_glutes", "confidence": 0.9}),
        ActionExecuted("utter_greet"),
        BotUttered(f"reply {number}"),
        SlotSet("client_name", f"Kim {number}"),
        ActionExecuted("action_listen"),
    ]


def _store(cls, path: Path, **kwargs):
    return cls(domain=DOMAIN, dialect="sqlite", db=str(path / "conversations.db"), **kwargs)


def _events(tracker) -> List[dict]:
    return [event.as_dict() for event in tracker.events]


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.fixture
def stores(tmp_path):
    """Two caching stores on one database (two Rasa processes) and Rasa's own store to compare with."""
    return (
        _store(CachedSQLTrackerStore, tmp_path),
        _store(CachedSQLTrackerStore, tmp_path),
        _store(SQLTrackerStore, tmp_path),
    )


def forbid_full_reads(monkeypatch) -> None:
    """From here on, reading a whole conversation from the database fails the test."""

    def never(*args, **kwargs):
        raise AssertionError("read the whole conversation again")

    monkeypatch.setattr(CachedSQLTrackerStore, "_read", never)


async def _message(store, sender: str, number: int) -> None:
    tracker = await store.get_or_create_tracker(sender)
    tracker.update_with_events(_turn(number), DOMAIN)
    await store.save(tracker)


def test_a_long_conversation_reads_as_rasa_reads_it_and_is_kept_between_messages(stores):
    cached, _, plain = stores
    for number in range(30):
        run(_message(cached, "kim", number))
        assert _events(run(cached.retrieve("kim"))) == _events(run(plain.retrieve("kim")))
        run(cached.save(run(cached.retrieve("kim"))))  # handed back unchanged: nothing new is written
    assert len(run(plain.retrieve("kim")).events) == 1 + 30 * 5  # the first action_listen, then 5 a turn
    assert "kim" in cached._cache


def test_kept_trackers_are_used_without_reading_the_events_again(stores, monkeypatch):
    cached, _, _ = stores
    for number in range(3):
        run(_message(cached, "kim", number))

    forbid_full_reads(monkeypatch)
    run(_message(cached, "kim", 3))
    assert len(run(cached.retrieve("kim")).events) == 1 + 4 * 5


def test_a_message_answered_by_another_process_is_read_from_the_database(stores):
    first, second, plain = stores
    run(_message(first, "kim", 0))
    run(_message(first, "kim", 1))  # kept by the first
    run(_message(second, "kim", 2))  # the proxy sent this one to the other process
    assert _events(run(first.retrieve("kim"))) == _events(run(plain.retrieve("kim")))
    assert run(plain.retrieve("kim")).get_slot("client_name") == "Kim 2"


def test_messages_alternating_between_processes_add_only_the_new_events(stores, monkeypatch):
    first, second, plain = stores
    run(_message(first, "kim", 0))
    run(_message(second, "kim", 1))
    for store in (first, second):  # each reads it in full once
        run(store.save(run(store.retrieve("kim"))))

    forbid_full_reads(monkeypatch)
    for number in range(2, 12):  # a proxy sharing messages out in turn
        run(_message(first if number % 2 == 0 else second, "kim", number))
        for store in (first, second):
            tracker = run(store.retrieve("kim"))
            assert _events(tracker) == _events(run(plain.retrieve("kim")))
            run(store.save(tracker))  # handed back unchanged, as Rasa does after a turn
    assert run(first.retrieve("kim")).get_slot("client_name") == "Kim 11"


def test_a_new_session_started_by_the_other_process_is_read_in_full(stores):
    first, second, plain = stores
    run(_message(first, "kim", 0))
    run(_message(first, "kim", 1))

    async def new_session():
        tracker = await second.retrieve("kim")
        time.sleep(0.01)
        tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted()], DOMAIN)
        tracker.update_with_events(_turn(2), DOMAIN)
        await second.save(tracker)

    run(new_session())
    again = run(first.retrieve("kim"))
    assert _events(again) == _events(run(plain.retrieve("kim")))
    assert "message 0" not in [event.get("text") for event in _events(again)]


def test_a_tracker_changed_but_not_saved_is_read_again(stores):
    cached, _, plain = stores
    run(_message(cached, "kim", 0))
    run(_message(cached, "kim", 1))
    tracker = run(cached.retrieve("kim"))
    tracker.update(UserUttered("never saved"))  # a request that failed half way
    assert _events(run(cached.retrieve("kim"))) == _events(run(plain.retrieve("kim")))
    assert "never saved" not in [event.get("text") for event in _events(run(cached.retrieve("kim")))]
    # Saved, then changed in place without a second save: the kept copy is not trusted.
    tracker = run(cached.retrieve("kim"))
    run(cached.save(tracker))
    tracker.update(UserUttered("changed after saving"))
    assert _events(run(cached.retrieve("kim"))) == _events(run(plain.retrieve("kim")))


def test_a_new_session_reads_only_that_session_as_rasa_does(stores):
    cached, _, plain = stores
    run(_message(cached, "kim", 0))
    run(_message(cached, "kim", 1))

    async def restart():
        tracker = await cached.retrieve("kim")
        time.sleep(0.01)  # Rasa tells sessions apart by timestamp
        tracker.update_with_events([ActionExecuted("action_session_start"), SessionStarted()], DOMAIN)
        tracker.update_with_events(_turn(2), DOMAIN)
        await cached.save(tracker)

    run(restart())
    again = run(cached.retrieve("kim"))
    assert _events(again) == _events(run(plain.retrieve("kim")))
    assert "message 0" not in [event.get("text") for event in _events(again)]


def test_a_tracker_read_and_never_saved_is_forgotten_and_the_cache_stays_bounded(tmp_path):
    cached = _store(CachedSQLTrackerStore, tmp_path, cache_size=3)
    for sender in "abcdef":
        run(_message(cached, sender, 0))
        run(_message(cached, sender, 1))
    assert list(cached._cache) == ["d", "e", "f"]
    for sender in "abcdef":
        run(cached.retrieve(sender))  # the HTTP API reads without saving
    assert len(cached._handed_out) == 3 and not cached._cache
    run(_message(cached, "a", 2))
    assert len(run(cached.retrieve("a")).events) == 1 + 3 * 5


def test_an_unknown_conversation_is_none_and_a_new_one_is_saved_as_rasa_saves_it(stores):
    cached, _, plain = stores
    assert run(cached.retrieve("nobody")) is None
    run(_message(cached, "new", 0))
    assert _events(run(cached.retrieve("new"))) == _events(run(plain.retrieve("new")))


def test_a_new_conversation_is_kept_from_its_first_message(stores, monkeypatch):
    cached, _, plain = stores

    async def first_message():
        # As Rasa's agent and processor: the store behind Rasa's fail-safe wrapper, an
        # empty tracker, then the session start, then the turn.
        tracker = await FailSafeTrackerStore(cached).get_or_create_tracker("new", append_action_listen=False)
        tracker.update_with_events(
            [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")], DOMAIN
        )
        tracker.update_with_events(_turn(0), DOMAIN)
        await cached.save(tracker)

    run(first_message())
    assert "new" in cached._cache
    kept = _events(cached._cache["new"].tracker)
    assert kept == _events(run(plain.retrieve("new")))

    forbid_full_reads(monkeypatch)
    run(_message(cached, "new", 1))
