"""Conversations in the console: find them, read them, answer a paused one, give it back.

Find by request reference, phone number, name or any words (messages and slot
values), and by date; filter unanswered, human-only, red-flag or paused ones.
A staff reply reaches the client on the channel they used: web chat live through
Rasa's socket.io channel, SMS through Twilio when configured. REST clients cannot
be sent anything later, and the console says so.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from bot.console.services import Services
from bot.conversations.controls import HeldMessage
from bot.conversations.rasa_api import WEB_CHAT_CHANNEL, looks_like_reference
from bot.conversations.turns import Summary, Turn, summaries, summarize, transcript
from bot.requests.models import ClientRequest, normalize_reference

log = logging.getLogger(__name__)

FILTERS = {
    "": "All",
    "unanswered": "Unanswered",
    "human_only": "Human only",
    "red_flag": "Red flag",
    "paused": "Waiting for staff",
}
MAX_REPLY_CHARS = 1000
LIST_LIMIT = 100


class StaffActionRefused(Exception):
    """The action makes no sense for this conversation now; the message says why (409)."""


@dataclass
class ConversationRow:
    summary: Summary
    human_only: bool
    held: int
    references: List[str] = field(default_factory=list)

    @property
    def needs_staff(self) -> bool:
        return self.summary.paused or self.human_only or self.held > 0


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _day_bounds(day: dt.date, tz: dt.tzinfo) -> tuple:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return start, start + dt.timedelta(days=1)


def matching_senders(services: Services, query: str) -> List[str]:
    """Conversations for a reference, a phone number, a name or words; most recent first."""
    query = query.strip()
    if not query:
        return []
    if looks_like_reference(query):
        request = services.store.get(normalize_reference(query))
        return [request.sender_id] if request and request.sender_id else []
    found: List[str] = []
    digits = _digits(query)
    everything = services.store.list_requests(status="all", newest_first=True)
    if len(digits) >= 6 and len(digits) >= len(query.replace(" ", "")) - 4:  # mostly digits: a phone number
        found += [r.sender_id for r in everything if r.sender_id and digits in _digits(r.phone or "")]
        found += [s for s in services.reader.senders_matching(digits) if digits in _digits(s)]
    else:
        words = query.lower()
        found += [r.sender_id for r in everything if r.sender_id and words in (r.name or "").lower()]
        found += services.reader.senders_matching(query)
    return list(dict.fromkeys(found))


def find_conversations(
    services: Services, query: str = "", kind: str = "", day: Optional[dt.date] = None
) -> List[ConversationRow]:
    tz = services.timezone()
    start = end = None
    if day is not None:
        start, end = _day_bounds(day, tz)
    senders = (
        matching_senders(services, query) if query.strip() else services.reader.recent_senders(start, end, LIST_LIMIT)
    )
    if query.strip() and day is not None:
        on_day = set(services.reader.recent_senders(start, end, 10_000))
        senders = [s for s in senders if s in on_day]
    senders = senders[:LIST_LIMIT]
    by_sender = summaries(services.reader.events_between(senders=senders))
    human = services.controls.human_only()
    held: Dict[str, int] = {}
    for message in services.controls.held():
        held[message.sender_id] = held.get(message.sender_id, 0) + 1
    references: Dict[str, List[str]] = {}
    for request in services.store.list_requests(status="all"):
        if request.sender_id in by_sender:
            references.setdefault(request.sender_id, []).append(request.reference)
    rows = [
        ConversationRow(by_sender[s], s in human, held.get(s, 0), references.get(s, []))
        for s in senders
        if s in by_sender
    ]
    if kind == "unanswered":
        rows = [r for r in rows if r.summary.unanswered]
    elif kind == "human_only":
        rows = [r for r in rows if r.human_only]
    elif kind == "red_flag":
        rows = [r for r in rows if r.summary.red_flag]
    elif kind == "paused":
        rows = [r for r in rows if r.needs_staff]
    rows.sort(key=lambda r: r.summary.last_at or dt.datetime.min.replace(tzinfo=dt.timezone.utc), reverse=True)
    return rows


@dataclass
class ConversationView:
    sender_id: str
    summary: Summary
    turns: List[Turn]
    human_only: bool
    held: List[HeldMessage]
    requests: List[ClientRequest]

    @property
    def channel(self) -> str:
        return self.summary.channel

    @property
    def can_reply(self) -> bool:
        return self.summary.paused or self.human_only or bool(self.held)

    @property
    def reply_note(self) -> str:
        if self.channel == WEB_CHAT_CHANNEL:
            return "Your reply appears in the client's chat window while it is open."
        if self.channel == "sms":
            return "Your reply is sent as a text message from the practice's SMS number."
        if self.channel == "rest":
            return "This client used the REST API, which can't receive a message later: call or e-mail them instead."
        return "This conversation's channel is unknown: your reply is kept in the conversation only."


def conversation_view(services: Services, sender_id: str) -> Optional[ConversationView]:
    """The conversation, or None if the tracker store has no such conversation."""
    events = services.reader.events(sender_id)
    if not events:
        return None
    return ConversationView(
        sender_id,
        summarize(sender_id, events),
        transcript(events),
        services.controls.is_human_only_now(sender_id),
        services.controls.held(sender_id=sender_id),
        services.store.list_requests(status="all", sender_id=sender_id),
    )


def send_staff_reply(services: Services, view: ConversationView, text: str, staff: str) -> str:
    """Send and record a staff message; returns what happened, for the staff member.

    Raises StaffActionRefused (the assistant has this conversation, or the channel can't
    take it), SmsNotConfigured, or RasaApiError.
    """
    text = text.strip()
    if not text:
        raise ValueError("the reply is empty")
    if len(text) > MAX_REPLY_CHARS:
        raise ValueError(f"a reply holds at most {MAX_REPLY_CHARS} characters")
    if not view.can_reply:
        raise StaffActionRefused(
            'The assistant is answering this conversation. Mark it "human only" first, then reply.'
        )
    channel = view.channel
    if channel == "rest":
        raise StaffActionRefused(view.reply_note)
    if channel == "sms":
        profile = services.profile_loader()
        services.send_sms(view.sender_id, text, profile.sms)
        services.rasa.staff_reply(view.sender_id, text, staff)
        outcome = "Texted to the client."
    elif channel == WEB_CHAT_CHANNEL:
        services.rasa.staff_reply(view.sender_id, text, staff, deliver_on=WEB_CHAT_CHANNEL)
        outcome = "Sent to the client's web chat."
    else:
        services.rasa.staff_reply(view.sender_id, text, staff)
        outcome = "Kept in the conversation (its channel is unknown, so nothing was sent)."
    services.controls.mark_answered(view.sender_id, staff)
    return outcome


def hand_back(services: Services, view: ConversationView, staff: str) -> str:
    """Give the conversation back to the assistant: the same resume as `python -m bot resume`."""
    if not view.can_reply:
        raise StaffActionRefused("The assistant already has this conversation.")
    if view.summary.paused:
        services.rasa.resume(view.sender_id)
    services.controls.set_human_only(view.sender_id, False, staff)
    services.controls.mark_answered(view.sender_id, staff)
    return "The assistant is back on for this conversation."
