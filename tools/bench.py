"""`make bench`: reply latency, throughput and memory of the assistant, against a floor.

Starts the action server and Rasa the way `make run` does (bot/cli/serve.py's
commands), on free ports, with every piece of state in a temporary folder (the
benchmark's bookings never reach var/requests.db) and the clock pinned to a
Tuesday morning so the scripted booking is always accepted. tools/loadgen.py
then plays simulated clients over REST: 1, 10 and 50 conversations at a time,
each a realistic multi-turn exchange (FAQ, pregnancy, hours, a full booking,
small talk) with reading-and-typing pauses; then, with no pauses, as many
messages as 10 clients can push (the capacity).

The floor is a bare Rasa assistant (tools/baselines/floor/, Rasa's default
config) trained in the same run and driven the same way with one-message
exchanges; every figure of ours is also given as a ratio to it.

Where the CPU goes: both servers run under tools/stages.py, and before the load
levels tools/stage_probe.py plays typical turns one at a time (an article FAQ, a
practice FAQ, a booking, turn 5 vs turn 40 of a long conversation) and reports
each stage's CPU. Every load level also gives the servers' CPU per message,
read from /proc.

With --workers N (`make bench WORKERS=N`) ours is served as `make run WORKERS=N`
does: N Rasa processes behind Debian's HAProxy, sharing the SQLite tracker store
and a Redis lock store (bot/cli/workers.py); memory and CPU are then summed over
the Rasa processes, HAProxy and Redis, and the report is reports/bench-workers-N.md.

Writes reports/bench.md, reports/bench_stages.json and reports/bench_latency.png,
and ends with one line: `bench: p95_ms_at_10=... msgs_per_s=... rss_mb=...
floor_ratio_p95=... p95_ms_at_50=... cpu_ms_per_msg=...`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import yaml

from bot.cli import workers as worker_pool
from bot.cli.serve import (
    action_server_command,
    api_token,
    isolated_env,
    rasa_server_command,
    stop_all,
    wait_for,
    write_local_endpoints,
)
from bot.practice.clock import CLOCK_FILE_ENV
from tests.net import free_port
from tools import machine, stage_probe
from tools.loadgen import SCRIPTS, LoadResult, Script, Turn, run_load

REPO = Path(__file__).resolve().parent.parent

MODEL = REPO / "models" / "assistant.tar.gz"
TRAIN_TIME_FILE = REPO / "models" / "train-time.txt"
FLOOR_PROJECT = REPO / "tools" / "baselines" / "floor"
RASA_DEFAULT_CONFIG = REPO / "tools" / "baselines" / "rasa_default.yml"
# A Tuesday morning in the practice's time zone: open, and the scripted
# "Thursday at 4 pm" booking lies ahead, whatever day the bench runs.
PINNED_NOW = "2026-12-01T10:00:00-08:00"

LEVELS = (1, 10, 50)
CAPACITY_CLIENTS = 10
START_TIMEOUT_S = 300
# The stage probe sends 40 messages in one conversation, quicker than a person:
# the per-sender rate limit is raised (its code still runs on every message).
BENCH_RATE_LIMIT_BURST = "100"

TARGET_P95_MS_AT_10 = 150.0
TARGET_P95_MS_AT_50 = 1000.0
TARGET_MSGS_PER_S = 30.0
TARGET_RSS_MIB = 1.5 * 1024
TARGET_TRAIN_S = 4 * 60

# The floor's clients: one message, one canned reply, three times per conversation.
FLOOR_SCRIPTS: Tuple[Script, ...] = (
    Script(
        "floor",
        (
            Turn("hello", ("how can i help",)),
            Turn("bye", ("goodbye",)),
            Turn("hi", ("how can i help",)),
        ),
    ),
)


# ---------------------------------------------------------------- measurements


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB (Linux /proc)."""
    total_kib, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # the process ended meanwhile
    return total_kib / 1024


def cpu_seconds(pid: Optional[int]) -> float:
    """User + system CPU a process has used so far (Linux /proc), 0 when it is gone."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def training_seconds(path: Optional[Path] = None) -> Optional[float]:
    """Seconds from `make train`'s note ("training took 123s"); None when absent."""
    path = path or TRAIN_TIME_FILE
    try:
        found = re.search(r"(\d+(?:\.\d+)?)\s*s", path.read_text())
    except OSError:
        return None
    return float(found.group(1)) if found else None


