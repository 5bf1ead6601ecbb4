"""`make run WORKERS=2`: several Rasa processes behind Debian's HAProxy, to use both cores.

One Rasa process works on one message at a time (NLU and the policies are
CPU-bound Python), so it uses one core. With WORKERS=N, N Rasa processes listen
on free ports on 127.0.0.1 and HAProxy takes RASA_PORT in their place:

- REST, SMS and the HTTP API go to the process with the fewest requests in
  flight; socket.io (the widget) stays with one process per client address,
  because its long-polling handshake spans several requests.
- They share the tracker store named in endpoints.yml: the tracker cache of
  bot/rasa_tuning reads only the events another process added to a
  conversation. (Routing each conversation to one process instead, by its
  sender, kept every tracker cached but left one process idle while the other
  queued: 35 msgs/s at capacity against 45 with least connections, make bench
  WORKERS=2 back to back.)
- They share a Redis lock store, so two messages of one conversation are never
  handled at once: the one endpoints.yml names, else Debian's redis-server
  started here, in memory only (locks live for seconds; nothing to keep).

The single-process default needs neither program.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

PROXY_PROGRAM = "haproxy"
LOCK_PROGRAM = "redis-server"
# Debian installs haproxy in /usr/sbin, which is not on every user's PATH.
SEARCH_ALSO = ("/usr/sbin", "/usr/local/sbin")
INSTALL_HINT = "sudo apt-get install haproxy redis-server"
SERVED_BY_HEADER = "X-Served-By"  # which process answered; the live test reads it
LOCK_KEY_PREFIX = "riverside"


def program(name: str) -> Optional[str]:
    found = shutil.which(name)
    if found:
        return found
    for folder in SEARCH_ALSO:
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    return None


def missing_programs(need_redis: bool = True) -> List[str]:
    names = [PROXY_PROGRAM] + ([LOCK_PROGRAM] if need_redis else [])
    return [name for name in names if program(name) is None]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def haproxy_config(host: str, port: int, backend_ports: Sequence[int]) -> str:
    servers = "".join(
        f"  server rasa{index} 127.0.0.1:{backend} check inter 2s\n" for index, backend in enumerate(backend_ports, 1)
    )
    # The sticky backend's servers are the same processes: one health check each.
    tracked = "".join(
        f"  server rasa{index} 127.0.0.1:{backend} track least_busy/rasa{index}\n"
        for index, backend in enumerate(backend_ports, 1)
    )
    # Timeouts: a reply may wait on the action server and the lock of its
    # conversation; a socket.io websocket stays open while the widget is.
    return f"""\
global
  maxconn 1024

defaults
  mode http
  option httpchk GET /
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout tunnel 1h

frontend rasa
  bind {host}:{port}
  http-response set-header {SERVED_BY_HEADER} %[srv_name]
  acl socketio path_beg /socket.io
  use_backend sticky if socketio
  default_backend least_busy

backend least_busy
  balance leastconn
{servers}
backend sticky
  balance source
{tracked}"""


def haproxy_command(config: Path) -> List[str]:
    # -db: stay in the foreground, so stopping `make run` stops it too.
    return [program(PROXY_PROGRAM) or PROXY_PROGRAM, "-db", "-f", str(config)]


def redis_command(port: int, folder: Path) -> List[str]:
    return [
        program(LOCK_PROGRAM) or LOCK_PROGRAM,
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
    ]


def redis_lock_store(port: int) -> Dict[str, Any]:
    return {"type": "redis", "url": "127.0.0.1", "port": port, "db": 1, "key_prefix": LOCK_KEY_PREFIX}


def wait_for_port(port: int, timeout: float, process: subprocess.Popen) -> None:
    """Until something accepts connections on 127.0.0.1:port; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{Path(process.args[0]).name} exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing answered on port {port} within {timeout:.0f}s")
