"""CPU per message by stage, measured inside a running Rasa server or action server.

    python -m tools.stages --record FILE -- .venv/bin/rasa run --model ...
    python -m tools.stages --record FILE -- python -m bot.rasa_tuning run --model ...

runs the server's command in this process with a few Rasa and Sanic methods wrapped so that
each HTTP request's process CPU time (time.process_time: every thread, so
TensorFlow's and BLAS's workers count too) is split into stages: the HTTP layer
and channel, the lock store, tracker-store reads and writes, each NLU component
and each policy (one graph node each), the graph runner itself, slot
extraction, actions run inside Rasa, and each action-server round trip (with
the request and reply sizes, counted on the action server's side), and Python's
garbage collections. Every finished webhook request appends one JSON line to FILE.

A stage's figure is its own time: nested stages are taken out of it. Process
CPU is only attributable to one request while no other request is in flight,
so a record says whether it was alone (`alone`); make bench measures stages
with one client at a time and reads only those records. The wrappers cost a
few microseconds per stage, well under 1% of a message.
"""

from __future__ import annotations

import argparse
import contextvars
import functools
import json
import os
import re
import runpy
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

WEBHOOK_PATHS = ("/webhooks/", "/webhook")


class Ledger:
    """One request's stages: exclusive CPU seconds and a count per stage."""

    def __init__(self) -> None:
        self.cpu: Dict[str, float] = {}
        self.calls: Dict[str, int] = {}
        self.facts: Dict[str, Any] = {}
        self.stack: List[List[Any]] = []  # [name, started, nested time]
        self.alone = True

    def enter(self, name: str) -> None:
        self.stack.append([name, time.process_time(), 0.0])

    def leave(self) -> None:
        name, started, nested = self.stack.pop()
        spent = time.process_time() - started
        self.cpu[name] = self.cpu.get(name, 0.0) + spent - nested
        self.calls[name] = self.calls.get(name, 0) + 1
        if self.stack:
            self.stack[-1][2] += spent

    def add_fact(self, key: str, value: Any) -> None:
        self.facts.setdefault(key, []).append(value)


_ledger: contextvars.ContextVar[Optional[Ledger]] = contextvars.ContextVar("stage_ledger", default=None)
_open: List[Ledger] = []
_write_lock = threading.Lock()


def _stage_of(name_of: Callable[..., str], function: Callable) -> Callable:
    """Wrap a sync or async function so its time counts as a stage (named from its arguments)."""
    import inspect

    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            ledger = _ledger.get()
            if ledger is None:
                return await function(*args, **kwargs)
            ledger.enter(name_of(*args, **kwargs))
            try:
                return await function(*args, **kwargs)
            finally:
                ledger.leave()

        return timed_async

    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        ledger = _ledger.get()
        if ledger is None:
            return function(*args, **kwargs)
        ledger.enter(name_of(*args, **kwargs))
        try:
            return function(*args, **kwargs)
        finally:
            ledger.leave()

    return timed


def _count_garbage_collection() -> None:
    """Python's garbage collector runs inside whatever stage allocated last: give it its own row."""
    import gc

    def on_collection(phase: str, info: Dict[str, Any]) -> None:
        ledger = _ledger.get()
        if ledger is None:
            return
        if phase == "start":
            ledger.enter(f"garbage collection (generation {info.get('generation')})")
        elif ledger.stack and ledger.stack[-1][0].startswith("garbage collection"):
            ledger.leave()

    gc.callbacks.append(on_collection)


def _wrap(owner: Any, attribute: str, name: str) -> None:
    setattr(owner, attribute, _stage_of(lambda *a, **k: name, getattr(owner, attribute)))


def _wrap_requests(record: Path, describe: Callable[[Any, Any], Dict[str, Any]]) -> None:
    """Give every webhook request a ledger; write it as one JSON line when it is answered."""
    # Sanic rewrites Sanic.handle_request from its source when it starts (its
    # "touchup"), so the wrapper goes on each connection's handler instead.
    from sanic.server.protocols.http_protocol import HttpProtocol

    setup = HttpProtocol.__init__

    @functools.wraps(setup)
    def set_up_timed(self: Any, *args: Any, **kwargs: Any) -> None:
        setup(self, *args, **kwargs)
        self.request_handler = functools.partial(timed_request, self.request_handler)

    async def timed_request(handle_request: Callable, request: Any) -> Any:
        if not request.path.startswith(WEBHOOK_PATHS):
            return await handle_request(request)
        ledger = Ledger()
        token = _ledger.set(ledger)
        for other in _open:  # whoever overlaps is not alone
            other.alone = False
        if _open:
            ledger.alone = False
        _open.append(ledger)
        started, wall = time.time(), time.perf_counter()
        ledger.enter("http")
        try:
            return await handle_request(request)
        finally:
            ledger.leave()
            _ledger.reset(token)
            _open.remove(ledger)
            line = {
                "path": request.path,
                "pid": os.getpid(),
                "alone": ledger.alone,
                "started": started,
                "wall_s": time.perf_counter() - wall,
                "cpu": ledger.cpu,
                "calls": ledger.calls,
                **ledger.facts,
                **describe(request, ledger),
            }
            with _write_lock, open(record, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(line) + "\n")

    HttpProtocol.__init__ = set_up_timed


