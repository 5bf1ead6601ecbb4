"""Staff notifications: file, a real local SMTP server, Twilio with a fake client, config."""

import email
import email.policy
import logging
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from bot.channels.sms_text import sms_segments, to_sms_text
from bot.requests.notifier import (
    FileNotifier,
    Notifier,
    NotifierConfigError,
    SmtpNotifier,
    TwilioSmsNotifier,
    mask_pii,
    notifier_from_config,
    notify_in_background,
)
from tests.net import free_port

SUBJECT = "New booking RB-7K3Q9 from Ana Ruiz"
BODY = "Ana Ruiz would like Thursday 5:30pm.\nPhone: +1 503 555 0142\nE-mail: ana.ruiz@example.com\n"


class RecordingHandler:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = RecordingHandler()
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator,
        auth_require_tls=False,  # the test server has no certificate
    )
    controller.start()
    try:
        yield controller, handler, logins
    finally:
        controller.stop()


# -- mask_pii ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, hidden, kept",
    [
        ("call +1 (415) 555-0142 today", "415", "***42"),
        ("text 5035550199", "5035550199", "***99"),
        ("mail jane.doe@example.com", "jane.doe", "j***@example.com"),
        ("both 503.555.0177 / bo@mail.example.org", "555", "b***@mail.example.org"),
    ],
)
def test_mask_pii_hides_phones_and_emails(text, hidden, kept):
    masked = mask_pii(text)
    assert hidden not in masked
    assert kept in masked


@pytest.mark.parametrize(
    "text",
    ["booking RB-7K3Q9 on 2026-12-25 10:30", "price $135 for 90 minutes", "at 2026-06-04T17:30:00-07:00"],
)
def test_mask_pii_leaves_dates_prices_and_references(text):
    assert mask_pii(text) == text


# -- file --------------------------------------------------------------------------------


def test_file_notifier_appends_masked_entries_and_logs_masked(tmp_path, caplog):
    log_file = tmp_path / "deep" / "notifications.log"
    notifier = FileNotifier(log_file)
    with caplog.at_level(logging.INFO, logger="bot.requests.notifier"):
        notifier.send("Callback for +1 503 555 0142", BODY)
        notifier.send("Second", "another body")

    content = log_file.read_text()
    # The file is a log too: contacts are masked; the request store keeps them in full.
    assert "Callback for ***42" in content and "E-mail: a***@example.com" in content
    assert "555 0142" not in content and "ana.ruiz@" not in content
    assert "Ana Ruiz would like Thursday 5:30pm." in content
    assert content.index("Callback for") < content.index("Second")
    assert content.startswith("=== 20")  # a timestamp opens each entry
    assert "555 0142" not in caplog.text
    assert "***42" in caplog.text


