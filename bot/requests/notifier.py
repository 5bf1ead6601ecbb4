"""Tell the staff that a booking or callback request came in.

One small interface, Notifier.send(subject, body), with three ways to deliver:
a local log file (the default), e-mail over SMTP, and SMS through Twilio. The
practice picks one in the optional `notifications:` section of its profile;
passwords and tokens come from the environment, never from the profile file.

A notification is a courtesy: the request itself is already in the store. So
notify_in_background() sends on a worker thread, and a slow or broken notifier
never delays a client's reply. notify_staff() retries a failed send a few
times, then keeps the notification in the local log file, so none is lost
without a trace.

The log file is a log: phone numbers and e-mail addresses are masked in it.
The full details stay in the request store (`python -m bot requests`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import smtplib
import ssl
import threading
import time
from abc import ABC, abstractmethod
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Union

from bot.channels.sms_text import fit_to_segments, to_sms_text
from bot.paths import REPO_ROOT, VAR_DIR

log = logging.getLogger(__name__)

DEFAULT_LOG_PATH = VAR_DIR / "notifications.log"
LOG_PATH_ENV_VAR = "BOT_NOTIFICATIONS_LOG"  # where FileNotifier writes, when set
SMTP_TIMEOUT_SECONDS = 10
TWILIO_TIMEOUT_SECONDS = 10
# Four concatenated segments: room for the essentials, bounded cost.
SMS_MAX_SEGMENTS = 4
# Waits between attempts after a failed send: rides out a short outage
# without hammering a server that is down.
RETRY_DELAYS_SECONDS = (5, 30, 120)


class NotifierConfigError(ValueError):
    """The notifications section or its environment secrets are incomplete."""


# -- masking for log lines ----------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9_%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# 7 to 15 digits, optionally starting with +, with at most two separators between digits.
_PHONE = re.compile(r"(?<![\w+])\+?\d(?:[\s().-]{0,2}\d){6,14}(?!\w)")
# Dates (and "date hour" as in "2026-12-25 10:30") look like digit runs too.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2})?")


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group(0)
    if _ISO_DATE.fullmatch(text):
        return text  # a date, not a phone number
    digits = re.sub(r"\D", "", text)
    return "***" + digits[-2:]


def mask_pii(text: str) -> str:
    """Hide e-mail addresses and phone numbers, for log lines.

    "jane.doe@example.com" -> "j***@example.com"; "+1 (415) 555-0142" -> "***42".
    """
    text = _EMAIL.sub(r"\1***@\2", str(text))
    return _PHONE.sub(_mask_phone, text)


# -- the interface ------------------------------------------------------------------


class Notifier(ABC):
    """Sends one message to the practice staff."""

    @abstractmethod
    def send(self, subject: str, body: str) -> None:
        """Deliver the message or raise; callers decide what a failure means."""


class FileNotifier(Notifier):
    """Appends each notification, timestamped and with contacts masked, to a local file."""

    def __init__(self, path: Optional[Union[str, Path]] = None):
        self.path = Path(path or os.environ.get(LOG_PATH_ENV_VAR) or DEFAULT_LOG_PATH)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FileNotifier({str(self.path)!r})"

    def send(self, subject: str, body: str) -> None:
        stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        entry = f"=== {stamp} {mask_pii(subject)}\n{mask_pii(body.rstrip())}\n\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Owner-only: the entries still name clients and their questions.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                handle.write(entry)
        log.info("staff notification written to %s: %s", self.path, mask_pii(subject))


class SmtpNotifier(Notifier):
    """Sends an e-mail with the standard library's smtplib."""

    def __init__(
        self,
        host: str,
        port: int = 587,
        sender: str = "",
        recipients: Union[str, Sequence[str]] = (),
        user: Optional[str] = None,
        password: Optional[str] = None,
        starttls: bool = False,
        use_ssl: bool = False,
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ):
        self.host = host
        self.port = int(port)
        self.sender = sender
        self.recipients: List[str] = _as_list(recipients)
        self.user = user
        self.password = password
        self.starttls = starttls
        self.use_ssl = use_ssl  # implicit TLS, usually port 465
        self.timeout = timeout
        if not self.sender or not self.recipients:
            raise NotifierConfigError("SMTP notifications need a sender ('from') and a recipient ('to')")

    def __repr__(self) -> str:  # no password here
        return f"SmtpNotifier({self.host!r}, {self.port}, to={len(self.recipients)} recipient(s))"

    def build_message(self, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        # A header may not hold line breaks; a client's text could contain some.
        message["Subject"] = " ".join(subject.split())
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message.set_content(body)
        return message

    def send(self, subject: str, body: str) -> None:
        message = self.build_message(subject, body)
        context = ssl.create_default_context()
        if self.use_ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            if self.starttls and not self.use_ssl:
                client.starttls(context=context)
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(message, from_addr=self.sender, to_addrs=self.recipients)
        log.info("staff notification e-mailed via %s: %s", self.host, mask_pii(subject))


class TwilioSmsNotifier(Notifier):
    """Texts the staff through Twilio's REST API."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        to_number: str,
        client: Any = None,
        max_segments: int = SMS_MAX_SEGMENTS,
    ):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.from_number = from_number
        self.to_number = to_number
        self.max_segments = max_segments
        self._client = client  # tests inject a fake; otherwise built on first send

    def __repr__(self) -> str:  # no token here
        return f"TwilioSmsNotifier(to={mask_pii(self.to_number)!r})"

    def _twilio_client(self) -> Any:
        if self._client is None:
            # Imported here so the package costs nothing unless SMS is used.
            from twilio.http.http_client import TwilioHttpClient
            from twilio.rest import Client

            self._client = Client(
                self.account_sid,
                self.auth_token,
                http_client=TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS),
            )
        return self._client

    def send(self, subject: str, body: str) -> None:
        text = fit_to_segments(to_sms_text(f"{subject}\n{body}"), segments=self.max_segments, whole_sentences=False)
        message = self._twilio_client().messages.create(body=text, from_=self.from_number, to=self.to_number)
        log.info(
            "staff notification texted to %s (%s): %s",
            mask_pii(self.to_number),
            getattr(message, "sid", "?"),
            mask_pii(subject),
        )


# -- configuration ------------------------------------------------------------------


def _as_list(value: Union[str, Iterable[str], None]) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(part).strip() for part in value if str(part).strip()]


def _required(section: Mapping[str, Any], key: str) -> Any:
    value = section.get(key)
    if value in (None, "", []):
        raise NotifierConfigError(f"practice profile field 'notifications.{key}' is missing")
    return value


def _required_env(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise NotifierConfigError(f"environment variable {name} is not set (needed for notifications)")
    return value


def _flag(section: Mapping[str, Any], key: str, default: bool) -> bool:
    value = section.get(key, default)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "true", "on", "1"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("no", "false", "off", "0"):
        return False
    raise NotifierConfigError(f"practice profile field 'notifications.{key}' must be true or false")


def notifier_from_config(profile_raw: Mapping[str, Any], env: Mapping[str, str] = os.environ) -> Notifier:
    """Build the notifier described by the profile's optional `notifications:` section.

    kind: file (default; optional path), smtp (host, port, from, to, user,
    starttls, ssl; password in SMTP_PASSWORD) or sms/twilio (from, to; secrets
    in TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN). No section: FileNotifier.
    Raises NotifierConfigError naming what is missing.
    """
    section = (profile_raw or {}).get("notifications")
    if not section:
        return FileNotifier()
    if not isinstance(section, Mapping):
        raise NotifierConfigError("practice profile field 'notifications' must be a mapping")
    kind = str(section.get("kind") or "file").strip().lower()

    if kind == "file":
        path = section.get("path")
        if path and not Path(path).is_absolute():
            path = REPO_ROOT / path
        return FileNotifier(path)

    if kind in ("smtp", "email"):
        port = section.get("port", 587)
        try:
            port = int(port)
        except (TypeError, ValueError):
            raise NotifierConfigError("practice profile field 'notifications.port' must be a number") from None
        use_ssl = _flag(section, "ssl", port == 465)
        user = section.get("user") or None
        password = env.get("SMTP_PASSWORD") or None
        if user and not password:
            _required_env(env, "SMTP_PASSWORD")
        return SmtpNotifier(
            host=str(_required(section, "host")),
            port=port,
            sender=str(_required(section, "from")),
            recipients=_as_list(_required(section, "to")),
            user=user,
            password=password,
            starttls=_flag(section, "starttls", port == 587 and not use_ssl),
            use_ssl=use_ssl,
        )

    if kind in ("sms", "twilio"):
        return TwilioSmsNotifier(
            account_sid=_required_env(env, "TWILIO_ACCOUNT_SID"),
            auth_token=_required_env(env, "TWILIO_AUTH_TOKEN"),
            from_number=str(_required(section, "from")),
            to_number=str(_required(section, "to")),
        )

    raise NotifierConfigError(f"practice profile field 'notifications.kind' is {kind!r}; use file, smtp or sms")


# -- sending without blocking the conversation --------------------------------------


def notify_in_background(
    notifier: Notifier,
    subject: str,
    body: str,
    retry_delays: Sequence[float] = (),
    fallback: Optional[Notifier] = None,
) -> threading.Thread:
    """Send on a worker thread and return at once; a failure is logged, not raised.

    After a failure the send is tried again after each of retry_delays
    (seconds). If every attempt fails, the notification goes to `fallback`
    (when given) so it is kept somewhere staff look.

    The returned thread can be joined (tests do). It is a daemon thread: the
    request is already stored, so a notification is never worth hanging a
    shutdown for.
    """
    attempts = 1 + len(retry_delays)
    via = type(notifier).__name__

    def deliver() -> None:
        for attempt in range(1, attempts + 1):
            try:
                notifier.send(subject, body)
            except Exception as exc:  # any failure: log it and carry on
                retrying = attempt < attempts
                log.log(
                    logging.WARNING if retrying else logging.ERROR,
                    "staff notification %r via %s failed (attempt %d of %d): %s: %s%s",
                    mask_pii(subject),
                    via,
                    attempt,
                    attempts,
                    type(exc).__name__,
                    mask_pii(str(exc)),
                    f"; trying again in {retry_delays[attempt - 1]:g}s" if retrying else "",
                )
                if retrying:
                    time.sleep(retry_delays[attempt - 1])
                continue
            if attempt > 1:
                log.info("staff notification %r delivered via %s on attempt %d", mask_pii(subject), via, attempt)
            return
        if fallback is not None:
            keep_undelivered(fallback, via, subject, body)

    worker = threading.Thread(target=deliver, name="staff-notification", daemon=True)
    worker.start()
    return worker


def keep_undelivered(fallback: Notifier, via: str, subject: str, body: str) -> None:
    """Record a notification that could not be sent, so staff still see it."""
    try:
        fallback.send(f"NOT DELIVERED via {via}: {subject}", body)
    except Exception as exc:
        log.error(
            "staff notification %r was lost: %s could not keep it either (%s: %s)",
            mask_pii(subject),
            type(fallback).__name__,
            type(exc).__name__,
            mask_pii(str(exc)),
        )
        return
    log.error("staff notification %r could not be sent via %s; kept in %r instead", mask_pii(subject), via, fallback)


def notify_staff(profile_raw: Mapping[str, Any], subject: str, body: str) -> Optional[threading.Thread]:
    """Tell staff in the background using the profile's notifier.

    A broken notifier configuration is logged, never raised: the client's
    request is already stored and must still be confirmed to them. A notifier
    that keeps failing is retried, then the notification lands in the file log.
    """
    try:
        notifier = notifier_from_config(profile_raw)
    except NotifierConfigError as exc:
        log.error("staff notifier misconfigured, falling back to the file log: %s", exc)
        notifier = FileNotifier()
    fallback = None if isinstance(notifier, FileNotifier) else FileNotifier()
    return notify_in_background(notifier, subject, body, retry_delays=RETRY_DELAYS_SECONDS, fallback=fallback)
