"""Clients' phone numbers and e-mail addresses never reach a log file.

A booking and a callback request, each with a phone number and an e-mail
address, go through the live servers; then the Rasa log, the action server
log and the staff notification log are searched for every spelling of them.
The request store keeps them in full: staff need them.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Dict, List

import pytest

from bot.requests.store import RequestStore
from tests.live.faults.bot_servers import PINNED_NOW
from tests.live.rest_client import say, texts

pytestmark = pytest.mark.e2e

BOOKING_PHONE = ("415 555 0177", "+14155550177", "4155550177", "555 0177", "555-0177")
BOOKING_EMAIL = "pia.private@example.net"
CALLBACK_EMAIL = "quinn.quiet@example.org"
CALLBACK_PHONE = ("503 555 0166", "+15035550166", "5035550166", "555 0166", "555-0166")


def reference_in(text: str) -> str:
    assert "reference R" in text, text
    return text.split("reference ")[1].split(")")[0]


def wait_for_notifications(path: Path, references: List[str], timeout: float = 30) -> str:
    """Notifications are written on a background thread: wait until both are in."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace") if path.exists() else ""
        if all(reference in text for reference in references):
            return text
        time.sleep(0.5)
    raise AssertionError(f"notifications for {references} never arrived in {path}")


def test_contact_details_are_masked_in_every_log(running_bot, bot_env: Dict[str, str], bot_workdir: Path, pinned_clock):
    pinned_clock(PINNED_NOW)  # open: the callback goes to a person
    booker, caller = f"pii-book-{uuid.uuid4().hex[:6]}", f"pii-call-{uuid.uuid4().hex[:6]}"

    # Each client gives a phone number and an e-mail address; the phone number becomes the contact.
    say(
        running_bot,
        booker,
        f"Book Pia Private, {BOOKING_PHONE[0]} or {BOOKING_EMAIL}, Thursday at 4 pm, a 60 minute massage with glutes",
    )
    summary = texts(say(running_bot, booker, "no"))
    assert BOOKING_PHONE[1] in summary, summary  # the client sees their own details
    booking_ref = reference_in(texts(say(running_bot, booker, "/affirm")))

    say(running_bot, caller, "I'd like to talk to a therapist")
    say(running_bot, caller, "Quinn Quiet")
    asked = texts(say(running_bot, caller, f"{CALLBACK_PHONE[0]}, or e-mail {CALLBACK_EMAIL}"))
    assert "what would you like to talk about" in asked.lower(), asked
    callback_ref = reference_in(texts(say(running_bot, caller, "my lower back")))

    notifications = wait_for_notifications(Path(bot_env["BOT_NOTIFICATIONS_LOG"]), [booking_ref, callback_ref])
    logs = {
        "notifications.log": notifications,
        "rasa.log": (bot_workdir / "rasa.log").read_text(errors="replace"),
        "actions.log": (bot_workdir / "actions.log").read_text(errors="replace"),
    }
    raw_values = [*BOOKING_PHONE, BOOKING_EMAIL, CALLBACK_EMAIL, *CALLBACK_PHONE]
    leaks = [(name, raw) for name, text in logs.items() for raw in raw_values if raw in text]
    assert not leaks, f"contact details in logs: {leaks}"
    assert "***77" in notifications and "q***@example.org" in notifications  # masked, still recognisable

    with RequestStore(bot_env["BOT_DATABASE_URL"], spool_dir=Path(bot_env["BOT_SPOOL_DIR"])) as store:
        booking, callback = store.get(booking_ref), store.get(callback_ref)
    assert booking.phone == BOOKING_PHONE[1]
    assert callback.phone == CALLBACK_PHONE[1] and CALLBACK_EMAIL in callback.transcript
