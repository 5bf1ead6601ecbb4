"""Fixtures shared by the whole suite: the trained model and a running bot.

Unit tests need neither. Tests that need the trained model or live servers
start what they need themselves on free local ports, and stop it afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Union

import pytest

REPO = Path(__file__).resolve().parent.parent
MODEL = REPO / "models" / "assistant.tar.gz"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tests.measurements import REPORT_LINES  # noqa: E402  (after the environment is set)
from tests.net import free_port  # noqa: E402

# Sanic apps served in-process and a scripted Rasa, for the channel tests (unit and live).
pytest_plugins = ["tests.sanic_fixtures"]


def pytest_terminal_summary(terminalreporter) -> None:
    if REPORT_LINES:
        terminalreporter.section("assistant measurements")
        for line in REPORT_LINES:
            terminalreporter.write_line(line)


@pytest.fixture
def unused_port() -> int:
    return free_port()


def require_model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make test` (it trains first) or `make train`.")
    return MODEL


@pytest.fixture(scope="session")
def trained_agent():
    """The trained Rasa model, loaded once (NLU + dialogue, no action server)."""
    from rasa.core.agent import Agent

    return Agent.load(str(require_model()))


@pytest.fixture(scope="session")
def bot_workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bot-e2e-") as folder:
        yield Path(folder)


@pytest.fixture(scope="session")
def bot_env(bot_workdir: Path) -> Dict[str, str]:
    """Environment for the servers: all their state in the session's folder.

    The clock file starts missing (the real clock); tests pin it with `pinned_clock`.
    """
    from bot.cli.serve import isolated_env

    return isolated_env(bot_workdir)


@pytest.fixture
def pinned_clock(bot_env: Dict[str, str]) -> Iterator[Callable[[Union[dt.datetime, str]], None]]:
    """The one way tests move the clock: pinned_clock(moment), a datetime or ISO text with an offset.

    It pins bot.practice.clock in this process (actions and pure logic under test)
    and in the servers started with the session's environment (their clock file).
    """
    from bot.practice import clock

    clock_file = Path(bot_env[clock.CLOCK_FILE_ENV])

    def pin(moment: Union[dt.datetime, str]) -> None:
        if isinstance(moment, str):
            moment = dt.datetime.fromisoformat(moment)
        clock.pin(moment)
        clock_file.write_text(moment.isoformat())

    yield pin
    clock.pin(None)
    clock_file.write_text("")


@pytest.fixture(scope="session")
def running_bot(bot_workdir: Path, bot_env: Dict[str, str]) -> Iterator[str]:
    """Action server + Rasa (REST, socket.io, SMS) on free ports; yields Rasa's base URL."""
    from bot.cli.serve import (
        action_server_command,
        api_token,
        rasa_server_command,
        stop_all,
        wait_for,
        write_local_endpoints,
    )

    require_model()
    actions_port, rasa_port = free_port(), free_port()
    endpoints = write_local_endpoints(bot_workdir / "endpoints.yml", actions_port, bot_workdir / "conversations.db")
    logs = [open(bot_workdir / name, "wb") for name in ("actions.log", "rasa.log")]
    processes: List[subprocess.Popen] = []
    try:
        processes.append(
            subprocess.Popen(
                action_server_command(actions_port), cwd=REPO, env=bot_env, stdout=logs[0], stderr=subprocess.STDOUT
            )
        )
        wait_for(f"http://127.0.0.1:{actions_port}/health", 180, processes[0])
        processes.append(
            subprocess.Popen(
                rasa_server_command(rasa_port, MODEL, str(endpoints), token=api_token(bot_env)),
                cwd=REPO,
                env=bot_env,
                stdout=logs[1],
                stderr=subprocess.STDOUT,
            )
        )
        wait_for(f"http://127.0.0.1:{rasa_port}/", 300, processes[1])
        yield f"http://127.0.0.1:{rasa_port}"
    except (RuntimeError, TimeoutError) as exc:
        tail = (bot_workdir / "rasa.log").read_text(errors="replace")[-3000:]
        pytest.fail(f"could not start the bot: {exc}\n{tail}")
    finally:
        stop_all(processes)
        for log in logs:
            log.close()


def run_cli(env: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
