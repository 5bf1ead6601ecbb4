"""bot/cli/workers.haproxy_config, run by Debian's HAProxy in front of two small
HTTP servers that say which one answered: where each kind of request goes.

Run: .venv/bin/python -m pytest tests/live/scale/test_proxy_routing.py -q (needs Debian's haproxy)."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from typing import Iterator

import pytest

from bot.cli import workers
from tests.net import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.scale]


class Answering(http.server.BaseHTTPRequestHandler):
    name = ""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = self.server.name.encode()  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:  # quiet
        return None


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[str]:
    if workers.program(workers.PROXY_PROGRAM) is None:
        pytest.skip(f"Debian's haproxy is not installed ({workers.INSTALL_HINT}; .ci/run installs it)")
    servers = []
    for name in ("first", "second"):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answering)
        server.name = name  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    port = free_port()
    config = tmp_path_factory.mktemp("proxy") / "haproxy.cfg"
    config.write_text(workers.haproxy_config("127.0.0.1", port, [s.server_address[1] for s in servers]))
    process = subprocess.Popen(workers.haproxy_command(config), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # both servers pass their first health check
            try:
                if {get(url, "/") for _ in range(8)} == {"rasa1", "rasa2"}:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"haproxy did not serve: {process.stderr.read().decode() if process.poll() else ''}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        for server in servers:
            server.shutdown()


def _served_by(request: urllib.request.Request) -> str:
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()
        return response.headers[workers.SERVED_BY_HEADER]


def get(url: str, path: str) -> str:
    return _served_by(urllib.request.Request(url + path))


def rest(url: str, sender: str) -> str:
    body = json.dumps({"sender": sender, "message": "hi there"}).encode()
    headers = {"Content-Type": "application/json"}
    return _served_by(urllib.request.Request(url + "/webhooks/rest/webhook", data=body, headers=headers))


def sms(url: str, number: str, path: str = "/webhooks/twilio_sms/webhook") -> str:
    body = urllib.parse.urlencode({"From": number, "To": "+15550000000", "Body": "hi"}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return _served_by(urllib.request.Request(url + path, data=body, headers=headers))


def test_messages_of_one_conversation_go_to_the_less_busy_process(proxy):
    # One message at a time: least connections takes the processes in turn,
    # whatever the conversation (each process reads what the other stored).
    assert {rest(proxy, "client-1") for _ in range(6)} == {"rasa1", "rasa2"}
    assert {sms(proxy, "+14155550100") for _ in range(6)} == {"rasa1", "rasa2"}


def test_the_http_api_goes_to_either(proxy):
    assert {get(proxy, "/") for _ in range(10)} == {"rasa1", "rasa2"}
    body = json.dumps({"text": "hi"}).encode()
    api = urllib.request.Request(proxy + "/model/parse", data=body, headers={"Content-Type": "application/json"})
    assert {_served_by(api) for _ in range(10)} == {"rasa1", "rasa2"}


def test_widget_socket_io_stays_with_one_process_per_client(proxy):
    # its long-polling handshake spans several requests
    assert len({get(proxy, "/socket.io/?EIO=4&transport=polling") for _ in range(6)}) == 1
