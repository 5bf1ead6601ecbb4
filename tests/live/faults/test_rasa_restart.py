"""Rasa dies in the middle of a booking; after a restart the booking carries on."""

from __future__ import annotations

import uuid

import pytest

from bot.requests.store import RequestStore
from tests.live.rest_client import say, texts

pytestmark = pytest.mark.e2e


def test_booking_survives_a_rasa_crash_and_completes(make_servers):
    servers = make_servers()
    base, sender = servers.base_url, f"restart-{uuid.uuid4().hex[:6]}"

    assert "what name" in texts(say(base, sender, "I'd like to book a 60 minute massage with glutes")).lower()
    assert "phone number" in texts(say(base, sender, "Sam Rivers")).lower()

    servers.kill_rasa()  # no clean shutdown: only what the tracker store already holds survives
    servers.start_rasa()  # same port, same tracker database

    # The form picks up where it stopped: it asks only for what is still missing.
    asked_time = texts(say(base, sender, "415 555 0199")).lower()
    assert "what day and time" in asked_time, asked_time
    asked_note = texts(say(base, sender, "Thursday at 4 pm")).lower()
    assert "anything you'd like your therapist to know" in asked_note, asked_note
    summary = texts(say(base, sender, "no"))
    for detail in ("Sam Rivers", "+14155550199", "Thursday 3 December at 4 pm", "60-minute massage", "Glutes: yes"):
        assert detail in summary, summary
    done = texts(say(base, sender, "/affirm"))
    assert "reference RB-" in done, done

    reference = done.split("reference ")[1].split(")")[0]
    with RequestStore(servers.env["BOT_DATABASE_URL"], spool_dir=servers.workdir / "spool") as store:
        stored = store.get(reference)
    assert stored is not None
    assert (stored.name, stored.phone, stored.service_key, stored.include_glutes, stored.sender_id) == (
        "Sam Rivers",
        "+14155550199",
        "massage_60",
        True,
        sender,
    )