# -- Rasa ---------------------------------------------------------------------------------


def _node_stage(node: Any, *args: Any, **kwargs: Any) -> str:
    """A graph node's stage: 'policy: RulePolicy', 'NLU: SpacyNLP', 'graph: domain_provider'."""
    from rasa.core.policies.policy import Policy

    component = node._component_class
    short = re.sub(r"\d+$", "", component.__name__)
    if issubclass(component, Policy):
        return f"policy: {short}"
    ledger = _ledger.get()
    inside = ledger.stack[-1][0] if ledger and ledger.stack else ""
    if inside.startswith("NLU"):
        return f"NLU: {short}"
    return f"core graph: {short}"


def instrument_rasa(record: Path) -> None:
    from rasa.core import agent, processor
    from rasa.core.actions import action
    from rasa.engine import graph

    _wrap_requests(record, lambda request, ledger: {})
    _count_garbage_collection()
    graph.GraphNode.__call__ = _stage_of(_node_stage, graph.GraphNode.__call__)
    P = processor.MessageProcessor
    _wrap(agent.Agent, "handle_message", "lock store and agent")
    _wrap(P, "handle_message", "processor (tracker updates, logging)")
    _wrap(P, "get_tracker", "tracker store: read")
    _wrap(P, "save_tracker", "tracker store: write")
    _wrap(P, "_parse_message_with_graph", "NLU graph runner")
    _wrap(P, "_predict_next_with_tracker", "core graph runner")
    _wrap(P, "run_action_extract_slots", "slot extraction")
    _wrap(P, "_run_action", "actions run in Rasa (responses, forms, tracker copy)")
    _wrap(action.RemoteAction, "run", "action server call: Rasa side")
    _wrap(action.RemoteAction, "_action_call_format", "action server call: payload")
    _wrap(action.RemoteAction, "_validate_action_result", "action server call: reply check")

    save = P.save_tracker

    @functools.wraps(save)
    async def save_counting(self: Any, tracker: Any) -> Any:
        ledger = _ledger.get()
        if ledger is not None:
            ledger.facts["tracker_events"] = len(tracker.events)
        return await save(self, tracker)

    P.save_tracker = save_counting


# -- action server ------------------------------------------------------------------------


def _describe_action_call(request: Any, ledger: Ledger) -> Dict[str, Any]:
    try:
        action_name = (request.json or {}).get("next_action")
    except Exception:  # a compressed or bad body; its size is still known
        action_name = None
    return {"action": action_name, "request_bytes": len(request.body or b"")}


def instrument_action_server(record: Path) -> None:
    from rasa_sdk import executor

    _wrap_requests(record, _describe_action_call)
    _count_garbage_collection()
    _wrap(executor.ActionExecutor, "run", "action code")


# -- reading the records -----------------------------------------------------------------


def read_records(path: Path, offset: int = 0) -> tuple[List[Dict[str, Any]], int]:
    """Records written since `offset` (bytes), and the new offset."""
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            data = handle.read()
    except FileNotFoundError:
        return [], offset
    end = data.rfind(b"\n") + 1  # a line still being written waits for the next read
    lines = data[:end].decode("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()], offset + end


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.stages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", type=Path, required=True, help="JSON lines, one per webhook request")
    parser.add_argument(
        "command", nargs=argparse.REMAINDER, help="-- then the server's command: .../rasa ARGS or python -m MODULE ARGS"
    )
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    # `python -m bot.rasa_tuning run ...` runs that module; `.../bin/rasa run ...` runs Rasa's own.
    module, rasa_args = (command[2], command[3:]) if command[1:2] == ["-m"] else ("rasa", command[1:])
    if module == "bot.rasa_tuning":
        from bot.rasa_tuning import prepare

        prepare(rasa_args)  # as the module would, before the instruments import rasa
    if rasa_args[:2] == ["run", "actions"]:
        instrument_action_server(args.record)
    else:
        instrument_rasa(args.record)
    sys.argv = [module, *rasa_args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
