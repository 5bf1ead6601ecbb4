"""Clients' thumbs up or down on the assistant's answers, stored with the topic.

The web widget sends a vote for one answer over its socket (bot/channels/webchat.py);
the channel finds that answer in the conversation and the client message it
answered, whose intent is the topic. One vote per answer: voting again replaces it.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from bot.conversations.database import engine_with
from bot.practice import clock
from bot.requests.store import UtcDateTime, default_url

UP, DOWN = 1, -1
MAX_ANSWER_CHARS = 500

metadata = sa.MetaData()
feedback_table = sa.Table(
    "client_feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("answer_at", sa.Float, nullable=False),  # the answer's event timestamp in the tracker
    sa.Column("channel", sa.String(32)),
    sa.Column("topic", sa.String(64)),
    sa.Column("answer", sa.Text()),
    sa.Column("vote", sa.Integer, nullable=False),
    sa.Column("voted_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("sender_id", "answer_at", name="uq_client_feedback_answer"),
)


@dataclass(frozen=True)
class Vote:
    sender_id: str
    topic: str
    answer: str
    vote: int
    voted_at: dt.datetime
    channel: str


def answered_topic(events: Sequence[Any], answer_text: str) -> Optional[Tuple[float, str]]:
    """(answer timestamp, topic) for the latest bot message with this text in a tracker's
    events (dicts as Rasa stores them), or None if the conversation has no such answer."""
    answer_index = None
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "bot" and (event.get("text") or "") == answer_text:
            answer_index = index
            break
    if answer_index is None:
        return None
    topic = ""
    for event in reversed(events[:answer_index]):
        if event.get("event") == "user":
            topic = (((event.get("parse_data") or {}).get("intent") or {}).get("name")) or ""
            break
    return float(events[answer_index].get("timestamp") or 0.0), topic


class FeedbackStore:
    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or default_url()

    def _engine(self):
        return engine_with(metadata, self.url)

    def record(self, sender_id: str, answer_at: float, topic: str, answer: str, vote: int, channel: str) -> None:
        if vote not in (UP, DOWN):
            raise ValueError("vote must be 1 or -1")
        table = feedback_table
        values = dict(
            channel=channel, topic=topic[:64], answer=answer[:MAX_ANSWER_CHARS], vote=vote, voted_at=clock.now()
        )
        with self._engine().begin() as conn:
            where = sa.and_(table.c.sender_id == sender_id, table.c.answer_at == answer_at)
            if conn.execute(table.update().where(where).values(**values)).rowcount == 0:
                conn.execute(table.insert().values(sender_id=sender_id, answer_at=answer_at, **values))

    def votes(self, since: Optional[dt.datetime] = None) -> List[Vote]:
        query = sa.select(feedback_table).order_by(feedback_table.c.voted_at)
        if since is not None:
            query = query.where(feedback_table.c.voted_at >= since)
        with self._engine().connect() as conn:
            return [
                Vote(r.sender_id, r.topic or "", r.answer or "", r.vote, r.voted_at, r.channel or "")
                for r in conn.execute(query)
            ]

    def by_topic(self, since: Optional[dt.datetime] = None) -> Dict[str, Tuple[int, int]]:
        """topic -> (thumbs up, thumbs down)."""
        counts: Dict[str, List[int]] = {}
        for vote in self.votes(since):
            pair = counts.setdefault(vote.topic or "(unknown)", [0, 0])
            pair[0 if vote.vote == UP else 1] += 1
        return {topic: (up, down) for topic, (up, down) in counts.items()}


_shared: Dict[str, FeedbackStore] = {}
_shared_lock = threading.Lock()


def shared_feedback() -> FeedbackStore:
    url = default_url()
    with _shared_lock:
        return _shared.setdefault(url, FeedbackStore(url))
