"""Start everything `make run` serves, on localhost, and stop it all together.

- action server on :5055 (custom actions in actions/), bound to 127.0.0.1
- Rasa on :5005: REST, socket.io and SMS channels; HTTP API bound to 127.0.0.1
  and always token-protected (RASA_API_TOKEN, else a token kept in var/api-token)
- the demo practice page with the chat widget on :8080
- the staff console on :8081 (STAFF_PORT), bound to 127.0.0.1 unless STAFF_HOST
  or BOT_HOST say otherwise; it reads the tracker store named in endpoints.yml
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Mapping, Optional

import yaml

from bot.cli import workers as worker_pool
from bot.paths import REPO_ROOT, VAR_DIR
from bot.practice.clock import CLOCK_FILE_ENV

REPO = REPO_ROOT
VENV_BIN = Path(sys.executable).parent
MODEL = REPO / "models" / "assistant.tar.gz"

HOST = os.environ.get("BOT_HOST", "127.0.0.1")
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
ACTIONS_PORT = int(os.environ.get("ACTIONS_PORT", "5055"))
WEB_PORT = int(os.environ.get("WEB_PORT", "8080"))
STAFF_PORT = int(os.environ.get("STAFF_PORT", "8081"))
STAFF_HOST = os.environ.get("STAFF_HOST") or HOST

RASA_TUNING_ENV = "BOT_RASA_TUNING"  # 0: start plain `rasa`, without bot/rasa_tuning
API_TOKEN_ENV = "RASA_API_TOKEN"
API_TOKEN_FILE_ENV = "RASA_API_TOKEN_FILE"  # where the generated token is kept
DEFAULT_API_TOKEN_FILE = VAR_DIR / "api-token"


def quiet_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    # The action server (rasa_sdk) listens on SANIC_HOST, else on every interface.
    env.setdefault("SANIC_HOST", HOST)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def isolated_env(folder: Path, **overrides: str) -> Dict[str, str]:
    """quiet_env() with every piece of the assistant's state under `folder`: request
    store, spool, staff notifications, SMS state, API token, and the test clock file
    (missing or empty: the real clock). For tests and benchmarks, which must never
    touch var/ or use the practice's own API token."""
    env = quiet_env()
    env.pop(API_TOKEN_ENV, None)
    env.update(
        {
            "BOT_DATABASE_URL": f"sqlite:///{folder / 'requests.db'}",
            "BOT_SPOOL_DIR": str(folder / "spool"),
            "BOT_NOTIFICATIONS_LOG": str(folder / "notifications.log"),
            "SMS_STATE_PATH": str(folder / "sms.db"),
            API_TOKEN_FILE_ENV: str(folder / "api-token"),
            CLOCK_FILE_ENV: str(folder / "clock.txt"),
        }
    )
    env.update(overrides)
    return env


def write_local_endpoints(path: Path, actions_port: int, tracker_db: Path) -> Path:
    """An endpoints file for servers on this machine: the action server on `actions_port`
    (sent the domain only for the actions that read it, as endpoints.yml says) and a
    SQLite tracker store in `tracker_db`."""
    path.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n  enable_selective_domain: true\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    )
    return path


def configured_endpoints() -> Path:
    """endpoints.yml, or the file BOT_ENDPOINTS names (the staff console reads the same)."""
    from bot.conversations.tracker_reader import ENDPOINTS_ENV  # here: it loads SQLAlchemy

    return Path(os.environ.get(ENDPOINTS_ENV) or REPO / "endpoints.yml")


def endpoints_for_this_machine(
    actions_port: int = ACTIONS_PORT,
    source: Optional[Path] = None,
    lock_store: Optional[Dict] = None,
    folder: Optional[Path] = None,
) -> Path:
    """endpoints.yml with the action endpoint on `actions_port` (ACTIONS_PORT), written to `folder`.

    Everything else (tracker store, lock store) stays as the practice configured it,
    so a second instance on other ports talks to its own action server; `lock_store`
    is used only where the practice configured none.
    """
    endpoints = yaml.safe_load((source or configured_endpoints()).read_text(encoding="utf-8")) or {}
    endpoints["action_endpoint"] = {
        **(endpoints.get("action_endpoint") or {}),
        "url": f"http://127.0.0.1:{actions_port}/webhook",
    }
    if lock_store and not endpoints.get("lock_store"):
        endpoints["lock_store"] = lock_store
    folder = folder or VAR_DIR
    folder.mkdir(exist_ok=True)
    target = folder / f"endpoints-{actions_port}.yml"
    target.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return target


def api_token_path(env: Optional[Mapping[str, str]] = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get(API_TOKEN_FILE_ENV) or DEFAULT_API_TOKEN_FILE)


