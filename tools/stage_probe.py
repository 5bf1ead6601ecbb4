"""Where a message's CPU goes: typical turns played one at a time against servers run under tools.stages.

One client, one message at a time, so each request's process CPU belongs to it
alone. Each kind of turn is played in several fresh conversations and the
median of every stage is kept:

- faq:       an article question answered from a response ("why glutes?", turn 2)
- practice:  a practice question answered by the action server ("what are your opening hours?")
- booking:   the booking request with every detail, which starts the booking form;
             then its next two turns: the note ("no") and the confirmation, which stores it
- turn 5 / turn 40: the same practice question at turn 5 and at turn 40 of one long conversation

`stage_table` turns the result into the markdown table make bench reports.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import aiohttp

from tools.loadgen import BOOKING_MESSAGE, REST_PATH, client_names
from tools.stages import read_records

# The long conversation: 7 questions in turn, so turns 5 and 40 ask the same one.
LONG_CYCLE = (
    "why glutes?",
    "how will I be covered?",
    "is it okay while pregnant?",
    "are you open on sunday?",
    "what are your opening hours?",
    "do you do prenatal massage?",
    "are you a bot?",
)
LONG_TURNS = 40
EARLY_TURN, LATE_TURN = 5, 40

# (column, the conversation's messages, which of them (1-based) are measured)
TURN_KINDS: Tuple[Tuple[str, Tuple[str, ...], Tuple[int, ...]], ...] = (
    ("faq", ("hi", "why glutes?"), (2,)),
    ("practice", ("hi", "what are your opening hours?"), (2,)),
    ("booking", ("hi", BOOKING_MESSAGE, "no", "/affirm"), (2, 3, 4)),
)
# Columns named for a measured message of a conversation other than its first measured one.
COLUMN_NAMES = {
    "booking@3": "booking: note",
    "booking@4": "booking: confirm",
    f"long@{EARLY_TURN}": f"turn {EARLY_TURN}",
    f"long@{LATE_TURN}": f"turn {LATE_TURN}",
}


@dataclass
class Turn:
    """One measured message: the Rasa request's record and the action-server calls it made."""

    rasa: Dict[str, Any]
    actions: List[Dict[str, Any]] = field(default_factory=list)

    def stages(self) -> Dict[str, float]:
        """Milliseconds of CPU per stage, Rasa's and the action server's."""
        found = {name: seconds * 1000 for name, seconds in self.rasa["cpu"].items()}
        for call in self.actions:
            for name, seconds in call["cpu"].items():
                key = f"action server: {'HTTP and JSON' if name == 'http' else name}"
                found[key] = found.get(key, 0.0) + seconds * 1000
        return found

    @property
    def rasa_ms(self) -> float:
        return sum(self.rasa["cpu"].values()) * 1000

    @property
    def actions_ms(self) -> float:
        return sum(sum(call["cpu"].values()) for call in self.actions) * 1000

    @property
    def request_kb(self) -> float:
        return sum(call.get("request_bytes", 0) for call in self.actions) / 1000


@dataclass
class ProbeResult:
    turns: Dict[str, List[Turn]]  # column -> one Turn per repetition
    clean: bool  # every record was taken with no other request in flight

    def columns(self) -> List[str]:
        return list(self.turns)


async def _say(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> None:
    async with session.post(url, json={"sender": sender, "message": text}) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} for {text!r}")


async def _play(base_url: str, conversations: Sequence[Tuple[str, Sequence[str], Sequence[int]]]) -> List[str]:
    """Play each conversation one message at a time; return the keys of the measured messages in order
    (one key per message sent, '' for those not measured)."""
    url = base_url.rstrip("/") + REST_PATH
    keys: List[str] = []
    names = client_names(7)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        for column, messages, measured in conversations:
            sender, name = f"probe-{uuid.uuid4().hex[:12]}", next(names)
            first, _, surname = name.partition(" ")
            for number, message in enumerate(messages, start=1):
                text = message.replace("{name}", name).replace("{first}", first).replace("{surname}", surname)
                await _say(session, url, sender, text)
                keys.append(_key(column, number) if number in measured else "")
    return keys


def _key(column: str, number: int) -> str:
    return f"{column}@{number}"


def _match(rasa: List[Dict[str, Any]], actions: List[Dict[str, Any]]) -> List[Turn]:
    """Each Rasa request with the action-server calls that started while it was being answered."""
    turns = [Turn(record) for record in rasa]
    for call in actions:
        for turn in turns:
            start = turn.rasa["started"]
            if start <= call["started"] <= start + turn.rasa["wall_s"]:
                turn.actions.append(call)
                break
    return turns


def probe(
    base_url: str, rasa_record: Path, actions_record: Optional[Path], repeats: int = 5, long_repeats: int = 3
) -> ProbeResult:
    """Play the typical turns `repeats` times and the long conversation `long_repeats` times."""
    plan: List[Tuple[str, Sequence[str], Sequence[int]]] = []
    for _ in range(repeats):
        plan += list(TURN_KINDS)
    long_messages = [LONG_CYCLE[i % len(LONG_CYCLE)] for i in range(LONG_TURNS)]
    for _ in range(long_repeats):
        plan.append(("long", long_messages, (EARLY_TURN, LATE_TURN)))
    return _probe(base_url, rasa_record, actions_record, plan, rename=COLUMN_NAMES)


