"""Everything the console's pages read and change, built once per application.

Tests build one with their own databases and stand-ins (Rasa's API, the SMS sender).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from bot.console.accounts import StaffAccounts
from bot.console.audit import AuditLog
from bot.console.review import ReviewQueue, reviewed_nlu_path
from bot.conversations.controls import Controls
from bot.conversations.feedback import FeedbackStore
from bot.conversations.rasa_api import RasaApi
from bot.conversations.tracker_reader import TrackerReader
from bot.practice.profile import current_profile, profile_path
from bot.requests.store import RequestStore, default_url

log = logging.getLogger(__name__)

TWILIO_TIMEOUT_SECONDS = 10


class SmsNotConfigured(RuntimeError):
    pass


def twilio_sender(to: str, body: str, from_number: str) -> None:
    """Text a client through Twilio's REST API (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)."""
    sid, token = os.environ.get("TWILIO_ACCOUNT_SID"), os.environ.get("TWILIO_AUTH_TOKEN")
    if not sid or not token:
        raise SmsNotConfigured(
            "Text messages can't be sent from the console: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not set. "
            "Please call or text the client from the practice phone."
        )
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    client = Client(sid, token, http_client=TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS))
    client.messages.create(body=body, from_=from_number, to=to)


@dataclass
class Services:
    store: RequestStore
    reader: TrackerReader
    controls: Controls
    feedback: FeedbackStore
    accounts: StaffAccounts
    audit: AuditLog
    review: ReviewQueue
    rasa: RasaApi
    send_sms: Callable[[str, str, str], None] = twilio_sender
    profile_loader: Callable[[], Any] = current_profile
    reviewed_path: Path = field(default_factory=reviewed_nlu_path)
    profile_file: Callable[[], Path] = profile_path

    @classmethod
    def from_environment(
        cls,
        database_url: Optional[str] = None,
        tracker_url: Optional[str] = None,
        rasa_url: Optional[str] = None,
        rasa_token: Optional[str] = None,
    ) -> Services:
        url = database_url or default_url()
        reader = TrackerReader(tracker_url)
        return cls(
            store=RequestStore(url),
            reader=reader,
            controls=Controls(url),
            feedback=FeedbackStore(url),
            accounts=StaffAccounts(url),
            audit=AuditLog(url),
            review=ReviewQueue(reader, url),
            rasa=RasaApi(rasa_url, rasa_token),
        )

    def timezone(self) -> dt.tzinfo:
        try:
            return self.profile_loader().timezone
        except Exception:  # a broken profile must not lock staff out of the console
            log.exception("practice profile unreadable; showing UTC times")
            return dt.timezone.utc

    def close(self) -> None:
        self.store.close()
        self.reader.close()