def _kept_token(path: Path) -> Optional[str]:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def read_api_token(env: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """RASA_API_TOKEN if set, else the kept token; None when there is neither."""
    env = os.environ if env is None else env
    return (env.get(API_TOKEN_ENV) or "").strip() or _kept_token(api_token_path(env))


def api_token(env: Optional[Mapping[str, str]] = None) -> str:
    """The token Rasa's HTTP API requires: RASA_API_TOKEN, else the kept one, made on first use.

    The API can read and rewrite every conversation, so it never runs open.
    """
    env = os.environ if env is None else env
    from_env = (env.get(API_TOKEN_ENV) or "").strip()
    if from_env:
        return from_env
    path = api_token_path(env)
    kept = _kept_token(path)
    if kept:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # someone loosened it; the token must stay private
        return kept
    return _create_token_file(path)


def kept_secret(path: Path) -> str:
    """A random secret kept (owner-only) in `path`, made on first use; for the console's sessions."""
    return _kept_token(path) or _create_token_file(path)


def _create_token_file(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    # Written under a temporary name and linked into place: a second process
    # starting at the same moment reads a whole token, never half of one.
    fd, temporary_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # owner-only
    temporary = Path(temporary_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(token + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            other = _kept_token(path)
            if other:
                return other  # another process made it first
            os.replace(temporary, path)  # an empty leftover: take its place
    finally:
        if temporary.exists():
            temporary.unlink()
    return token


def action_server_command(port: int = ACTIONS_PORT) -> List[str]:
    return [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)]


def rasa_command(tuned: Optional[bool] = None) -> List[str]:
    """`rasa`, with the speed-ups of bot/rasa_tuning applied unless `tuned` is False or,
    when `tuned` is not given, BOT_RASA_TUNING is 0 (plain Rasa: the same answers, slower)."""
    if tuned is None:
        tuned = os.environ.get(RASA_TUNING_ENV, "1").strip() != "0"
    return [sys.executable, "-m", "bot.rasa_tuning"] if tuned else [str(VENV_BIN / "rasa")]


def rasa_server_command(
    port: int = RASA_PORT,
    model: Path = MODEL,
    endpoints: str = "endpoints.yml",
    token: Optional[str] = None,
    tuned: Optional[bool] = None,
    interface: str = HOST,
) -> List[str]:
    """`rasa run` with the HTTP API on; token defaults to api_token()."""
    return [
        *rasa_command(tuned),
        "run",
        "--model",
        str(model),
        "--enable-api",
        "--interface",
        interface,
        "--port",
        str(port),
        "--credentials",
        "credentials.yml",
        "--endpoints",
        endpoints,
        # One argument with "=": a generated token may start with "-", which
        # argparse would otherwise take for an option and refuse to start.
        f"--auth-token={token or api_token()}",
    ]


def web_server_command(port: int = WEB_PORT, rasa_url: Optional[str] = None) -> List[str]:
    return [
        sys.executable,
        "-m",
        "bot.web",
        "--host",
        HOST,
        "--port",
        str(port),
        "--rasa-url",
        rasa_url or f"http://{HOST}:{RASA_PORT}",
    ]


def console_server_command(port: int = STAFF_PORT, host: str = STAFF_HOST) -> List[str]:
    return [sys.executable, "-m", "bot.console", "--host", host, "--port", str(port)]


def wait_for(url: str, timeout: float, process: subprocess.Popen) -> None:
    """Poll until the URL answers; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{' '.join(process.args[:3])} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


def stop_all(processes: List[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def start_rasa(env: Dict[str, str], processes: List[subprocess.Popen], workers: int, run_dir: Path) -> str:
    """One Rasa process on RASA_PORT; or `workers` of them behind HAProxy on RASA_PORT
    (bot/cli/workers.py). Returns a line for the start-up message."""
    if workers <= 1:
        rasa = subprocess.Popen(rasa_server_command(endpoints=str(endpoints_for_this_machine())), cwd=REPO, env=env)
        processes.append(rasa)
        wait_for(f"http://127.0.0.1:{RASA_PORT}/", 300, rasa)
        return "one Rasa process"
    source = configured_endpoints()
    has_lock_store = bool((yaml.safe_load(source.read_text(encoding="utf-8")) or {}).get("lock_store"))
    missing = worker_pool.missing_programs(need_redis=not has_lock_store)
    if missing:
        raise RuntimeError(f"WORKERS={workers} needs {' and '.join(missing)} (Debian: {worker_pool.INSTALL_HINT})")
    lock_store = None
    if not has_lock_store:
        redis_port = worker_pool.free_port()
        redis = subprocess.Popen(worker_pool.redis_command(redis_port, run_dir), cwd=run_dir, stdout=subprocess.DEVNULL)
        processes.append(redis)
        worker_pool.wait_for_port(redis_port, 30, redis)
        lock_store = worker_pool.redis_lock_store(redis_port)
    endpoints = endpoints_for_this_machine(lock_store=lock_store, folder=run_dir)
    ports = [worker_pool.free_port() for _ in range(workers)]
    token = api_token()
    started = []
    for port in ports:  # all at once: their start-up (loading the model) overlaps
        rasa = subprocess.Popen(
            rasa_server_command(port, endpoints=str(endpoints), token=token, interface="127.0.0.1"), cwd=REPO, env=env
        )
        processes.append(rasa)
        started.append(rasa)
    for port, rasa in zip(ports, started):
        wait_for(f"http://127.0.0.1:{port}/", 300, rasa)
    config = run_dir / "haproxy.cfg"
    config.write_text(worker_pool.haproxy_config(HOST, RASA_PORT, ports))
    proxy = subprocess.Popen(worker_pool.haproxy_command(config), cwd=run_dir, env=env)
    processes.append(proxy)
    wait_for(f"http://127.0.0.1:{RASA_PORT}/", 30, proxy)
    return f"{workers} Rasa processes (ports {', '.join(map(str, ports))}) behind HAProxy"


def stop_on_sigterm() -> None:
    """Treat SIGTERM (kill, a service manager) like Ctrl-C, so the servers started
    here are stopped too instead of being left running without us."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def serve(workers: int = 1) -> int:
    if not MODEL.exists():
        print(f"No trained model at {MODEL}. Run `make run` (it trains first).", file=sys.stderr)
        return 1
    VAR_DIR.mkdir(exist_ok=True)
    env = quiet_env()
    processes: List[subprocess.Popen] = []
    run_dir = Path(tempfile.mkdtemp(prefix="bot-serve-"))  # generated configs; gone when we stop
    stop_on_sigterm()
    try:
        actions = subprocess.Popen(action_server_command(), cwd=REPO, env=env)
        processes.append(actions)
        wait_for(f"http://127.0.0.1:{ACTIONS_PORT}/health", 120, actions)
        rasa_line = start_rasa(env, processes, workers, run_dir)
        web = subprocess.Popen(web_server_command(), cwd=REPO, env=env)
        processes.append(web)
        wait_for(f"http://127.0.0.1:{WEB_PORT}/", 60, web)
        console = subprocess.Popen(console_server_command(), cwd=REPO, env=env)
        processes.append(console)
        wait_for(f"http://127.0.0.1:{STAFF_PORT}/login", 60, console)
        print(
            f"\nThe assistant is running ({rasa_line}):\n"
            f"  chat widget on a demo page:  http://localhost:{WEB_PORT}\n"
            f"  REST:  curl -s -XPOST http://localhost:{RASA_PORT}/webhooks/rest/webhook "
            '-H \'Content-Type: application/json\' -d \'{"sender": "me", "message": "why glutes?"}\'\n'
            f"  SMS webhook (Twilio):  http://localhost:{RASA_PORT}/webhooks/sms/webhook\n"
            f"  staff console:  http://localhost:{STAFF_PORT}/   (first: {_python()} -m bot staff add YOURNAME)\n"
            f"  staff: {_python()} -m bot requests   (pending bookings and callbacks)\n"
            f"         {_python()} -m bot resume SENDER_ID   (give a conversation back to the assistant)\n"
            f"  Rasa HTTP API: 127.0.0.1 only, token required (?token=...), kept in {_token_source()}\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while all(p.poll() is None for p in processes):
            time.sleep(1)
        print("A server stopped; shutting down the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"Could not start: {exc}", file=sys.stderr)
        return 1
    finally:
        stop_all(list(reversed(processes)))  # the proxy first, the action server last
        shutil.rmtree(run_dir, ignore_errors=True)


def _python() -> str:
    """This interpreter as staff would type it from the repository, e.g. .venv/bin/python."""
    try:
        return str(Path(sys.executable).relative_to(REPO))
    except ValueError:
        return sys.executable


def _token_source() -> str:
    if (os.environ.get(API_TOKEN_ENV) or "").strip():
        return f"${API_TOKEN_ENV}"
    path = api_token_path()
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def shell() -> int:
    env = quiet_env()
    actions = subprocess.Popen(action_server_command(), cwd=REPO, env=env)
    try:
        wait_for(f"http://127.0.0.1:{ACTIONS_PORT}/health", 120, actions)
        return subprocess.call(
            [*rasa_command(), "shell", "--model", str(MODEL), "--endpoints", str(endpoints_for_this_machine())],
            cwd=REPO,
            env=env,
        )
    finally:
        stop_all([actions])
