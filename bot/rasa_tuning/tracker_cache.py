"""Rasa's SQL tracker store, keeping recent conversations in memory between messages.

Rasa's SQLTrackerStore rebuilds a conversation from every one of its events on
each message (read, JSON-decode, replay) and counts them again before each save,
so a message at turn 40 cost eight times a message at turn 5. This store keeps
each conversation's tracker, as last saved, in memory; a message then costs one
indexed query for the conversation's newest event id, and the save writes only
the new events (one statement for all of them). The database stays the truth:

- a kept tracker is used only while the newest event id in the database is the
  one it was saved with. After a message answered by another Rasa process
  (several behind a proxy share one database), only the events stored since are
  read and added, as Rasa's read would add them; anything else (a new session,
  an event older than the kept ones) reads the conversation again in full;
- a tracker is kept only as it was saved: handed out, it leaves the cache, and
  one changed without being saved is read again;
- what is kept is what Rasa would read back: the events from the latest
  session start on, rebuilt from their JSON as Rasa rebuilds them when a session
  has just started.

Same tables and rows as SQLTrackerStore, so everything that reads them (the
staff console, `rasa export`) is unchanged.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

DEFAULT_CACHE_SIZE = 2000  # conversations; a 40-turn one (200 events) takes about 0.25 MB


@dataclass
class _Kept:
    tracker: DialogueStateTracker
    stored: int  # how many of its events are in the database
    last_id: Optional[int]  # the conversation's newest event id in the database then


def _trim(entries: OrderedDict[Text, _Kept], size: int) -> None:
    while len(entries) > size:
        entries.popitem(last=False)  # the least recently used


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cache_size = int(cache_size)
        self._cache: OrderedDict[Text, _Kept] = OrderedDict()  # saved, at rest
        self._handed_out: OrderedDict[Text, _Kept] = OrderedDict()  # retrieved, not saved back yet
        events = self.SQLEvent.__table__
        self._last_id_query = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sa.bindparam("sender_id"))
        self._insert_statement = events.insert()
        # Rasa's read (SQLTrackerStore._event_query) as one Core statement: the
        # events from the latest session start on, in id order. Through the ORM it
        # cost 5.5 ms for a 16-event conversation, most of it building the query.
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(events.c.sender_id == sa.bindparam("sender_id"), events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        self._read_query = (
            sa.select(events.c.id, events.c.data)
            .where(
                events.c.sender_id == sa.bindparam("sender_id"),
                sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
            )
            .order_by(events.c.id)
        )
        self._newer_query = (
            sa.select(events.c.id, events.c.data)
            .where(events.c.sender_id == sa.bindparam("sender_id"), events.c.id > sa.bindparam("after"))
            .order_by(events.c.id)
        )
        if self.engine.dialect.name == "sqlite":
            # Readers no longer wait for a writer's commit (two Rasa processes, the staff
            # console); every commit still reaches the disk (synchronous stays FULL).
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")

    def _last_id(self, sender_id: Text) -> Optional[int]:
        # A plain statement on a pooled connection: an ORM session costs more than the query.
        with self.engine.connect() as connection:
            return connection.execute(self._last_id_query, {"sender_id": sender_id}).scalar()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        kept = self._cache.pop(sender_id, None)
        last_id = self._last_id(sender_id)
        if last_id is None:
            return None  # no events: as Rasa's store answers, without reading them
        if kept is not None and kept.last_id is not None and kept.last_id != last_id:
            kept = self._caught_up(sender_id, kept, last_id)
        fresh = kept is not None and kept.last_id == last_id and len(kept.tracker.events) == kept.stored
        if not fresh:
            tracker = self._read(sender_id)
            if tracker is None:
                return None
            kept = _Kept(tracker, len(tracker.events), last_id)
        self._hand_out(sender_id, kept)
        return kept.tracker

    def _read(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The conversation as SQLTrackerStore.retrieve reads it."""
        with self.engine.connect() as connection:
            rows = connection.execute(self._read_query, {"sender_id": sender_id}).all()
        if not self.domain or not rows:
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(row.data) for row in rows], self.domain.slots)

    def _caught_up(self, sender_id: Text, kept: _Kept, last_id: int) -> Optional[_Kept]:
        """The kept tracker plus the events stored since it was kept (by another
        process), or None when only a full read gives what Rasa would read."""
        if len(kept.tracker.events) != kept.stored or kept.last_id > last_id:
            return None
        with self.engine.connect() as connection:
            rows = connection.execute(self._newer_query, {"sender_id": sender_id, "after": kept.last_id}).all()
        if not rows or rows[-1].id != last_id:
            return None  # written to meanwhile: read it all
        newer = [json.loads(row.data) for row in rows]
        kept_events = kept.tracker.events
        latest = kept_events[-1].timestamp if kept_events else None
        if any(data.get("event") == SessionStarted.type_name for data in newer) or (
            latest is not None and any(data.get("timestamp", latest) < latest for data in newer)
        ):
            return None  # Rasa's read would start elsewhere: read it all
        for data in newer:
            kept.tracker.update(Event.from_parameters(data))
        return _Kept(kept.tracker, len(kept.tracker.events), last_id)

    def _hand_out(self, sender_id: Text, kept: _Kept) -> None:
        self._handed_out[sender_id] = kept
        self._handed_out.move_to_end(sender_id)
        _trim(self._handed_out, self.cache_size)  # read and never saved (the HTTP API): forgotten

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        kept = self._handed_out.pop(sender_id, None)
        self._cache.pop(sender_id, None)
        if kept is None and self._last_id(sender_id) is None:
            kept = _Kept(tracker, 0, None)  # a new conversation: nothing of it is stored yet
        if kept is None or kept.tracker is not tracker or len(tracker.events) < kept.stored:
            await super().save(tracker)  # not a tracker we handed out: Rasa's way
            return
        await self.stream_events(tracker)  # to an event broker, if one is set, as Rasa's save does
        rows = self._rows(sender_id, itertools.islice(tracker.events, kept.stored, None))
        # The commit waits for the disk: in a thread, the other conversations go on meanwhile.
        last_id = await asyncio.to_thread(self._insert, sender_id, rows) if rows else kept.last_id
        read_back = self._as_read_back(tracker)
        if read_back is not None:
            self._cache[sender_id] = _Kept(read_back, len(read_back.events), last_id)
            _trim(self._cache, self.cache_size)

    def _as_read_back(self, tracker: DialogueStateTracker) -> Optional[DialogueStateTracker]:
        """The tracker SQLTrackerStore.retrieve would now build from the database.

        It reads the events from the latest SessionStarted's timestamp on. Usually
        that is every event of the tracker; when a session has just started, the
        events before it (action_session_start is logged with a slightly later
        timestamp and stays) are left out, and the rest rebuilt as Rasa rebuilds them.
        """
        starts = [event.timestamp for event in tracker.events if isinstance(event, SessionStarted)]
        if not starts or all(event.timestamp >= max(starts) for event in tracker.events):
            return tracker
        if not self.domain:
            return None
        start = max(starts)
        kept = [json.loads(json.dumps(event.as_dict())) for event in tracker.events if event.timestamp >= start]
        return DialogueStateTracker.from_dict(tracker.sender_id, kept, self.domain.slots)

    def _rows(self, sender_id: Text, events: Iterable[Event]) -> List[Dict[Text, Any]]:
        """Events as SQLTrackerStore.save stores them (the same columns and JSON)."""
        rows = []
        for event in events:
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        return rows

    def _insert(self, sender_id: Text, rows: List[Dict[Text, Any]]) -> Optional[int]:
        """Store the rows in one transaction; the conversation's newest event id after."""
        with self.engine.begin() as connection:
            connection.execute(self._insert_statement, rows)
            return connection.execute(self._last_id_query, {"sender_id": sender_id}).scalar()