@dataclass
class Level:
    clients: int
    paused: bool  # reading-and-typing pauses between a client's messages
    summary: Dict[str, object]
    rss_mib: float
    actions_rss_mib: Optional[float]
    samples: List[str]
    cpu_ms_per_msg: Optional[float] = None  # the Rasa server's, from /proc
    actions_cpu_ms_per_msg: Optional[float] = None
    slowest_turns: List[Dict[str, object]] = field(default_factory=list)  # LoadResult.slowest_turns()

    def figure(self, key: str) -> Optional[float]:
        value = self.summary.get(key)
        return float(value) if value is not None else None

    @property
    def problems(self) -> int:
        return sum(int(self.summary.get(k, 0) or 0) for k in ("errors", "lost", "duplicated", "crossed", "unexpected"))


@dataclass
class ServerRun:
    name: str
    levels: List[Level] = field(default_factory=list)
    capacity: Optional[Level] = None
    start_s: float = 0.0
    idle_rss_mib: float = 0.0
    stages: Optional[stage_probe.ProbeResult] = None

    def at(self, clients: int) -> Optional[Level]:
        return next((level for level in self.levels if level.clients == clients), None)

    @property
    def peak_rss_mib(self) -> float:
        levels = self.levels + ([self.capacity] if self.capacity else [])
        return max([self.idle_rss_mib] + [level.rss_mib for level in levels])


def slow_tail_section(level: Optional[Level]) -> List[str]:
    """Which script turns make the p95 at a load level: the ones to make cheaper."""
    if level is None or not level.slowest_turns:
        return []
    lines = [
        "",
        f"## The slow tail at {level.clients} conversations",
        "",
        f"Each script turn's reply latency at this level; **above p95**: its messages slower than the level's "
        f"p95 ({_fmt(level.figure('p95_ms'))} ms).",
        "",
        "| script turn | messages | p50 ms | p95 ms | above p95 |",
        "|---|---|---|---|---|",
    ]
    for row in level.slowest_turns:
        lines.append(
            f"| {row['turn']} | {row['messages']} | {_fmt(row['p50_ms'])} | {_fmt(row['p95_ms'])} | {row['above']} |"
        )
    return lines


def drive(
    served: Served,
    scripts: Sequence[Script],
    levels: Sequence[int],
    seconds: float,
    capacity_seconds: float,
    run: ServerRun,
    probe: Callable[[Served], stage_probe.ProbeResult],
) -> None:
    """Warm up, measure the stages one message at a time, then each load level in turn;
    memory and CPU are read around each."""
    base_url, rasa_pids = served.url, served.rasa_pids
    actions_pid = served.actions.pid if served.actions else None

    def rasa_cpu() -> float:
        return sum(cpu_seconds(pid) for pid in rasa_pids)

    def rasa_rss() -> float:
        return sum(tree_rss_mib(pid) for pid in rasa_pids)

    def measured(clients: int, paused: bool, duration: float, seed: int) -> Level:
        options = {} if paused else {"think_time_s": (0.0, 0.0)}
        cpu_before = rasa_cpu(), cpu_seconds(actions_pid)
        result: LoadResult = asyncio.run(
            run_load(base_url, clients, duration_s=duration, scripts=scripts, seed=seed, **options)
        )
        sent = max(result.messages_sent, 1)
        return Level(
            clients,
            paused,
            result.summary(),
            rasa_rss(),
            tree_rss_mib(actions_pid) if actions_pid else None,
            list(result.samples),
            (rasa_cpu() - cpu_before[0]) * 1000 / sent,
            (cpu_seconds(actions_pid) - cpu_before[1]) * 1000 / sent if actions_pid else None,
            result.slowest_turns(),
        )

    # The first replies load lazily built parts of the model; they are not measured.
    asyncio.run(run_load(base_url, 2, conversations=2 * len(scripts), scripts=scripts, think_time_s=(0.0, 0.0), seed=0))
    run.idle_rss_mib = rasa_rss()
    run.stages = probe(served)
    print(f"  {run.name}: stage probe: {_probe_line(run.stages)}", flush=True)
    for clients in levels:
        level = measured(clients, True, seconds, seed=clients)
        run.levels.append(level)
        print(f"  {run.name}: {clients} conversations: {_short(level)}", flush=True)
    if capacity_seconds > 0:
        run.capacity = measured(CAPACITY_CLIENTS, False, capacity_seconds, seed=999)
        print(f"  {run.name}: capacity, {CAPACITY_CLIENTS} clients without pauses: {_short(run.capacity)}", flush=True)


