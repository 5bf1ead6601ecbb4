"""The action server and Rasa as separately stoppable processes, for fault tests.

Unlike the session-wide `running_bot`, each BotServers has its own folder
(request store, spool, tracker store, API token, logs) and its own environment,
and Rasa can be killed and started again on the same tracker database.
"""

from __future__ import annotations

import json
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

from bot.cli.serve import (
    action_server_command,
    api_token,
    isolated_env,
    rasa_server_command,
    stop_all,
    wait_for,
    write_local_endpoints,
)
from bot.paths import REPO_ROOT
from bot.practice.clock import CLOCK_FILE_ENV
from tests.conftest import require_model
from tests.net import free_port

MODEL = REPO_ROOT / "models" / "assistant.tar.gz"
ACTIONS_START_SECONDS = 180
RASA_START_SECONDS = 300
# A Tuesday morning in the practice's time zone: open, and "Thursday at 4 pm"
# is two days ahead, whatever day the suite runs (see bot/practice/clock.py).
PINNED_NOW = "2026-12-01T10:00:00-08:00"


class BotServers:
    """Action server + Rasa on free local ports; logs append across restarts."""

    def __init__(self, workdir: Path, env: Dict[str, str]):
        self.workdir = workdir
        self.env = env
        self.actions_port = free_port()
        self.rasa_port = free_port()
        self.actions_log = workdir / "actions.log"
        self.rasa_log = workdir / "rasa.log"
        self.tracker_db = workdir / "conversations.db"
        self.endpoints = write_local_endpoints(workdir / "endpoints.yml", self.actions_port, self.tracker_db)
        self.actions: Optional[subprocess.Popen] = None
        self.rasa: Optional[subprocess.Popen] = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def api_token(self) -> str:
        return api_token(self.env)

    def _spawn(self, command: List[str], log_path: Path) -> subprocess.Popen:
        with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(command, cwd=REPO_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_actions(self) -> None:
        self.actions = self._spawn(action_server_command(self.actions_port), self.actions_log)
        self._wait(
            f"http://127.0.0.1:{self.actions_port}/health", ACTIONS_START_SECONDS, self.actions, self.actions_log
        )

    def start_rasa(self) -> None:
        command = rasa_server_command(self.rasa_port, MODEL, str(self.endpoints), token=self.api_token)
        self.rasa = self._spawn(command, self.rasa_log)
        self._wait(f"{self.base_url}/", RASA_START_SECONDS, self.rasa, self.rasa_log)

    def start(self) -> BotServers:
        self.start_actions()
        self.start_rasa()
        return self

    def kill_rasa(self) -> None:
        """Stop Rasa the hard way, as a crash or a power cut would."""
        if self.rasa is not None and self.rasa.poll() is None:
            self.rasa.send_signal(signal.SIGKILL)
            self.rasa.wait(timeout=30)
        self.rasa = None

    def stop(self) -> None:
        stop_all([p for p in (self.rasa, self.actions) if p is not None])
        self.rasa = self.actions = None

    @staticmethod
    def _wait(url: str, timeout: float, process: subprocess.Popen, log_path: Path) -> None:
        try:
            wait_for(url, timeout, process)
        except (RuntimeError, TimeoutError) as exc:
            tail = log_path.read_text(errors="replace")[-3000:]
            if process.poll() is None:
                process.kill()
            raise RuntimeError(f"{exc}\n--- {log_path.name} ---\n{tail}") from exc

    # -- its HTTP API ------------------------------------------------------------------
    def api_get(self, path: str, token: Optional[str] = None) -> int:
        """Status code of a GET on Rasa's HTTP API, with ?token= when given."""
        url = f"{self.base_url}{path}" + (f"?token={urllib.parse.quote(token)}" if token is not None else "")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def tracker(self, sender: str) -> Dict[str, Any]:
        url = f"{self.base_url}/conversations/{urllib.parse.quote(sender, safe='')}/tracker?token={self.api_token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())

    def post_event(self, sender: str, event: Dict[str, Any]) -> None:
        url = (
            f"{self.base_url}/conversations/{urllib.parse.quote(sender, safe='')}/tracker/events?token={self.api_token}"
        )
        request = urllib.request.Request(
            url, data=json.dumps(event).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=30):
            pass


@pytest.fixture
def make_servers(tmp_path: Path) -> Iterator[Callable[..., BotServers]]:
    """make_servers(**env_overrides) -> started BotServers in its own folder, clock pinned.

    Everything started is stopped when the test ends.
    """
    made: List[BotServers] = []

    def make(start: bool = True, **overrides: str) -> BotServers:
        require_model()
        workdir = tmp_path / f"bot-{len(made)}"
        workdir.mkdir()
        env = isolated_env(workdir, **overrides)
        Path(env[CLOCK_FILE_ENV]).write_text(PINNED_NOW)
        servers = BotServers(workdir, env)
        made.append(servers)
        if start:
            try:
                servers.start()
            except RuntimeError as exc:
                pytest.fail(f"could not start the bot: {exc}")
        return servers

    yield make
    for servers in made:
        servers.stop()
