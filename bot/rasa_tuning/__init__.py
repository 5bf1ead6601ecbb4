"""Speed-ups for the Rasa 3.6 server process, each measured by `make bench` (README, Measuring).

`python -m bot.rasa_tuning run ...` is `rasa run ...` with them applied; `make run`,
the tests' servers and the bench start Rasa this way (bot/cli/serve.py). Started
as plain `rasa`, the assistant gives the same answers, only slower.

- response_check: the action server's replies are checked against a validator
  built once, not rebuilt with its schema re-checked for every reply;
- graph_runner: the NLU and policy graphs run in a fixed order worked out once,
  without dask's scheduler;
- tracker_cache: the SQL tracker store keeps recent conversations in memory and
  reads the database only when another process changed them;
- dialogue_states: the policies' dialogue states are worked out once per
  conversation and extended with each new event, not replayed from the start
  for every prediction;
- tensorflow_absent: `run` serves without loading TensorFlow, which the model
  never calls (430 MB a process); RASA_WITH_TENSORFLOW=1 loads it as usual;
- intent_messages: a button's "/intent" message is parsed by the step that
  decides it, without the NLU components whose work that step throws away;
- startup_objects: the loaded model is kept out of Python's full garbage
  collections, which otherwise stall a request for about 170 ms now and then.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Sequence

import pluggy

RASA_VERSION = "3.6.21"  # what these were written against and measured with

hookimpl = pluggy.HookimplMarker("rasa")


class TrackerStorePlugin:
    """Rasa's hook for making the tracker store: an SQL store becomes the caching one."""

    @staticmethod
    @hookimpl
    def create_tracker_store(endpoint_config, domain, event_broker):  # noqa: ANN001, ANN205 - Rasa's hook
        if endpoint_config is None or str(endpoint_config.type or "").lower() != "sql":
            return None  # Rasa makes it
        from bot.rasa_tuning.tracker_cache import CachedSQLTrackerStore

        return CachedSQLTrackerStore(
            domain=domain, host=endpoint_config.url, event_broker=event_broker, **endpoint_config.kwargs
        )


_applied = False

WITH_TENSORFLOW_ENV = "RASA_WITH_TENSORFLOW"


def _model_argument(args: Sequence[str]) -> Path | None:
    for index, arg in enumerate(args):
        if arg.startswith("--model="):
            return Path(arg.split("=", 1)[1])
        if arg in ("--model", "-m") and index + 1 < len(args):
            return Path(args[index + 1])
    return None


def prepare(args: Sequence[str]) -> None:
    """For `rasa run` (not `run actions`, not training), serve without TensorFlow
    unless RASA_WITH_TENSORFLOW=1; call before anything imports rasa."""
    if list(args[:1]) != ["run"] or list(args[1:2]) == ["actions"]:
        return
    if os.environ.get(WITH_TENSORFLOW_ENV, "").strip() == "1":
        return
    from bot.rasa_tuning import tensorflow_absent

    if tensorflow_absent.installed():
        return  # prepared already (tools.stages does it before its instruments import rasa)
    model = _model_argument(args)
    if model is not None and model.is_file():
        tensorflow_absent.check_model(model)  # a model that needs it fails here, with the way out
    if "rasa" in sys.modules:
        raise RuntimeError("bot.rasa_tuning.prepare() must run before rasa is imported")
    tensorflow_absent.install()


def apply() -> None:
    """Apply every speed-up to this process (once); refuses another Rasa version."""
    global _applied
    if _applied:
        return
    import rasa
    from rasa.plugin import plugin_manager

    if rasa.__version__ != RASA_VERSION:
        raise RuntimeError(
            f"bot.rasa_tuning was written for Rasa {RASA_VERSION}, not {rasa.__version__}: "
            "check each speed-up against the new version, or run plain `rasa`"
        )
    from bot.rasa_tuning import dialogue_states, graph_runner, intent_messages, response_check, startup_objects

    response_check.apply()
    intent_messages.apply()
    startup_objects.apply()
    graph_runner.apply()
    dialogue_states.apply()
    plugin_manager().register(TrackerStorePlugin())
    _applied = True
