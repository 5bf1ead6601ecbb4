"""tools/bench.py without servers: isolation, memory reading, the floor project, the report and its summary line."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import tools.bench as bench
from tools.bench import (
    FLOOR_PROJECT,
    FLOOR_SCRIPTS,
    Level,
    ServerRun,
    headline,
    pinned_env,
    training_seconds,
    tree_rss_mib,
    write_report,
)

LINUX_PROC = Path("/proc/self/status").exists()


def test_servers_keep_every_piece_of_state_in_the_work_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_API_TOKEN", "the-practice-token")
    env = pinned_env(tmp_path)
    assert env["BOT_DATABASE_URL"] == f"sqlite:///{tmp_path / 'requests.db'}"  # never var/requests.db
    for name in (
        "BOT_SPOOL_DIR",
        "BOT_NOTIFICATIONS_LOG",
        "SMS_STATE_PATH",
        "RASA_API_TOKEN_FILE",
        "BOT_TEST_CLOCK_FILE",
    ):
        assert Path(env[name]).parent == tmp_path, name
    assert "RASA_API_TOKEN" not in env
    pinned = dt.datetime.fromisoformat(Path(env["BOT_TEST_CLOCK_FILE"]).read_text())
    assert (pinned.strftime("%A"), pinned.hour) == ("Tuesday", 10)  # open, and "Thursday at 4 pm" lies ahead


@pytest.mark.skipif(not LINUX_PROC, reason="reads /proc")
def test_memory_of_a_server_includes_its_child_processes():
    alone = tree_rss_mib(subprocess.os.getpid())
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; b = bytearray(80 << 20); sys.stdout.write('ok\\n'); sys.stdout.flush(); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout.readline() == b"ok\n"
        assert tree_rss_mib(subprocess.os.getpid()) - alone >= 60
    finally:
        child.kill()
        child.wait()


def test_training_time_is_read_from_make_trains_note(tmp_path):
    note = tmp_path / "train-time.txt"
    note.write_text("training took 187s\n")
    assert training_seconds(note) == 187
    assert training_seconds(tmp_path / "missing.txt") is None


def test_the_floor_answers_what_its_simulated_clients_check():
    domain = yaml.safe_load((FLOOR_PROJECT / "domain.yml").read_text())
    nlu = yaml.safe_load((FLOOR_PROJECT / "data" / "nlu.yml").read_text())["nlu"]
    rules = yaml.safe_load((FLOOR_PROJECT / "data" / "rules.yml").read_text())["rules"]
    assert {block["intent"] for block in nlu} == set(domain["intents"])
    for rule in rules:
        intent, action = rule["steps"][0]["intent"], rule["steps"][1]["action"]
        assert intent in domain["intents"] and action in domain["responses"]
    replies = " ".join(r["text"] for responses in domain["responses"].values() for r in responses).lower()
    for turn in FLOOR_SCRIPTS[0].turns:
        assert any(expected in replies for expected in turn.expect_any), turn


def _level(
    clients: int, p95: float, rate: float, rss: float, paused: bool = True, cpu: float = 20.0, **problems: int
) -> Level:
    summary = {
        "messages_sent": 100,
        "p50_ms": p95 / 3,
        "p95_ms": p95,
        "p99_ms": p95 * 1.5,
        "msgs_per_s": rate,
        "errors": 0,
        "lost": 0,
        "duplicated": 0,
        "crossed": 0,
        "unexpected": 0,
        **problems,
    }
    samples = ["error: load-x turn 1: RuntimeError: HTTP 429: slow down"] if problems.get("errors") else []
    return Level(clients, paused, summary, rss, None, samples, cpu, cpu / 10)


def _runs():
    ours = ServerRun(
        "ours",
        [_level(1, 40, 1.5, 1000), _level(10, 120, 12, 1010), _level(50, 900, 28, 1020)],
        _level(10, 300, 33.4, 1030, paused=False, cpu=30.0),
        start_s=20,
        idle_rss_mib=990,
    )
    floor = ServerRun(
        "floor",
        [_level(1, 10, 1.6, 700), _level(10, 40, 13, 700), _level(50, 150, 60, 701, errors=3)],
        _level(10, 90, 100, 702, paused=False),
        start_s=10,
        idle_rss_mib=690,
    )
    return ours, floor


def test_summary_line_has_the_exact_format_scripts_read(tmp_path, monkeypatch):
    note = tmp_path / "train-time.txt"
    note.write_text("training took 200s")
    monkeypatch.setattr(bench, "TRAIN_TIME_FILE", note)
    head = headline(*_runs())
    line = head.line()
    assert line == (
        "bench: p95_ms_at_10=120 msgs_per_s=33 rss_mb=1030 floor_ratio_p95=3.00 p95_ms_at_50=900 cpu_ms_per_msg=33.0"
    )
    assert re.fullmatch(
        r"bench: p95_ms_at_10=\d+ msgs_per_s=\d+ rss_mb=\d+ floor_ratio_p95=\d+\.\d\d p95_ms_at_50=\d+ "
        r"cpu_ms_per_msg=\d+\.\d",
        line,
    )
    assert head.train_s == 200


def test_report_gives_ratios_targets_and_the_rate_limit_note(tmp_path, monkeypatch):
    model = tmp_path / "assistant.tar.gz"
    model.write_bytes(b"x" * 2_000_000)
    floor_model = tmp_path / "floor.tar.gz"
    floor_model.write_bytes(b"x" * 1_000_000)
    note = tmp_path / "train-time.txt"
    note.write_text("training took 200s")
    monkeypatch.setattr(bench, "MODEL", model)
    monkeypatch.setattr(bench, "TRAIN_TIME_FILE", note)
    ours, floor = _runs()

    write_report(
        ours,
        floor,
        20.0,
        floor_model,
        15,
        [("a stage", 3.0)],
        bench.machine.describe(["rasa"]),
        "0.1 / 0.1 / 0.1",
        tmp_path,
    )
    report = (tmp_path / "bench.md").read_text()

    assert "| 10 | **ratio** | | 3.00x | 3.00x | 3.00x | 0.92x | 1.00x | 1.44x | |" in report
    assert "| 10 | ours | 100 | 40 | 120 | 180 | 12.0 | 22.0 | 1010 | 0 |" in report  # Rasa + action server CPU
    assert "120 ms -> **met**" in report and "33.4 -> **met**" in report
    assert "at 50 concurrent conversations: 900 ms -> **met**" in report
    assert "1030 MiB -> **met**" in report and "200 s -> **met**" in report
    assert "| training time (s) | 200 " in report and "| 20 (this run) | 10.00x |" in report
    assert "rate limit answered 429" in report  # the floor's synthetic errors were 429s
    assert "CPU:" in report and "RAM:" in report and "Python:" in report
    assert (tmp_path / "bench_latency.png").read_bytes()[:4] == b"\x89PNG"
