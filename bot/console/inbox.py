"""What the inbox shows: pending booking and callback requests (newest first, every
detail, channel, prenatal and red-flag markers), messages held for the team, and the
requests still waiting in the spool for the database."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import List, Optional

from bot.console.services import Services
from bot.conversations.controls import HeldMessage
from bot.conversations.turns import RED_FLAG_INTENTS
from bot.requests.models import BookingRequest, ClientRequest, request_to_json
from bot.requests.store import StoreUnavailable

log = logging.getLogger(__name__)

CHANNEL_LABELS = {"socketio": "Web chat", "sms": "SMS", "twilio": "SMS", "rest": "REST", "": "unknown"}


def channel_label(channel: Optional[str]) -> str:
    return CHANNEL_LABELS.get(channel or "", channel or "unknown")


@dataclass
class InboxRequest:
    request: ClientRequest
    red_flag: bool
    spooled: bool = False

    @property
    def id(self) -> str:
        return self.request.reference

    @property
    def prenatal(self) -> bool:
        return isinstance(self.request, BookingRequest) and bool(self.request.prenatal_flag)

    @property
    def version(self) -> str:
        data = json.dumps(request_to_json(self.request), sort_keys=True, default=str) + str(self.red_flag)
        return hashlib.sha1(data.encode()).hexdigest()[:12]


@dataclass
class HeldConversation:
    sender_id: str
    channel: str
    messages: List[HeldMessage] = field(default_factory=list)  # newest first

    @property
    def id(self) -> str:
        return "held-" + hashlib.sha1(self.sender_id.encode()).hexdigest()[:12]

    @property
    def version(self) -> str:
        return str(len(self.messages)) + "-" + str(self.messages[0].id if self.messages else 0)


@dataclass
class InboxSnapshot:
    requests: List[InboxRequest]
    held: List[HeldConversation]
    spooled: int
    problem_files: int
    database_down: bool = False
    status: str = "pending"


def _red_flag_senders(services: Services, requests: List[ClientRequest]) -> set:
    senders = sorted({r.sender_id for r in requests if r.sender_id})
    try:
        return set(services.reader.senders_with_intent(senders, sorted(RED_FLAG_INTENTS)))
    except Exception:  # the tracker store is a nicety here; the requests are what matter
        log.exception("could not read red flags from the tracker store")
        return set()


def held_conversations(services: Services) -> List[HeldConversation]:
    grouped: dict = {}
    for message in services.controls.held():
        grouped.setdefault(message.sender_id, HeldConversation(message.sender_id, message.channel)).messages.append(
            message
        )
    return list(grouped.values())


def inbox_snapshot(services: Services, status: str = "pending") -> InboxSnapshot:
    """The inbox now. With the database down, the spooled requests are shown instead."""
    store = services.store
    try:
        store.flush_spool()
        requests = store.list_requests(status=status, newest_first=True)
        database_down = False
    except StoreUnavailable:
        requests, database_down = list(reversed(store.spooled_requests())), True
    flagged = _red_flag_senders(services, requests)
    rows = [InboxRequest(r, r.sender_id in flagged, spooled=database_down) for r in requests]
    try:
        held = held_conversations(services)
    except Exception:
        log.exception("could not read the held messages")
        held = []
    return InboxSnapshot(rows, held, len(store.spooled_files()), len(store.problem_files()), database_down, status)
