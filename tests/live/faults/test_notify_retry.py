"""Notifications that fail are retried, then kept in the file log; none vanish silently."""

from __future__ import annotations

import logging

import pytest

import bot.requests.notifier
from bot.requests.notifier import FileNotifier, Notifier, notify_in_background, notify_staff
from tests.net import free_port

SUBJECT = "New booking request RB-7K3Q9"
BODY = "Name: Ana Ruiz\nPhone: +1 503 555 0142\nEmail: ana.ruiz@example.com\n"


class FlakyNotifier(Notifier):
    """Fails the first `failures` sends, then delivers."""

    def __init__(self, failures: int):
        self.failures = failures
        self.sent = []

    def send(self, subject, body):
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("mail server for ana.ruiz@example.com is down")
        self.sent.append((subject, body))


class BrokenNotifier(Notifier):
    def send(self, subject, body):
        raise OSError("disk full")


def test_a_notifier_that_recovers_delivers_once(caplog):
    flaky = FlakyNotifier(failures=2)
    with caplog.at_level(logging.INFO, logger="bot.requests.notifier"):
        notify_in_background(flaky, SUBJECT, BODY, retry_delays=(0.01, 0.01, 0.01)).join(timeout=10)
    assert flaky.sent == [(SUBJECT, BODY)]
    assert "attempt 1 of 4" in caplog.text and "attempt 2 of 4" in caplog.text
    assert "delivered via FlakyNotifier on attempt 3" in caplog.text
    assert "ana.ruiz@" not in caplog.text  # the error text is masked too


def test_a_notifier_that_never_recovers_leaves_the_notification_in_the_fallback(tmp_path, caplog):
    fallback = FileNotifier(tmp_path / "notifications.log")
    with caplog.at_level(logging.WARNING, logger="bot.requests.notifier"):
        notify_in_background(FlakyNotifier(failures=99), SUBJECT, BODY, retry_delays=(0.01,), fallback=fallback).join(
            10
        )
    kept = fallback.path.read_text()
    assert f"NOT DELIVERED via FlakyNotifier: {SUBJECT}" in kept
    assert "Name: Ana Ruiz" in kept and "Phone: ***42" in kept
    assert [r.levelname for r in caplog.records] == ["WARNING", "ERROR", "ERROR"]
    assert "kept in" in caplog.records[-1].getMessage()


def test_when_even_the_fallback_fails_the_loss_is_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="bot.requests.notifier"):
        notify_in_background(BrokenNotifier(), SUBJECT, BODY, fallback=BrokenNotifier()).join(timeout=10)
    assert "was lost" in caplog.text and "RB-7K3Q9" in caplog.text


def test_notify_staff_retries_a_dead_mail_server_then_keeps_it_in_the_file_log(tmp_path, monkeypatch):
    log_path = tmp_path / "notifications.log"
    monkeypatch.setenv(bot.requests.notifier.LOG_PATH_ENV_VAR, str(log_path))
    monkeypatch.setattr(bot.requests.notifier, "RETRY_DELAYS_SECONDS", (0.01, 0.01))
    profile = {
        "notifications": {
            "kind": "smtp",
            "host": "127.0.0.1",
            "port": free_port(),
            "from": "bot@practice.example",
            "to": "desk@practice.example",
        }
    }
    notify_staff(profile, SUBJECT, BODY).join(timeout=30)
    kept = log_path.read_text()
    assert f"NOT DELIVERED via SmtpNotifier: {SUBJECT}" in kept


@pytest.mark.parametrize("raw", ["+1 503 555 0142", "ana.ruiz@example.com", "5035550142"])
def test_the_file_log_masks_contact_details(tmp_path, raw):
    notifier = FileNotifier(tmp_path / "notifications.log")
    notifier.send(f"Callback for {raw}", BODY + f"Conversation: {raw}\n")
    kept = notifier.path.read_text()
    assert raw not in kept
    assert "Callback for" in kept and "Name: Ana Ruiz" in kept  # the rest stays readable