def probe_floor(base_url: str, rasa_record: Path, repeats: int = 5) -> ProbeResult:
    """The floor's only kind of turn: a greeting answered with a canned response."""
    plan = [("floor", ("hello", "hi"), (2,)) for _ in range(repeats)]
    return _probe(base_url, rasa_record, None, plan, rename={"floor@2": "floor: hi"})


def _probe(
    base_url: str,
    rasa_record: Path,
    actions_record: Optional[Path],
    plan: List[Tuple[str, Sequence[str], Sequence[int]]],
    rename: Dict[str, str],
) -> ProbeResult:
    # A server writes a request's record just after answering it: records are
    # told apart by when they started, and read after a moment.
    started = time.time()
    keys = asyncio.run(_play(base_url, plan))
    time.sleep(0.5)
    rasa = [r for r in read_records(rasa_record)[0] if r["started"] >= started and r["path"].startswith("/webhooks/")]
    actions = [r for r in read_records(actions_record)[0] if r["started"] >= started] if actions_record else []
    if len(rasa) != len(keys):
        raise RuntimeError(f"stage probe: {len(keys)} messages sent but {len(rasa)} requests recorded")
    turns: Dict[str, List[Turn]] = {}
    for key, turn in zip(keys, _match(rasa, actions)):
        if key:
            column = rename.get(key, key.split("@")[0])
            turns.setdefault(column, []).append(turn)
    clean = all(r["alone"] for r in rasa) and all(a["alone"] for a in actions)
    return ProbeResult(turns, clean)


# ---------------------------------------------------------------- the table


def _median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else 0.0


# Stage rows in the order a message meets them; anything else follows in name order.
ORDER = (
    "http",
    "lock store and agent",
    "tracker store: read",
    "NLU graph runner",
    "NLU:",
    "slot extraction",
    "core graph runner",
    "core graph:",
    "policy:",
    "actions run in Rasa",
    "action server call:",
    "action server:",
    "tracker store: write",
    "processor",
    "garbage collection",
)
LABELS = {"http": "HTTP server and REST channel"}


def _row_order(name: str) -> Tuple[int, str]:
    for index, prefix in enumerate(ORDER):
        if name.startswith(prefix):
            return index, name
    return len(ORDER), name


def medians(turns: List[Turn]) -> Dict[str, float]:
    names = {name for turn in turns for name in turn.stages()}
    return {name: _median(turn.stages().get(name, 0.0) for turn in turns) for name in names}


def stage_table(results: Sequence[ProbeResult]) -> List[str]:
    """Markdown: one row per stage, one column per kind of turn (median ms of CPU)."""
    columns: List[Tuple[str, List[Turn]]] = [(c, t) for result in results for c, t in result.turns.items()]
    per_column = [(column, medians(turns), turns) for column, turns in columns]
    names = sorted({name for _, stages, _ in per_column for name in stages}, key=_row_order)
    header = "| stage (ms of CPU, median) | " + " | ".join(column for column, _, _ in per_column) + " |"
    lines = [header, "|---|" + "---|" * len(per_column)]
    for name in names:
        cells = [stages.get(name) for _, stages, _ in per_column]
        if all((value or 0.0) < 0.005 for value in cells):
            continue
        lines.append(
            f"| {LABELS.get(name, name)} | " + " | ".join("" if v is None else f"{v:.2f}" for v in cells) + " |"
        )
    totals = [
        ("**Rasa, all stages**", lambda ts: _median(t.rasa_ms for t in ts), 1),
        ("**action server, all calls**", lambda ts: _median(t.actions_ms for t in ts), 1),
        ("**CPU per message**", lambda ts: _median(t.rasa_ms + t.actions_ms for t in ts), 1),
        ("action-server calls", lambda ts: _median(len(t.actions) for t in ts), 0),
        ("KB sent to the action server", lambda ts: _median(t.request_kb for t in ts), 1),
        ("tracker events after the turn", lambda ts: _median(t.rasa.get("tracker_events", 0) for t in ts), 0),
        ("reply wall time (ms, one client)", lambda ts: _median(t.rasa["wall_s"] * 1000 for t in ts), 0),
    ]
    for label, figure, digits in totals:
        lines.append(f"| {label} | " + " | ".join(f"{figure(turns):.{digits}f}" for _, _, turns in per_column) + " |")
    return lines


def summary(results: Sequence[ProbeResult]) -> Dict[str, Dict[str, float]]:
    """Per column: the median CPU per message (Rasa + action server) and each stage, for JSON."""
    out: Dict[str, Dict[str, float]] = {}
    for result in results:
        for column, turns in result.turns.items():
            out[column] = {
                "cpu_ms": round(_median(t.rasa_ms + t.actions_ms for t in turns), 2),
                **{name: round(value, 3) for name, value in medians(turns).items()},
            }
    return out
