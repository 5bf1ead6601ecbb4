"""Throwaway PostgreSQL and Redis servers for the scale-out test, from the Debian packages.

Each runs on a free local port with its data in a temporary folder, and is
stopped and deleted when its context ends, also when the test fails.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional

from bot.cli.workers import redis_command
from tests.net import free_port

MISSING_SERVICES = "install postgresql and redis-server (Debian) to run the scale-out test"
# PostgreSQL refuses to run as root; under root it runs as the account the Debian package creates.
POSTGRES_ACCOUNT = "postgres"
START_TIMEOUT_SECONDS = 60


def postgres_bin_dir() -> Optional[Path]:
    """The newest PostgreSQL server binaries: Debian's versioned folder, else PATH."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if versions:
        return Path(versions[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def running_as_root() -> bool:
    return os.geteuid() == 0


def postgres_account_exists() -> bool:
    try:
        pwd.getpwnam(POSTGRES_ACCOUNT)
        return True
    except KeyError:
        return False


def missing_services() -> Optional[str]:
    """Why the throwaway servers cannot start here, or None when they can."""
    missing = []
    if postgres_bin_dir() is None:
        missing.append("PostgreSQL (initdb, pg_ctl)")
    elif running_as_root() and not postgres_account_exists():
        missing.append(f"the '{POSTGRES_ACCOUNT}' account PostgreSQL runs as under root")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    if missing:
        return f"{MISSING_SERVICES}: missing {', '.join(missing)}"
    return None


@dataclass(frozen=True)
class Postgres:
    port: int
    username: str
    password: str
    host: str = "127.0.0.1"

    def url(self, database: str) -> str:
        return f"postgresql://{self.username}:{self.password}@{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg2

        return psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.username,
            password=self.password,
            dbname=database,
            connect_timeout=5,
        )

    def create_database(self, name: str) -> None:
        connection = self.connect()
        try:
            connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()


def _as_postgres_account(command: List[str]) -> List[str]:
    return ["runuser", "-u", POSTGRES_ACCOUNT, "--", *command] if running_as_root() else command


@contextmanager
def postgres_server(username: str = "rasa") -> Iterator[Postgres]:
    """A fresh cluster with password login for `username`, listening on 127.0.0.1 only."""
    bin_dir = postgres_bin_dir()
    folder = Path(tempfile.mkdtemp(prefix="scale-postgres-"))
    # Under root the folder must belong to the account the server runs as.
    if running_as_root():
        shutil.chown(folder, user=POSTGRES_ACCOUNT, group=POSTGRES_ACCOUNT)
    data, log = folder / "data", folder / "postgres.log"
    password = os.urandom(12).hex()
    password_file = folder / "password"
    password_file.write_text(password)
    if running_as_root():
        shutil.chown(password_file, user=POSTGRES_ACCOUNT)
    server = Postgres(port=free_port(), username=username, password=password)

    def run(*command: str) -> None:
        done = subprocess.run(
            _as_postgres_account([str(bin_dir / command[0]), *command[1:]]),
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_SECONDS,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr or done.stdout}")

    started = False
    try:
        try:
            run(
                "initdb",
                "--pgdata",
                str(data),
                "--username",
                username,
                "--pwfile",
                str(password_file),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
                "--no-instructions",
            )
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={server.port} -c unix_socket_directories={folder}"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            started = True  # from here on, always try to stop it
            run(
                "pg_ctl",
                "start",
                "--pgdata",
                str(data),
                "--log",
                str(log),
                "--wait",
                "--timeout",
                str(START_TIMEOUT_SECONDS),
                "--options",
                options,
            )
        except RuntimeError as error:
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{error}\n{server_log}") from None
        yield server
    finally:
        if started:
            subprocess.run(
                _as_postgres_account(
                    [str(bin_dir / "pg_ctl"), "stop", "--pgdata", str(data), "--mode", "immediate", "--wait"]
                ),
                cwd=folder,
                capture_output=True,
                timeout=START_TIMEOUT_SECONDS,
            )
        shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Redis:
    port: int
    host: str = "127.0.0.1"

    def client(self, db: int = 0):
        import redis

        return redis.Redis(host=self.host, port=self.port, db=db, socket_timeout=5)


@contextmanager
def redis_server() -> Iterator[Redis]:
    """An in-memory Redis (no snapshots, no append-only file) on 127.0.0.1."""
    folder = Path(tempfile.mkdtemp(prefix="scale-redis-"))
    server = Redis(port=free_port())
    log = open(folder / "redis.log", "wb")
    # The same in-memory server `make run WORKERS=2` starts (redis-server stays in the foreground).
    process = subprocess.Popen(
        redis_command(server.port, folder),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_redis(server, process, folder / "redis.log")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_redis(server: Redis, process: subprocess.Popen, log: Path) -> None:
    import redis

    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    client = server.client()
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"redis-server exited with code {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            time.sleep(0.2)
    raise TimeoutError(f"redis-server did not answer on port {server.port} within {START_TIMEOUT_SECONDS}s")
