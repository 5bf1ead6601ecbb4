"""bot/rasa_tuning/startup_objects.py: what loading made is frozen; what serving makes is still collected."""

from __future__ import annotations

import asyncio
import gc
import weakref

from bot.rasa_tuning import startup_objects


class Thing:
    pass


def test_loaded_objects_leave_the_collected_generations_and_new_garbage_is_still_collected(monkeypatch):
    loaded = []

    async def load(*args, **kwargs):
        loaded.extend(Thing() for _ in range(1000))
        return "agent"

    monkeypatch.setattr(startup_objects, "_original", load)
    try:
        before = gc.get_freeze_count()
        assert asyncio.run(startup_objects.load_agent_on_start("model", None, None, None, None)) == "agent"
        assert gc.get_freeze_count() >= before + 1000

        # a cycle made while serving is still found by the collector
        made = Thing()
        made.self = made
        gone = weakref.ref(made)
        del made
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()


def test_the_server_loads_its_agent_through_it(monkeypatch):
    from rasa.core import run

    monkeypatch.setattr(run, "load_agent_on_start", run.load_agent_on_start)
    startup_objects.apply()
    assert run.load_agent_on_start is startup_objects.load_agent_on_start
