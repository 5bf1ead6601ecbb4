"""What staff switch in the console and the channels obey.

- an on/off switch for the assistant per channel (socketio = web chat, sms, rest):
  off, every message is held for staff;
- human-only conversations: the assistant never answers them again;
- held messages: what a client sent while the assistant was off for them, for the inbox.

The channels ask on every message, so answers are cached for CACHE_SECONDS: a
switch flipped in the console reaches the channels within that time. If the
database cannot be read the assistant stays on: a client is better answered by
the assistant than not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Tuple

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.conversations.database import engine_with
from bot.practice import clock
from bot.requests.store import UtcDateTime, default_url

log = logging.getLogger(__name__)

CACHE_SECONDS = 2.0
CHANNELS: Dict[str, str] = {"socketio": "Web chat", "sms": "Text messages (SMS)", "rest": "REST API"}
OFF, HUMAN_ONLY = "assistant_off", "human_only"  # why a message was held
MAX_HELD_TEXT = 2000

metadata = sa.MetaData()
switches_table = sa.Table(
    "assistant_switches",
    metadata,
    sa.Column("channel", sa.String(32), primary_key=True),
    sa.Column("assistant_on", sa.Boolean(create_constraint=False), nullable=False),
    sa.Column("changed_by", sa.Text()),
    sa.Column("changed_at", UtcDateTime()),
)
human_only_table = sa.Table(
    "human_only_conversations",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("marked_by", sa.Text()),
    sa.Column("marked_at", UtcDateTime()),
)
held_table = sa.Table(
    "held_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("channel", sa.String(32)),
    sa.Column("text", sa.Text()),
    sa.Column("reason", sa.String(32)),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("answered_at", UtcDateTime()),
    sa.Column("answered_by", sa.Text()),
)


@dataclass(frozen=True)
class Switch:
    channel: str
    assistant_on: bool
    changed_by: str = ""
    changed_at: Optional[dt.datetime] = None


@dataclass(frozen=True)
class HeldMessage:
    id: int
    sender_id: str
    channel: str
    text: str
    reason: str
    received_at: dt.datetime
    answered_at: Optional[dt.datetime]
    answered_by: str


class Controls:
    """Switches, human-only conversations and held messages in one database."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or default_url()
        self._cache_lock = threading.Lock()
        self._cached_at = -1e9
        self._off: Set[str] = set()
        self._human_only: Set[str] = set()

    def _engine(self):
        return engine_with(metadata, self.url)

    # -- what the channels ask ----------------------------------------------------------
    def _kept(self) -> Optional[Tuple[Set[str], Set[str]]]:
        """The switches read in the last CACHE_SECONDS, or None when they must be read again."""
        with self._cache_lock:
            if time.monotonic() - self._cached_at < CACHE_SECONDS:
                return self._off, self._human_only
        return None

    def _snapshot(self) -> Tuple[Set[str], Set[str]]:
        kept = self._kept()
        if kept is not None:
            return kept
        try:
            with self._engine().connect() as conn:
                off = {r.channel for r in conn.execute(sa.select(switches_table)) if not r.assistant_on}
                human = {r.sender_id for r in conn.execute(sa.select(human_only_table.c.sender_id))}
        except SQLAlchemyError as exc:
            log.warning("could not read the assistant switches (%s); the assistant stays on", type(exc).__name__)
            off, human = set(), set()
        with self._cache_lock:
            self._off, self._human_only, self._cached_at = off, human, time.monotonic()
        return off, human

    def _invalidate(self) -> None:
        with self._cache_lock:
            self._cached_at = -1e9

    def kept_hold_reason(self, channel: str, sender_id: str) -> Tuple[bool, Optional[str]]:
        """(True, hold_reason) from the switches read in the last CACHE_SECONDS, without
        touching the database; (False, None) when they are older and must be read."""
        kept = self._kept()
        if kept is None:
            return False, None
        return True, self._reason(channel, sender_id, *kept)

    def hold_reason(self, channel: str, sender_id: str) -> Optional[str]:
        """Why this message must go to staff instead of the assistant, or None."""
        off, human = self._snapshot()
        return self._reason(channel, sender_id, off, human)

    @staticmethod
    def _reason(channel: str, sender_id: str, off: Set[str], human: Set[str]) -> Optional[str]:
        if sender_id in human:
            return HUMAN_ONLY
        if channel in off:
            return OFF
        return None

    def assistant_on(self, channel: str) -> bool:
        return channel not in self._snapshot()[0]

    def is_human_only(self, sender_id: str) -> bool:
        return sender_id in self._snapshot()[1]

    # -- what staff set -------------------------------------------------------------------
    def switches(self) -> List[Switch]:
        with self._engine().connect() as conn:
            rows = {r.channel: r for r in conn.execute(sa.select(switches_table))}
        return [
            Switch(channel, bool(rows[channel].assistant_on), rows[channel].changed_by or "", rows[channel].changed_at)
            if channel in rows
            else Switch(channel, True)
            for channel in CHANNELS
        ]

    def set_assistant(self, channel: str, on: bool, by: str) -> bool:
        """Switch the assistant on or off for a channel; True if that changed anything."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        values = dict(assistant_on=on, changed_by=by, changed_at=clock.now())
        with self._engine().begin() as conn:
            current = conn.execute(sa.select(switches_table).where(switches_table.c.channel == channel)).first()
            if current is None:
                if on:
                    return False  # on is the default: nothing to store
                conn.execute(switches_table.insert().values(channel=channel, **values))
            elif bool(current.assistant_on) == on:
                return False
            else:
                conn.execute(switches_table.update().where(switches_table.c.channel == channel).values(**values))
        self._invalidate()
        return True

    def is_human_only_now(self, sender_id: str) -> bool:
        """Read fresh, not cached: for staff, who just changed it."""
        query = sa.select(human_only_table.c.sender_id).where(human_only_table.c.sender_id == sender_id)
        with self._engine().connect() as conn:
            return conn.execute(query).first() is not None

    def human_only(self) -> Dict[str, Tuple[str, Optional[dt.datetime]]]:
        with self._engine().connect() as conn:
            return {r.sender_id: (r.marked_by or "", r.marked_at) for r in conn.execute(sa.select(human_only_table))}

    def set_human_only(self, sender_id: str, on: bool, by: str) -> bool:
        """Mark or unmark a conversation human-only; True if that changed anything."""
        table = human_only_table
        try:
            with self._engine().begin() as conn:
                if on:
                    conn.execute(table.insert().values(sender_id=sender_id, marked_by=by, marked_at=clock.now()))
                    changed = True
                else:
                    changed = bool(conn.execute(table.delete().where(table.c.sender_id == sender_id)).rowcount)
        except IntegrityError:
            changed = False  # already human-only
        self._invalidate()
        return changed

    # -- held messages --------------------------------------------------------------------
    def hold(self, sender_id: str, channel: str, text: str, reason: str) -> int:
        with self._engine().begin() as conn:
            result = conn.execute(
                held_table.insert().values(
                    sender_id=sender_id,
                    channel=channel,
                    text=text[:MAX_HELD_TEXT],
                    reason=reason,
                    received_at=clock.now(),
                )
            )
            return int(result.inserted_primary_key[0])

    def held(self, open_only: bool = True, sender_id: Optional[str] = None) -> List[HeldMessage]:
        """Held messages, newest first."""
        query = sa.select(held_table).order_by(held_table.c.received_at.desc(), held_table.c.id.desc())
        if open_only:
            query = query.where(held_table.c.answered_at.is_(None))
        if sender_id is not None:
            query = query.where(held_table.c.sender_id == sender_id)
        with self._engine().connect() as conn:
            return [
                HeldMessage(
                    r.id,
                    r.sender_id,
                    r.channel or "",
                    r.text or "",
                    r.reason or "",
                    r.received_at,
                    r.answered_at,
                    r.answered_by or "",
                )
                for r in conn.execute(query)
            ]

    def mark_answered(self, sender_id: str, by: str) -> int:
        """Close the held messages of a conversation; how many were open."""
        with self._engine().begin() as conn:
            return conn.execute(
                held_table.update()
                .where(held_table.c.sender_id == sender_id, held_table.c.answered_at.is_(None))
                .values(answered_at=clock.now(), answered_by=by)
            ).rowcount


_shared: Dict[str, Controls] = {}
_shared_lock = threading.Lock()


def shared_controls() -> Controls:
    """One Controls (and one cache) per database URL in this process."""
    url = default_url()
    with _shared_lock:
        if url not in _shared:
            _shared[url] = Controls(url)
        return _shared[url]