def _short(level: Level) -> str:
    s = level.summary
    return (
        f"{s['messages_sent']} msgs, p50 {s['p50_ms']} / p95 {s['p95_ms']} / p99 {s['p99_ms']} ms, "
        f"{s['msgs_per_s']} msgs/s, CPU {_fmt(level.cpu_ms_per_msg, 1)} ms/msg, RSS {level.rss_mib:.0f} MiB, "
        f"problems {level.problems}"
    )


def _probe_line(result: stage_probe.ProbeResult) -> str:
    figures = stage_probe.summary([result])
    return ", ".join(f"{column} {values['cpu_ms']:.1f}" for column, values in figures.items()) + " ms of CPU"


# ---------------------------------------------------------------- servers


def pinned_env(workdir: Path) -> Dict[str, str]:
    """Server environment with all state in workdir and the clock pinned to PINNED_NOW."""
    # The scripted clients repeat their messages: the sentence encoder keeps only the
    # vector its parse reuses, so every message is embedded as a new one would be.
    env = isolated_env(workdir, CHANNEL_RATE_LIMIT_BURST=BENCH_RATE_LIMIT_BURST, BOT_ENCODER_RECENT_TEXTS="1")
    Path(env[CLOCK_FILE_ENV]).write_text(PINNED_NOW)
    return env


def _start(command: List[str], cwd: Path, env: Dict[str, str], log: Path, ready_url: str) -> subprocess.Popen:
    with open(log, "ab") as handle:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT)
    try:
        wait_for(ready_url, START_TIMEOUT_S, process)
    except (RuntimeError, TimeoutError) as exc:
        stop_all([process])
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{exc}\n--- {log.name} ---\n{tail}") from exc
    return process


@dataclass
class Served:
    url: str
    rasa: subprocess.Popen
    rasa_record: Path  # tools.stages' JSON lines
    actions: Optional[subprocess.Popen] = None
    actions_record: Optional[Path] = None
    # With workers: the other Rasa processes, HAProxy and Redis, counted with `rasa`.
    more: List[subprocess.Popen] = field(default_factory=list)

    @property
    def rasa_pids(self) -> List[int]:
        return [self.rasa.pid] + [process.pid for process in self.more]


def with_stages(command: List[str], record: Path) -> List[str]:
    """A `rasa ...` command run under tools.stages, which records each request's CPU by stage."""
    return [sys.executable, "-m", "tools.stages", "--record", str(record), "--", *command]


@contextlib.contextmanager
def our_servers(workdir: Path) -> Iterator[Served]:
    """Action server + Rasa with the repository's credentials (every channel), as `make run` starts them."""
    env = pinned_env(workdir)
    actions_port, rasa_port = free_port(), free_port()
    endpoints = write_local_endpoints(workdir / "endpoints.yml", actions_port, workdir / "conversations.db")
    records = workdir / "actions-stages.jsonl", workdir / "rasa-stages.jsonl"
    processes: List[subprocess.Popen] = []
    try:
        processes.append(
            _start(
                with_stages(action_server_command(actions_port), records[0]),
                REPO,
                env,
                workdir / "actions.log",
                f"http://127.0.0.1:{actions_port}/health",
            )
        )
        processes.append(
            _start(
                with_stages(rasa_server_command(rasa_port, MODEL, str(endpoints), token=api_token(env)), records[1]),
                REPO,
                env,
                workdir / "rasa.log",
                f"http://127.0.0.1:{rasa_port}/",
            )
        )
        yield Served(f"http://127.0.0.1:{rasa_port}", processes[1], records[1], processes[0], records[0])
    finally:
        stop_all(list(reversed(processes)))


