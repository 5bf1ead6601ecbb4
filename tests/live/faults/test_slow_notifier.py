"""A hung mail server never delays the client, and the notification still arrives."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path
from typing import List

import pytest
from aiosmtpd.controller import Controller

from bot.paths import REPO_ROOT
from bot.requests.notifier import SMTP_TIMEOUT_SECONDS
from tests.live.rest_client import say, texts
from tests.net import free_port

pytestmark = pytest.mark.e2e

# The server here would stall for 30 s; SmtpNotifier gives up on it after 10.
STALL_SECONDS = 30
# A reply that waited for the notifier would take at least SMTP_TIMEOUT_SECONDS.
# Generous on a busy machine, and not a speed target.
REPLY_BOUND_SECONDS = SMTP_TIMEOUT_SECONDS - 2


class StallingServer:
    """Accepts TCP connections and never says a word, like a hung mail server."""

    def __init__(self, port: int):
        self.listener = socket.create_server(("127.0.0.1", port))
        self.connected = threading.Event()
        self._hung: List[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # listener closed
            self._hung.append(connection)
            self.connected.set()
            threading.Timer(STALL_SECONDS, connection.close).start()

    def stop_listening(self) -> None:
        """New connections go elsewhere; the hung ones stay hung."""
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone would not
        except OSError:
            pass
        self.listener.close()

    def close(self) -> None:
        self.stop_listening()
        for connection in self._hung:
            connection.close()


class Mailbox:
    def __init__(self):
        self.messages: List[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content)
        return "250 OK"


def profile_with_smtp(folder: Path, port: int) -> Path:
    profile = folder / "profile.yml"
    profile.write_text(
        (REPO_ROOT / "practice" / "profile.yml").read_text()
        + f"\nnotifications:\n  kind: smtp\n  host: 127.0.0.1\n  port: {port}\n"
        "  from: assistant@practice.example\n  to: [desk@practice.example]\n"
    )
    return profile


def test_a_hung_mail_server_never_delays_the_confirmation(make_servers, tmp_path):
    smtp_port = free_port()
    stalling = StallingServer(smtp_port)
    mailbox, recovered = Mailbox(), None
    try:
        servers = make_servers(PRACTICE_PROFILE=str(profile_with_smtp(tmp_path, smtp_port)))
        base, sender = servers.base_url, f"slowmail-{uuid.uuid4().hex[:6]}"
        say(base, sender, "Book Dee Waits, 415 555 0144, Thursday at 4 pm, a 60 minute massage with glutes")
        say(base, sender, "no")

        started = time.monotonic()
        done = texts(say(base, sender, "/affirm"))
        replied_in = time.monotonic() - started
        assert "reference RB-" in done, done
        reference = done.split("reference ")[1].split(")")[0]
        assert stalling.connected.wait(10), "the notifier never tried the mail server"
        assert replied_in < REPLY_BOUND_SECONDS, f"confirmation took {replied_in:.1f}s"
        # The client had their answer while the notifier was still stuck on its first try.
        assert "failed (attempt 1" not in servers.actions_log.read_text(errors="replace")
        assert mailbox.messages == []

        # The mail server comes back on the same port while the first attempt still hangs.
        stalling.stop_listening()
        recovered = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
        recovered.start()
        deadline = time.monotonic() + 90
        while not any(reference.encode() in m for m in mailbox.messages) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert any(reference.encode() in m for m in mailbox.messages), servers.actions_log.read_text()[-3000:]
        assert len(mailbox.messages) == 1
        assert b"415" in mailbox.messages[0] and b"Dee Waits" in mailbox.messages[0]  # staff's e-mail is complete

        log = servers.actions_log.read_text(errors="replace")
        assert f"New booking request {reference}' via SmtpNotifier failed (attempt 1 of 4)" in log
        assert f"New booking request {reference}' delivered via SmtpNotifier on attempt 2" in log
    finally:
        stalling.close()
        if recovered is not None:
            recovered.stop()