def test_smtp_notifier_delivers_subject_and_body(smtp_server):
    controller, handler, _ = smtp_server
    notifier = SmtpNotifier(
        host="127.0.0.1", port=controller.port, sender="bot@practice.example", recipients="desk@practice.example"
    )
    notifier.send(SUBJECT, BODY)

    (envelope,) = handler.envelopes
    assert envelope.mail_from == "bot@practice.example"
    assert envelope.rcpt_tos == ["desk@practice.example"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == SUBJECT
    assert message["To"] == "desk@practice.example"
    assert message.get_content().replace("\r\n", "\n") == BODY  # unmasked for the staff


def test_smtp_notifier_logs_in_and_folds_a_multiline_subject(smtp_server):
    controller, handler, logins = smtp_server
    notifier = SmtpNotifier(
        host="127.0.0.1",
        port=controller.port,
        sender="bot@practice.example",
        recipients=["a@practice.example", "b@practice.example"],
        user="bot",
        password="s3cret",
    )
    notifier.send("New callback\nfrom Sam", "Please call Sam.")

    assert logins == [(b"bot", b"s3cret")]
    (envelope,) = handler.envelopes
    assert envelope.rcpt_tos == ["a@practice.example", "b@practice.example"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == "New callback from Sam"


def test_smtp_failure_in_background_is_logged_masked_not_raised(caplog):
    notifier = SmtpNotifier(
        host="127.0.0.1",
        port=free_port(),
        sender="bot@practice.example",
        recipients="desk@practice.example",
        timeout=2,
    )
    with pytest.raises(OSError):
        notifier.send("x", "y")

    with caplog.at_level(logging.ERROR, logger="bot.requests.notifier"):
        worker = notify_in_background(notifier, "Callback for 503-555-0142", BODY)
        worker.join(timeout=10)
    assert not worker.is_alive()
    assert "failed" in caplog.text
    assert "555-0142" not in caplog.text and "***42" in caplog.text


# -- background sending ----------------------------------------------------------------


class SlowNotifier(Notifier):
    def __init__(self):
        self.release = threading.Event()
        self.sent = []

    def send(self, subject, body):
        self.release.wait(timeout=10)
        self.sent.append((subject, body))


def test_notify_in_background_returns_at_once_with_a_slow_notifier():
    slow = SlowNotifier()
    started = time.monotonic()
    worker = notify_in_background(slow, SUBJECT, BODY)
    assert time.monotonic() - started < 0.5
    assert slow.sent == []  # still sending

    slow.release.set()
    worker.join(timeout=5)
    assert slow.sent == [(SUBJECT, BODY)]


# -- Twilio with a fake client -------------------------------------------------------------


class FakeMessages:
    def __init__(self):
        self.created = []

    def create(self, **kwargs):
        self.created.append(kwargs)
        return type("Message", (), {"sid": "SM123"})()


class FakeTwilioClient:
    def __init__(self):
        self.messages = FakeMessages()


def test_twilio_notifier_texts_plain_ascii_within_the_limit():
    client = FakeTwilioClient()
    notifier = TwilioSmsNotifier("ACxxx", "token", "+15035550100", "+15035550111", client=client, max_segments=1)
    notifier.send("New booking \u2014 Ana", "She\u2019s asking for \u201cThursday\u201d. " + "More detail. " * 30)

    (sent,) = client.messages.created
    assert sent["from_"] == "+15035550100" and sent["to"] == "+15035550111"
    assert sent["body"].startswith('New booking - Ana\nShe\'s asking for "Thursday".')
    assert sent["body"].isascii()
    assert sms_segments(sent["body"]) == 1 and sent["body"].endswith("...")


def test_to_sms_text_keeps_short_ascii_unchanged():
    assert to_sms_text("Call Sam back at 3pm") == "Call Sam back at 3pm"


# -- configuration --------------------------------------------------------------------


def test_no_notifications_section_means_a_file():
    assert isinstance(notifier_from_config({}, env={}), FileNotifier)
    assert isinstance(notifier_from_config({"name": "Riverside"}, env={}), FileNotifier)


def test_file_section_with_a_path(tmp_path):
    notifier = notifier_from_config({"notifications": {"kind": "file", "path": str(tmp_path / "n.log")}}, env={})
    assert isinstance(notifier, FileNotifier) and notifier.path == tmp_path / "n.log"


def test_smtp_section_takes_the_password_from_the_environment():
    raw = {
        "notifications": {
            "kind": "smtp",
            "host": "smtp.practice.example",
            "port": 587,
            "from": "bot@practice.example",
            "to": "desk@practice.example, owner@practice.example",
            "user": "bot",
        }
    }
    notifier = notifier_from_config(raw, env={"SMTP_PASSWORD": "pw"})
    assert isinstance(notifier, SmtpNotifier)
    assert (notifier.host, notifier.port, notifier.sender) == ("smtp.practice.example", 587, "bot@practice.example")
    assert notifier.recipients == ["desk@practice.example", "owner@practice.example"]
    assert (notifier.user, notifier.password, notifier.starttls) == ("bot", "pw", True)
    assert "pw" not in repr(notifier)

    with pytest.raises(NotifierConfigError, match="SMTP_PASSWORD"):
        notifier_from_config(raw, env={})
    del raw["notifications"]["host"]
    with pytest.raises(NotifierConfigError, match="notifications.host"):
        notifier_from_config(raw, env={"SMTP_PASSWORD": "pw"})


def test_sms_section_takes_twilio_secrets_from_the_environment():
    raw = {"notifications": {"kind": "sms", "from": "+15035550100", "to": "+15035550111"}}
    notifier = notifier_from_config(raw, env={"TWILIO_ACCOUNT_SID": "ACabc", "TWILIO_AUTH_TOKEN": "tok"})
    assert isinstance(notifier, TwilioSmsNotifier)
    assert (notifier.account_sid, notifier.auth_token) == ("ACabc", "tok")
    assert (notifier.from_number, notifier.to_number) == ("+15035550100", "+15035550111")
    assert "tok" not in repr(notifier)

    with pytest.raises(NotifierConfigError, match="TWILIO_AUTH_TOKEN"):
        notifier_from_config(raw, env={"TWILIO_ACCOUNT_SID": "ACabc"})


def test_unknown_kind_is_refused():
    with pytest.raises(NotifierConfigError, match="kind"):
        notifier_from_config({"notifications": {"kind": "pigeon"}}, env={})