@contextlib.contextmanager
def our_workers(workdir: Path, workers: int) -> Iterator[Served]:
    """As `make run WORKERS=N` starts them: the action server, N Rasa processes behind
    HAProxy, a Redis lock store; every Rasa process records its stages to one file."""
    env = pinned_env(workdir)
    actions_port, proxy_port, redis_port = free_port(), free_port(), free_port()
    rasa_ports = [free_port() for _ in range(workers)]
    endpoints = write_local_endpoints(workdir / "endpoints.yml", actions_port, workdir / "conversations.db")
    lock_store = worker_pool.redis_lock_store(redis_port)
    endpoints.write_text(endpoints.read_text() + yaml.safe_dump({"lock_store": lock_store}))
    records = workdir / "actions-stages.jsonl", workdir / "rasa-stages.jsonl"
    processes: List[subprocess.Popen] = []
    try:
        redis = subprocess.Popen(worker_pool.redis_command(redis_port, workdir), cwd=workdir, stdout=subprocess.DEVNULL)
        processes.append(redis)
        worker_pool.wait_for_port(redis_port, 30, redis)
        actions = _start(
            with_stages(action_server_command(actions_port), records[0]),
            REPO,
            env,
            workdir / "actions.log",
            f"http://127.0.0.1:{actions_port}/health",
        )
        processes.append(actions)
        rasa = []
        for index, port in enumerate(rasa_ports):
            command = rasa_server_command(port, MODEL, str(endpoints), token=api_token(env), interface="127.0.0.1")
            rasa.append(
                _start(
                    with_stages(command, records[1]),
                    REPO,
                    env,
                    workdir / f"rasa-{index}.log",
                    f"http://127.0.0.1:{port}/",
                )
            )
            processes.append(rasa[-1])
        config = workdir / "haproxy.cfg"
        config.write_text(worker_pool.haproxy_config("127.0.0.1", proxy_port, rasa_ports))
        proxy = _start(
            worker_pool.haproxy_command(config),
            workdir,
            env,
            workdir / "haproxy.log",
            f"http://127.0.0.1:{proxy_port}/",
        )
        processes.append(proxy)
        yield Served(
            f"http://127.0.0.1:{proxy_port}", rasa[0], records[1], actions, records[0], [*rasa[1:], proxy, redis]
        )
    finally:
        stop_all(list(reversed(processes)))


def train_floor(workdir: Path) -> Tuple[Path, float]:
    """The floor project copied to workdir and trained there; returns (model, seconds)."""
    project = workdir / "floor"
    shutil.copytree(FLOOR_PROJECT, project)
    shutil.copy(RASA_DEFAULT_CONFIG, project / "config.yml")
    # Only REST: a bare server, no custom channels.
    (project / "credentials.yml").write_text("rest:\n")
    (project / "endpoints.yml").write_text("# in-memory tracker store, no action server\n")
    env = pinned_env(workdir)
    env["RASA_MAX_CACHE_SIZE"] = "0"  # a full training, timed honestly; .rasa/ left alone
    started = time.monotonic()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "--fixed-model-name", "floor", "--out", "models"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    model = project / "models" / "floor.tar.gz"
    if done.returncode != 0 or not model.exists():
        raise RuntimeError(f"floor training failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}")
    return model, seconds


@contextlib.contextmanager
def floor_server(workdir: Path, model: Path) -> Iterator[Served]:
    """Plain `rasa run` (none of bot/rasa_tuning's speed-ups) on the floor model, otherwise as ours, REST only."""
    env = pinned_env(workdir)  # its PYTHONPATH holds the repository, for tools.stages
    project = model.parent.parent
    port = free_port()
    record = workdir / "floor-stages.jsonl"
    process = _start(
        with_stages(rasa_server_command(port, model, "endpoints.yml", token=api_token(env), tuned=False), record),
        project,
        env,
        workdir / "floor-rasa.log",
        f"http://127.0.0.1:{port}/",
    )
    try:
        yield Served(f"http://127.0.0.1:{port}", process, record)
    finally:
        stop_all([process])


# ---------------------------------------------------------------- report


def ratio(ours: Optional[float], floor: Optional[float]) -> Optional[float]:
    return ours / floor if ours is not None and floor else None


