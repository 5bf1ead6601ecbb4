"""The scale-out cluster: PostgreSQL, Redis, one action server, two Rasa servers, a round-robin proxy.

Everything runs on free local ports from a temporary folder and is stopped in
reverse order when the cluster's context ends, also when a test failed.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

from bot.cli.serve import REPO, action_server_command, api_token, isolated_env, rasa_server_command, stop_all, wait_for
from bot.practice.clock import CLOCK_FILE_ENV
from tests.live.scale.proxy import SERVED_PATH
from tests.live.scale.services import Postgres, Redis, postgres_server, redis_server
from tests.net import free_port

TRACKER_DATABASE = "rasa"
REQUESTS_DATABASE = "requests"
LOCK_STORE_DB = 1
LOCK_KEY_PREFIX = "riverside"
RASA_START_SECONDS = 300


@dataclass(frozen=True)
class Cluster:
    proxy: str
    rasa_servers: List[str]
    postgres: Postgres
    redis: Redis
    env: Dict[str, str]
    api_token: str


def coming_monday_morning() -> dt.datetime:
    """A coming Monday, 9 am at the practice, whose Tuesday 3 pm hour is open.

    The action server's clock is pinned to it, so "next Tuesday 3pm" is always bookable.
    """
    from bot.practice import schedule
    from bot.practice.profile import current_profile

    profile = current_profile()
    today = dt.datetime.now(profile.timezone).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    for _ in range(10):  # skip weeks whose Tuesday is a day off
        start = schedule.local_datetime(monday + dt.timedelta(days=1), dt.time(15), profile.timezone)
        if schedule.is_open(profile, start) and schedule.is_open(profile, start + dt.timedelta(minutes=59)):
            break
        monday += dt.timedelta(days=7)
    return schedule.local_datetime(monday, dt.time(9), profile.timezone)


def endpoints_yaml(actions_port: int, postgres: Postgres, redis: Redis) -> str:
    """What every Rasa replica shares: one action server, one tracker store, one lock store."""
    return f"""\
action_endpoint:
  url: "http://127.0.0.1:{actions_port}/webhook"
  enable_selective_domain: true
tracker_store:
  type: SQL
  dialect: "postgresql"
  url: "{postgres.host}"
  port: {postgres.port}
  db: "{TRACKER_DATABASE}"
  username: "{postgres.username}"
  password: "{postgres.password}"
lock_store:
  type: redis
  url: "{redis.host}"
  port: {redis.port}
  db: {LOCK_STORE_DB}
  key_prefix: "{LOCK_KEY_PREFIX}"
"""


class Processes:
    """Started servers, each logging to its own file; stopped together."""

    def __init__(self, folder: Path, env: Dict[str, str]):
        self.folder, self.env = folder, env
        self.running: List[subprocess.Popen] = []
        self.logs: List[Path] = []

    def start(self, name: str, command: List[str]) -> subprocess.Popen:
        log_path = self.folder / f"{name}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.running.append(process)
        self.logs.append(log_path)
        return process

    def tails(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-1500:]}" for path in self.logs)

    def stop(self) -> None:
        stop_all(self.running)


@contextmanager
def started_processes(folder: Path, env: Dict[str, str]) -> Iterator[Processes]:
    processes = Processes(folder, env)
    try:
        yield processes
    finally:
        processes.stop()


class ClusterDidNotStart(RuntimeError):
    """A server did not come up; the message ends with the servers' log tails."""


@contextmanager
def scale_out_cluster(model: Path) -> Iterator[Cluster]:
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="scale-out-")))
        postgres = stack.enter_context(postgres_server())
        postgres.create_database(TRACKER_DATABASE)
        postgres.create_database(REQUESTS_DATABASE)
        redis = stack.enter_context(redis_server())

        env = isolated_env(folder, BOT_DATABASE_URL=postgres.url(REQUESTS_DATABASE))
        token = api_token(env)  # its own, under folder: var/api-token is never read or made
        Path(env[CLOCK_FILE_ENV]).write_text(coming_monday_morning().isoformat())
        actions_port, rasa_ports, proxy_port = free_port(), [free_port(), free_port()], free_port()
        endpoints = folder / "endpoints.yml"
        endpoints.write_text(endpoints_yaml(actions_port, postgres, redis))
        rasa_urls = [f"http://127.0.0.1:{port}" for port in rasa_ports]
        proxy_url = f"http://127.0.0.1:{proxy_port}"

        processes = stack.enter_context(started_processes(folder, env))
        try:
            # All start at once: Rasa needs the action server only when an action runs.
            actions = processes.start("actions", action_server_command(actions_port))
            rasa = [
                processes.start(f"rasa-{index}", rasa_server_command(port, model, str(endpoints), token=token))
                for index, port in enumerate(rasa_ports)
            ]
            proxy = processes.start(
                "proxy",
                [
                    sys.executable,
                    "-m",
                    "tests.live.scale.proxy",
                    "--port",
                    str(proxy_port),
                    *[arg for url in rasa_urls for arg in ("--backend", url)],
                ],
            )
            wait_for(f"http://127.0.0.1:{actions_port}/health", RASA_START_SECONDS, actions)
            for url, process in zip(rasa_urls, rasa):
                wait_for(f"{url}/", RASA_START_SECONDS, process)
            wait_for(f"{proxy_url}{SERVED_PATH}", RASA_START_SECONDS, proxy)
        except (RuntimeError, TimeoutError) as error:
            raise ClusterDidNotStart(f"{error}\n{processes.tails()}") from None
        yield Cluster(proxy=proxy_url, rasa_servers=rasa_urls, postgres=postgres, redis=redis, env=env, api_token=token)
