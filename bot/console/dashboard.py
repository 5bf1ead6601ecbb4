"""The dashboard's figures: conversations per day by channel, the share after hours, top
topics and per topic how often the assistant answered alone, handed off, and the
clients' thumbs; requests by kind and status."""

from __future__ import annotations

import collections
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

from bot.console.inbox import channel_label
from bot.console.services import Services
from bot.conversations.turns import summaries
from bot.practice import clock, schedule

log = logging.getLogger(__name__)

PERIODS = (7, 30, 90)
TOP_TOPICS = 12
# Small talk says nothing about what clients need.
NOT_TOPICS = frozenset({"greet", "goodbye", "thanks", "affirm", "deny", "inform", "stop"})


@dataclass
class TopicRow:
    topic: str
    conversations: int
    answered_alone: int
    handed_off: int
    thumbs_up: int = 0
    thumbs_down: int = 0

    @property
    def alone_share(self) -> float:
        return self.answered_alone / self.conversations if self.conversations else 0.0


@dataclass
class Dashboard:
    days: int
    day_labels: List[str]
    per_day: Dict[str, List[int]]  # channel label -> count per day
    conversations: int
    after_hours: int
    topics: List[TopicRow]
    requests: Dict[Tuple[str, str], int]
    thumbs: Tuple[int, int]
    notes: List[str] = field(default_factory=list)

    @property
    def after_hours_share(self) -> float:
        return self.after_hours / self.conversations if self.conversations else 0.0


def dashboard(services: Services, days: int = 30) -> Dashboard:
    tz = services.timezone()
    today = clock.now().astimezone(tz).date()
    first_day = today - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=tz)
    dates = [first_day + dt.timedelta(days=i) for i in range(days)]
    notes: List[str] = []
    try:
        profile = services.profile_loader()
    except Exception:
        profile = None
        notes.append("The practice profile could not be read, so after-hours conversations are not counted.")

    by_sender = summaries(services.reader.events_between(start=start, with_data_for=("user", "bot")))
    per_day: Dict[str, List[int]] = collections.defaultdict(lambda: [0] * days)
    after_hours = 0
    topic_conversations: Dict[str, List[bool]] = collections.defaultdict(list)
    # Held messages: the assistant was off for the client, or the conversation human-only.
    held_senders = {message.sender_id for message in services.controls.held(open_only=False)}
    for summary in by_sender.values():
        if not summary.client_messages or summary.started_at is None:
            continue
        local = summary.started_at.astimezone(tz)
        index = (local.date() - first_day).days
        if 0 <= index < days:
            per_day[channel_label(summary.channel)][index] += 1
        if profile is not None and not schedule.is_open(profile, summary.started_at):
            after_hours += 1
        staff_had_it = summary.handoff or summary.paused or summary.staff_replied or summary.sender_id in held_senders
        for topic in set(summary.topics) - NOT_TOPICS:
            topic_conversations[topic].append(staff_had_it)

    feedback = services.feedback.by_topic(since=start)
    rows = [
        TopicRow(topic, len(flags), flags.count(False), flags.count(True), *feedback.get(topic, (0, 0)))
        for topic, flags in topic_conversations.items()
    ]
    rows.sort(key=lambda row: (-row.conversations, row.topic))
    try:
        requests = services.store.counts()
    except Exception:
        requests = {}
        notes.append("The request database is unreachable: request figures are missing.")
    total_up = sum(up for up, _ in feedback.values())
    total_down = sum(down for _, down in feedback.values())
    return Dashboard(
        days,
        [d.strftime("%d %b") for d in dates],
        dict(per_day),
        sum(1 for s in by_sender.values() if s.client_messages),
        after_hours,
        rows[:TOP_TOPICS],
        requests,
        (total_up, total_down),
        notes,
    )