def _fmt(value: Optional[float], digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio_cell(ours: Optional[float], floor: Optional[float]) -> str:
    r = ratio(ours, floor)
    return "-" if r is None else f"{r:.2f}x"


def plot_latency(ours: ServerRun, floor: ServerRun, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5))
    for run, colour in ((ours, "tab:blue"), (floor, "tab:gray")):
        clients = [level.clients for level in run.levels]
        for key, style in (("p50_ms", ":"), ("p95_ms", "-"), ("p99_ms", "--")):
            values = [level.figure(key) for level in run.levels]
            axes.plot(clients, values, style, marker="o", color=colour, label=f"{run.name} {key[:3]}")
    axes.axhline(
        TARGET_P95_MS_AT_10, color="tab:red", linewidth=0.8, label=f"target p95 at 10 ({TARGET_P95_MS_AT_10:.0f} ms)"
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(list(LEVELS), [str(n) for n in LEVELS])
    axes.set_xlabel("concurrent conversations")
    axes.set_ylabel("reply latency (ms)")
    axes.set_title("REST reply latency: ours vs a bare Rasa floor")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


@dataclass
class Headline:
    p95_ms_at_10: Optional[float]
    msgs_per_s: Optional[float]
    rss_mib: float
    floor_ratio_p95: Optional[float]
    train_s: Optional[float]
    p95_ms_at_50: Optional[float] = None
    cpu_ms_per_msg: Optional[float] = None  # Rasa + action server, at capacity

    def line(self) -> str:
        return (
            f"bench: p95_ms_at_10={self.p95_ms_at_10 or 0:.0f} msgs_per_s={self.msgs_per_s or 0:.0f} "
            f"rss_mb={self.rss_mib:.0f} floor_ratio_p95={self.floor_ratio_p95 or 0:.2f} "
            f"p95_ms_at_50={self.p95_ms_at_50 or 0:.0f} cpu_ms_per_msg={self.cpu_ms_per_msg or 0:.1f}"
        )


def total_cpu_ms(level: Optional[Level]) -> Optional[float]:
    """Rasa's and the action server's CPU per message in one level."""
    if level is None or level.cpu_ms_per_msg is None:
        return None
    return level.cpu_ms_per_msg + (level.actions_cpu_ms_per_msg or 0.0)


def headline(ours: ServerRun, floor: ServerRun) -> Headline:
    at_10, floor_at_10, at_50 = ours.at(10), floor.at(10), ours.at(50)
    p95 = at_10.figure("p95_ms") if at_10 else None
    floor_p95 = floor_at_10.figure("p95_ms") if floor_at_10 else None
    # Throughput: the most messages per second any run sustained (normally the capacity run).
    rates = [level.figure("msgs_per_s") for level in ours.levels + ([ours.capacity] if ours.capacity else [])]
    return Headline(
        p95,
        max((r for r in rates if r is not None), default=None),
        ours.peak_rss_mib,
        ratio(p95, floor_p95),
        training_seconds(),
        at_50.figure("p95_ms") if at_50 else None,
        total_cpu_ms(ours.capacity),
    )


def write_report(
    ours: ServerRun,
    floor: ServerRun,
    floor_train_s: float,
    floor_model: Path,
    seconds: float,
    stages: List[Tuple[str, float]],
    facts: Dict[str, str],
    load_at_start: str,
    out: Path,
    workers: int = 1,
) -> Headline:
    stem = "bench" if workers <= 1 else f"bench-workers-{workers}"
    plot_latency(ours, floor, out / f"{stem}_latency.png")
    head = headline(ours, floor)
    lines = [
        "# Benchmark: REST reply latency, throughput, memory",
        "",
        "Provisional unless the load average below stays under the core count: on a shared machine every "
        "latency is inflated.",
        "",
        "## Machine",
        "",
    ]
    lines += machine.markdown(facts, load_at_start, machine.load_average())
    served_as = (
        "served like `make run` (action server + `rasa run` with every channel, SQLite tracker store)"
        if workers <= 1
        else f"served like `make run WORKERS={workers}` (action server + {workers} `rasa run` processes with every "
        "channel behind HAProxy, sharing the SQLite tracker store and a Redis lock store; Rasa's RSS and CPU below "
        "are summed over the Rasa processes, HAProxy and Redis)"
    )
    lines += [
        "",
        "## What ran",
        "",
        f"- **ours**: `{machine.shown(MODEL)}` ({MODEL.stat().st_size / 1e6:.1f} MB) {served_as}, request store "
        f"and logs in a temporary folder, clock pinned to {PINNED_NOW}",
        "- **floor**: a bare Rasa assistant (`tools/baselines/floor/`: two intents, a canned reply each, Rasa's "
        "default config) trained in this run, served by the same `rasa run` command with only the REST channel "
        "and the in-memory tracker store",
        f"- clients (tools/loadgen.py): each conversation a fresh sender; ours play the scripts "
        f"{', '.join(s.name for s in SCRIPTS)} in turn (the booking is a full request, stored), the floor "
        f"{len(FLOOR_SCRIPTS[0].turns)} one-message exchanges; 0.5-1.5 s pauses between a client's messages; "
        f"{seconds:.0f} s per level after a warm-up. Capacity: {CAPACITY_CLIENTS} clients without pauses.",
        "- latency: from sending a message to the whole reply arriving; memory: VmRSS of the Rasa server "
        "process (and children) from /proc after each level",
        "- both servers run under `tools/stages.py` (a few microseconds per stage for the CPU accounting); the "
        f"per-sender rate limit allows bursts of {BENCH_RATE_LIMIT_BURST} so the stage probe's long conversation "
        "is not refused",
        "",
        "## Results",
        "",
        "| conversations | server | messages | p50 ms | p95 ms | p99 ms | msgs/s | CPU ms/msg | Rasa RSS MiB "
        "| problems |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for clients in LEVELS:
        for run in (ours, floor):
            level = run.at(clients)
            if level is None:
                continue
            s = level.summary
            lines.append(
                f"| {clients} | {run.name} | {s['messages_sent']} | {_fmt(level.figure('p50_ms'))} | "
                f"{_fmt(level.figure('p95_ms'))} | {_fmt(level.figure('p99_ms'))} | "
                f"{_fmt(level.figure('msgs_per_s'), 1)} | {_fmt(total_cpu_ms(level), 1)} | "
                f"{level.rss_mib:.0f} | {level.problems} |"
            )
        o, f = ours.at(clients), floor.at(clients)
        if o and f:
            lines.append(
                f"| {clients} | **ratio** | | {_ratio_cell(o.figure('p50_ms'), f.figure('p50_ms'))} | "
                f"{_ratio_cell(o.figure('p95_ms'), f.figure('p95_ms'))} | "
                f"{_ratio_cell(o.figure('p99_ms'), f.figure('p99_ms'))} | "
                f"{_ratio_cell(o.figure('msgs_per_s'), f.figure('msgs_per_s'))} | "
                f"{_ratio_cell(total_cpu_ms(o), total_cpu_ms(f))} | {_ratio_cell(o.rss_mib, f.rss_mib)} | |"
            )
    if ours.capacity and floor.capacity:
        o, f = ours.capacity, floor.capacity
        lines += [
            "",
            f"Capacity ({CAPACITY_CLIENTS} clients, no pauses): ours {_fmt(o.figure('msgs_per_s'), 1)} msgs/s "
            f"(p95 {_fmt(o.figure('p95_ms'))} ms, CPU {_fmt(total_cpu_ms(o), 1)} ms/msg), floor "
            f"{_fmt(f.figure('msgs_per_s'), 1)} msgs/s (p95 {_fmt(f.figure('p95_ms'))} ms, CPU "
            f"{_fmt(total_cpu_ms(f), 1)} ms/msg): ratio {_ratio_cell(o.figure('msgs_per_s'), f.figure('msgs_per_s'))}.",
            "",
            "CPU ms/msg: user + system CPU of the Rasa server and the action server during the level "
            "(/proc), divided by the messages sent; it does not count the simulated clients.",
        ]
    actions_rss = [level.actions_rss_mib for level in ours.levels if level.actions_rss_mib]
    floor_size = floor_model.stat().st_size / 1e6
    lines += [
        "",
        f"![reply latency by concurrency]({stem}_latency.png)",
        "",
        "| | ours | floor | ratio |",
        "|---|---|---|---|",
        f"| training time (s) | {_fmt(head.train_s)} (`models/train-time.txt`, from `make train`) | "
        f"{floor_train_s:.0f} (this run) | {_ratio_cell(head.train_s, floor_train_s)} |",
        f"| model size (MB) | {MODEL.stat().st_size / 1e6:.1f} | {floor_size:.1f} | "
        f"{_ratio_cell(MODEL.stat().st_size / 1e6, floor_size)} |",
        f"| Rasa RSS at rest after warm-up (MiB) | {ours.idle_rss_mib:.0f} | {floor.idle_rss_mib:.0f} | "
        f"{_ratio_cell(ours.idle_rss_mib, floor.idle_rss_mib)} |",
        f"| Rasa RSS, peak after a level (MiB) | {ours.peak_rss_mib:.0f} | {floor.peak_rss_mib:.0f} | "
        f"{_ratio_cell(ours.peak_rss_mib, floor.peak_rss_mib)} |",
        f"| start-up until the server answers (s) | {ours.start_s:.0f} (action server + Rasa) | {floor.start_s:.0f} | "
        f"{_ratio_cell(ours.start_s, floor.start_s)} |",
    ]
    if actions_rss:
        lines.append(f"\nOur action server's RSS (not in the figures above): up to {max(actions_rss):.0f} MiB.")

    def verdict(ok: Optional[bool]) -> str:
        return "not measured" if ok is None else ("**met**" if ok else "**missed**")

    lines += [
        "",
        "## Targets",
        "",
        f"- p95 reply latency <= {TARGET_P95_MS_AT_10:.0f} ms at 10 concurrent conversations: "
        f"{_fmt(head.p95_ms_at_10)} ms -> "
        f"{verdict(None if head.p95_ms_at_10 is None else head.p95_ms_at_10 <= TARGET_P95_MS_AT_10)}",
        f"- p95 reply latency <= {TARGET_P95_MS_AT_50:.0f} ms at 50 concurrent conversations: "
        f"{_fmt(head.p95_ms_at_50)} ms -> "
        f"{verdict(None if head.p95_ms_at_50 is None else head.p95_ms_at_50 <= TARGET_P95_MS_AT_50)}",
        f"- >= {TARGET_MSGS_PER_S:.0f} messages/s (best sustained run): {_fmt(head.msgs_per_s, 1)} -> "
        f"{verdict(None if head.msgs_per_s is None else head.msgs_per_s >= TARGET_MSGS_PER_S)}",
        f"- server RSS <= 1.5 GB ({TARGET_RSS_MIB:.0f} MiB), peak: {head.rss_mib:.0f} MiB -> "
        f"{verdict(head.rss_mib <= TARGET_RSS_MIB)}",
        f"- full training <= {TARGET_TRAIN_S // 60} minutes: {_fmt(head.train_s)} s -> "
        f"{verdict(None if head.train_s is None else head.train_s <= TARGET_TRAIN_S)}",
    ]
    problems = [
        (run.name, level)
        for run in (ours, floor)
        for level in run.levels + ([run.capacity] if run.capacity else [])
        if level.problems
    ]
    lines += slow_tail_section(ours.at(10))
    lines += ["", "## Where the CPU goes", ""]
    probes = [run.stages for run in (ours, floor) if run.stages]
    if probes:
        lines += [
            "Each stage's own CPU time (nested stages taken out), in milliseconds, median of "
            f"{len(next(iter(probes[0].turns.values())))} conversations per column (3 for turns 5 and 40), "
            "measured inside the servers (tools/stages.py) with one message in flight at a time. "
            "**faq**: an article question answered from a response; **practice**: a practice question the "
            "action server answers; **booking**: the booking request with every detail; **booking: note / "
            'booking: confirm**: that booking\'s next turns, the note ("no") and the confirmation button, which '
            "stores the request; **turn 5 / turn 40**: "
            "the same practice question at turns 5 and 40 of one conversation; **floor: hi**: the bare Rasa "
            "floor's greeting.",
            "",
        ]
        lines += stage_probe.stage_table(probes)
        if not all(probe.clean for probe in probes):
            lines += ["", "**Some probe records overlapped another request; their stages are approximate.**"]
    else:
        lines.append("Not measured.")
    lines += ["", "## Problems seen by the clients", ""]
    if not problems:
        lines.append("None: every message got its own reply, once, with the expected content; no HTTP errors.")
    for name, level in problems:
        kinds = {
            k: level.summary[k] for k in ("errors", "lost", "duplicated", "crossed", "unexpected") if level.summary[k]
        }
        lines.append(f"- {name}, {level.clients} clients{'' if level.paused else ' (no pauses)'}: {kinds}")
        lines += [f"  - {sample}" for sample in level.samples[:5]]
    if any("HTTP 429" in sample for _, level in problems for sample in level.samples):
        lines.append("- **the per-sender rate limit answered 429**: the figures above include refused messages")
    else:
        lines.append("- the per-sender rate limit never triggered (each conversation has its own sender id)")
    lines += ["", "## How long each stage took", "", "| stage | seconds |", "|---|---|"]
    lines += [f"| {name} | {value:.0f} |" for name, value in stages]
    (out / f"{stem}.md").write_text("\n".join(lines) + "\n")
    (out / f"{stem}_stages.json").write_text(json.dumps(figures_for_json(ours, floor, head), indent=1) + "\n")
    return head


def figures_for_json(ours: ServerRun, floor: ServerRun, head: Headline) -> Dict[str, object]:
    """The run's figures for comparing runs: headline, each level, each stage's median per kind of turn."""

    def level(item: Level) -> Dict[str, object]:
        return {
            "clients": item.clients,
            "paused": item.paused,
            **{k: item.summary.get(k) for k in ("messages_sent", "p50_ms", "p95_ms", "p99_ms", "msgs_per_s")},
            "cpu_ms_per_msg": item.cpu_ms_per_msg,
            "actions_cpu_ms_per_msg": item.actions_cpu_ms_per_msg,
            "rss_mib": item.rss_mib,
        }

    return {
        "headline": head.line(),
        **{
            run.name: {
                "levels": [level(item) for item in run.levels + ([run.capacity] if run.capacity else [])],
                "stages": stage_probe.summary([run.stages]) if run.stages else {},
            }
            for run in (ours, floor)
        },
    }


# ---------------------------------------------------------------- the run


def _probe_ours(served: Served) -> stage_probe.ProbeResult:
    return stage_probe.probe(served.url, served.rasa_record, served.actions_record)


def _probe_floor(served: Served) -> stage_probe.ProbeResult:
    return stage_probe.probe_floor(served.url, served.rasa_record)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="load time per concurrency level")
    parser.add_argument("--capacity-seconds", type=float, default=10.0, help="0 skips the capacity run")
    parser.add_argument("--out", type=Path, default=REPO / "reports")
    parser.add_argument("--workers", type=int, default=1, help="N Rasa processes behind HAProxy (make run WORKERS=N)")
    args = parser.parse_args(argv)
    if args.workers > 1 and worker_pool.missing_programs():
        missing = ", ".join(worker_pool.missing_programs())
        print(f"--workers needs {missing} ({worker_pool.INSTALL_HINT})", file=sys.stderr)
        return 1
    if not MODEL.exists():
        print(f"No trained model at {MODEL}: run `make train` first.", file=sys.stderr)
        return 1
    if not Path("/proc/self/status").exists():
        print("The bench reads server memory from /proc: it runs on Linux only.", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    load_at_start = machine.load_average()
    facts = machine.describe(["rasa", "tensorflow", "sanic", "aiohttp"])
    stages: List[Tuple[str, float]] = []
    started = time.monotonic()

    def stage(name: str, since: float) -> float:
        now = time.monotonic()
        stages.append((name, now - since))
        print(f"[{now - started:5.0f}s] {name}: {now - since:.0f}s", flush=True)
        return now

    ours, floor = ServerRun("ours"), ServerRun("floor")
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        workdir = Path(folder)
        mark = time.monotonic()
        with our_servers(workdir) if args.workers <= 1 else our_workers(workdir, args.workers) as served:
            ours.start_s = time.monotonic() - mark
            mark = stage("ours: start action server and Rasa", mark)
            drive(served, SCRIPTS, LEVELS, args.seconds, args.capacity_seconds, ours, _probe_ours)
            mark = stage("ours: warm-up, stage probe and load levels", mark)
        floor_model, floor_train_s = train_floor(workdir)
        mark = stage("floor: train the bare Rasa project", mark)
        with floor_server(workdir, floor_model) as served:
            floor.start_s = time.monotonic() - mark
            mark = stage("floor: start Rasa", mark)
            drive(served, FLOOR_SCRIPTS, LEVELS, args.seconds, args.capacity_seconds, floor, _probe_floor)
            stage("floor: warm-up, stage probe and load levels", mark)
        stages.append(("whole run (wall clock)", time.monotonic() - started))
        head = write_report(
            ours, floor, floor_train_s, floor_model, args.seconds, stages, facts, load_at_start, args.out, args.workers
        )
    print(f"report: {args.out / ('bench.md' if args.workers <= 1 else f'bench-workers-{args.workers}.md')}", flush=True)
    print(head.line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
