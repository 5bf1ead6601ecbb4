"""Read conversations from Rasa's SQL tracker store, without loading Rasa.

Rasa's SQLTrackerStore keeps one row per event in the table `events` (id,
sender_id, type_name, timestamp, intent_name, action_name, data: the event as
JSON). Where the store is: BOT_TRACKER_URL (any SQLAlchemy URL), else the
`tracker_store:` section of the endpoints file Rasa runs with (BOT_ENDPOINTS,
else endpoints.yml), read the way Rasa reads it (${VAR} from the environment, a
SQLite path relative to the repository).

Only reads: Rasa is the one writer. Safe to share between threads.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine

from bot.paths import REPO_ROOT
from bot.requests.store import engine_for

TRACKER_URL_ENV = "BOT_TRACKER_URL"
ENDPOINTS_ENV = "BOT_ENDPOINTS"

_metadata = sa.MetaData()
events_table = sa.Table(
    "events",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)

_ENV_REFERENCE = re.compile(r"\$\{([^}]+)\}")


class TrackerStoreNotSql(ValueError):
    """The endpoints file names a tracker store the console cannot read."""


def _substitute_env(value: Any) -> Any:
    if isinstance(value, str):
        return _ENV_REFERENCE.sub(lambda m: os.environ.get(m.group(1), ""), value)
    return value


def tracker_url_from_endpoints(path: Path) -> str:
    """The SQLAlchemy URL of the tracker store configured in an endpoints file."""
    config = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("tracker_store") or {}
    config = {key: _substitute_env(value) for key, value in config.items()}
    kind = str(config.get("type") or "").lower()
    if kind not in ("sql",):
        raise TrackerStoreNotSql(
            f"{path}: the staff console reads conversations from an SQL tracker store (type: SQL), "
            f"not {config.get('type') or 'the in-memory default'}"
        )
    dialect = config.get("dialect") or "sqlite"
    db = str(config.get("db") or "rasa.db")
    host = config.get("url")
    if host and "://" in str(host):
        return str(host)
    if dialect.startswith("sqlite"):
        db_path = Path(db)
        if not db_path.is_absolute():
            db_path = REPO_ROOT / db_path  # Rasa runs from the repository
        return f"sqlite:///{db_path}"
    url = sa.engine.URL.create(
        dialect,
        username=config.get("username") or None,
        password=config.get("password") or None,
        host=host or None,
        port=int(config["port"]) if config.get("port") else None,
        database=db,
        query=config.get("query") or {},
    )
    return url.render_as_string(hide_password=False)


def configured_tracker_url() -> str:
    url = os.environ.get(TRACKER_URL_ENV)
    if url:
        return url
    return tracker_url_from_endpoints(Path(os.environ.get(ENDPOINTS_ENV) or REPO_ROOT / "endpoints.yml"))


@dataclass
class StoredEvent:
    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: Optional[str]
    action_name: Optional[str]
    data: Dict[str, Any] = field(default_factory=dict)

    @property
    def at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.timestamp or 0, tz=dt.timezone.utc)


def _event(row: Any, with_data: bool = True) -> StoredEvent:
    data: Dict[str, Any] = {}
    if with_data and row.data:
        try:
            data = json.loads(row.data)
        except ValueError:
            data = {}
    return StoredEvent(
        row.id, row.sender_id, row.type_name, row.timestamp or 0.0, row.intent_name, row.action_name, data
    )


class TrackerReader:
    """Reads events from the tracker store's `events` table."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or configured_tracker_url()
        self._engine: Optional[Engine] = None
        self._lock = threading.Lock()

    def _conn(self):
        with self._lock:
            if self._engine is None:
                self._engine = engine_for(self.url)
        return self._engine.connect()

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None

    def _table_exists(self, conn: Any) -> bool:
        return sa.inspect(conn).has_table("events")

    def events(self, sender_id: str) -> List[StoredEvent]:
        """Every event of one conversation, in order."""
        query = sa.select(events_table).where(events_table.c.sender_id == sender_id).order_by(events_table.c.id)
        with self._conn() as conn:
            if not self._table_exists(conn):
                return []
            return [_event(row) for row in conn.execute(query)]

    def exists(self, sender_id: str) -> bool:
        query = sa.select(events_table.c.id).where(events_table.c.sender_id == sender_id).limit(1)
        with self._conn() as conn:
            return self._table_exists(conn) and conn.execute(query).first() is not None

    def events_between(
        self,
        start: Optional[dt.datetime] = None,
        end: Optional[dt.datetime] = None,
        senders: Optional[Sequence[str]] = None,
        with_data_for: Iterable[str] = ("user", "bot"),
    ) -> List[StoredEvent]:
        """Events of all (or some) conversations in [start, end), in order.

        JSON data is decoded only for the event types in `with_data_for`.
        """
        table = events_table
        query = sa.select(table).order_by(table.c.id)
        if start is not None:
            query = query.where(table.c.timestamp >= start.timestamp())
        if end is not None:
            query = query.where(table.c.timestamp < end.timestamp())
        if senders is not None:
            if not senders:
                return []
            query = query.where(table.c.sender_id.in_(list(senders)))
        wanted = set(with_data_for)
        with self._conn() as conn:
            if not self._table_exists(conn):
                return []
            return [_event(row, row.type_name in wanted) for row in conn.execute(query)]

    def senders_matching(self, text: str, limit: int = 200) -> List[str]:
        """Conversations whose id, messages or slot values contain `text` (case-insensitive)."""
        table = events_table
        pattern = f"%{text.lower()}%"
        query = (
            sa.select(table.c.sender_id)
            .where(
                sa.or_(
                    sa.func.lower(table.c.sender_id).like(pattern),
                    sa.and_(table.c.type_name.in_(("user", "slot")), sa.func.lower(table.c.data).like(pattern)),
                )
            )
            .group_by(table.c.sender_id)
            .order_by(sa.func.max(table.c.timestamp).desc())
            .limit(limit)
        )
        with self._conn() as conn:
            if not self._table_exists(conn):
                return []
            return [row.sender_id for row in conn.execute(query)]

    def senders_with_intent(self, senders: Sequence[str], intents: Sequence[str]) -> List[str]:
        """Which of these conversations had a client message with one of these intents."""
        if not senders:
            return []
        table = events_table
        query = (
            sa.select(table.c.sender_id)
            .where(table.c.sender_id.in_(list(senders)), table.c.intent_name.in_(list(intents)))
            .group_by(table.c.sender_id)
        )
        with self._conn() as conn:
            if not self._table_exists(conn):
                return []
            return [row.sender_id for row in conn.execute(query)]

    def recent_senders(
        self, start: Optional[dt.datetime] = None, end: Optional[dt.datetime] = None, limit: int = 200
    ) -> List[str]:
        """Conversations with events in [start, end), most recently active first."""
        table = events_table
        query = sa.select(table.c.sender_id).group_by(table.c.sender_id)
        if start is not None:
            query = query.where(table.c.timestamp >= start.timestamp())
        if end is not None:
            query = query.where(table.c.timestamp < end.timestamp())
        query = query.order_by(sa.func.max(table.c.timestamp).desc()).limit(limit)
        with self._conn() as conn:
            if not self._table_exists(conn):
                return []
            return [row.sender_id for row in conn.execute(query)]
