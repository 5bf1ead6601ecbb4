"""Rasa's SQL tracker store, keeping recent conversations in memory between messages.

Rasa's SQLTrackerStore rebuilds a conversation from every one of its events on
each message (read, JSON-decode, replay) and counts them again before each save,
so a message at turn 40 cost eight times a message at turn 5. This store keeps
each conversation's tracker, as last saved, in memory; a message then costs one
indexed query for the conversation's newest event id, and the save writes only
the new events. The database stays the truth:

- a kept tracker is used only while the newest event id in the database is the
  one it was saved with: a message answered by another Rasa process (several
  behind a proxy share one database), staff, or the HTTP API in between, and
  it is read again from the database;
- a tracker is kept only as it was saved: handed out, it leaves the cache, and
  one changed without being saved is read again;
- a save that starts a new session is not kept (Rasa reads only the latest
  session from the database; the next message reads it again).

Same tables and rows as SQLTrackerStore, so everything that reads them (the
staff console, `rasa export`) is unchanged.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

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
        self._saving: Dict[Text, Tuple[DialogueStateTracker, int]] = {}
        events = self.SQLEvent.__table__
        self._last_id_query = sa.select(sa.func.max(events.c.id)).where(events.c.sender_id == sa.bindparam("sender_id"))

    def _last_id(self, sender_id: Text) -> Optional[int]:
        # A plain statement on a pooled connection: an ORM session costs more than the query.
        with self.engine.connect() as connection:
            return connection.execute(self._last_id_query, {"sender_id": sender_id}).scalar()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        kept = self._cache.pop(sender_id, None)
        last_id = self._last_id(sender_id)
        fresh = kept is not None and kept.last_id == last_id and len(kept.tracker.events) == kept.stored
        if not fresh:
            tracker = await super().retrieve(sender_id)
            if tracker is None:
                return None
            kept = _Kept(tracker, len(tracker.events), last_id)
        self._handed_out[sender_id] = kept
        self._handed_out.move_to_end(sender_id)
        _trim(self._handed_out, self.cache_size)  # read and never saved (the HTTP API): forgotten
        return kept.tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        kept = self._handed_out.pop(sender_id, None)
        if kept is not None and (kept.tracker is not tracker or len(tracker.events) < kept.stored):
            kept = None  # not the tracker we handed out: save it Rasa's way
        self._cache.pop(sender_id, None)
        if kept is not None:
            self._saving[sender_id] = (tracker, kept.stored)
        try:
            await super().save(tracker)
        finally:
            self._saving.pop(sender_id, None)
        if kept is None:
            return
        new_events = itertools.islice(tracker.events, kept.stored, None)
        if any(isinstance(event, SessionStarted) for event in new_events):
            return  # a new session: Rasa reads only that one back, so read it again next time
        self._cache[sender_id] = _Kept(tracker, len(tracker.events), self._last_id(sender_id))
        _trim(self._cache, self.cache_size)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        saving = self._saving.get(tracker.sender_id)
        if saving is not None and saving[0] is tracker:
            return itertools.islice(tracker.events, saving[1], None)  # known: no counting query
        return super()._additional_events(session, tracker)
