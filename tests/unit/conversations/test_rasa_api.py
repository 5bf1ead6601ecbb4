"""What staff actions send to Rasa's HTTP API (a stand-in server records the calls)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.conversations.rasa_api import RasaApi, RasaApiError, conversation_for, looks_like_reference
from bot.requests.models import CallbackRequest
from bot.requests.store import RequestStore


@pytest.fixture
def fake_rasa():
    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the standard library's name)
            parts = urlsplit(self.path)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            calls.append((parts.path, query, body))
            status = 401 if query.get("token") != "right" else 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", calls
    server.shutdown()


def test_resume_and_a_staff_reply_delivered_to_the_web_chat(fake_rasa):
    url, calls = fake_rasa
    api = RasaApi(url, token="right")
    api.resume("web 1/x")
    api.staff_reply("web 1/x", "Hi, it's Maya.", "maya", deliver_on="socketio")
    api.staff_reply("+15035550100", "Texted you.", "maya")
    (path, query, body), (path2, query2, body2), (_, query3, _) = calls
    assert path == "/conversations/web%201%2Fx/tracker/events" and query == {"token": "right"}
    assert body == [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
    assert query2 == {"token": "right", "output_channel": "socketio", "execute_side_effects": "true"}
    assert body2 == [{"event": "bot", "text": "Hi, it's Maya.", "metadata": {"staff": "maya"}}]
    assert "output_channel" not in query3  # SMS replies go out through Twilio, not Rasa


def test_clear_errors(fake_rasa, unused_port):
    url, _ = fake_rasa
    with pytest.raises(RasaApiError, match="token did not match"):
        RasaApi(url, token="wrong").resume("x")
    with pytest.raises(RasaApiError, match="Could not reach Rasa"):
        RasaApi(f"http://127.0.0.1:{unused_port}", token="right").resume("x")
    with pytest.raises(RasaApiError, match="No API token"):
        RasaApi(url, token="").resume("x")


def test_a_reference_names_its_conversation(tmp_path):
    with RequestStore(f"sqlite:///{tmp_path / 'r.db'}", tmp_path / "spool") as store:
        reference = store.save(CallbackRequest(name="Sam", phone="503 555 0100", sender_id="web-9")).reference
        assert looks_like_reference(reference.lower()) and not looks_like_reference("web-9")
        assert conversation_for(reference.lower(), store) == "web-9"
        assert conversation_for("web-9", store) == "web-9"
        with pytest.raises(LookupError):
            conversation_for("RC-ZZZZZ", store)
