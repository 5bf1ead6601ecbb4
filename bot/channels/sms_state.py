"""Durable SMS state in one small SQLite file.

- opt_outs: numbers that texted STOP. Kept until they text START; never expires,
  because messaging a number that opted out breaks carrier rules.
- options: the numbered choices last offered to each number ("Reply 1 for ...").
- replies: the TwiML answered per MessageSid, so a redelivered webhook gets the
  same answer instead of a second run through the bot.
- text_backs: when each caller was last texted after a missed call (bot.channels.voice),
  so nobody gets more than one such text every few hours.

Methods are synchronous and short; the channel calls them through
asyncio.to_thread so the event loop never waits on the disk.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Union

from bot.paths import VAR_DIR

DEFAULT_STATE_PATH = VAR_DIR / "sms_state.sqlite3"
STATE_PATH_ENV_VAR = "SMS_STATE_PATH"

OPTIONS_MAX_AGE_SECONDS = 24 * 3600
REPLIES_MAX_AGE_SECONDS = 48 * 3600
TEXT_BACKS_MAX_AGE_SECONDS = 7 * 24 * 3600  # far longer than any sensible gap between text-backs
MAX_ROWS_KEPT = 5000
PRUNE_EVERY_WRITES = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS opt_outs (phone TEXT PRIMARY KEY, since REAL NOT NULL);
CREATE TABLE IF NOT EXISTS options (phone TEXT PRIMARY KEY, choices TEXT NOT NULL, saved_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS replies (message_sid TEXT PRIMARY KEY, twiml TEXT NOT NULL, saved_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS text_backs (phone TEXT PRIMARY KEY, sent_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS options_saved_at ON options (saved_at);
CREATE INDEX IF NOT EXISTS replies_saved_at ON replies (saved_at);
"""


@dataclass(frozen=True)
class SmsOption:
    """One numbered choice: what the client saw, and what the bot receives."""

    title: str
    payload: str


def default_state_path() -> Path:
    return Path(os.environ.get(STATE_PATH_ENV_VAR) or DEFAULT_STATE_PATH)


class SmsStateStore:
    def __init__(self, path: Union[str, Path, None] = None) -> None:
        self.path = Path(path) if path else default_state_path()
        self._schema_ready = False
        self._lock = threading.Lock()
        self._writes = 0

    def _connect(self) -> sqlite3.Connection:
        # A connection per call: safe from any worker thread, and cheap for SQLite.
        with self._lock:
            if not self._schema_ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with sqlite3.connect(self.path, timeout=10) as conn:
                    conn.executescript(_SCHEMA)
                self._schema_ready = True
        return sqlite3.connect(self.path, timeout=10)

    def _write(self, sql: str, params: tuple) -> int:
        conn = self._connect()
        try:
            with conn:
                changed = conn.execute(sql, params).rowcount
        finally:
            conn.close()
        self._writes += 1
        if self._writes % PRUNE_EVERY_WRITES == 0:
            self.prune()
        return changed

    def _read_one(self, sql: str, params: tuple) -> Optional[tuple]:
        conn = self._connect()
        try:
            return conn.execute(sql, params).fetchone()
        finally:
            conn.close()

    # -- opt-outs ---------------------------------------------------------------
    def is_opted_out(self, phone: str) -> bool:
        return self._read_one("SELECT 1 FROM opt_outs WHERE phone = ?", (phone,)) is not None

    def opt_out(self, phone: str) -> bool:
        """Record an opt-out. True if the number was not opted out before."""
        return self._write("INSERT OR IGNORE INTO opt_outs (phone, since) VALUES (?, ?)", (phone, time.time())) == 1

    def opt_in(self, phone: str) -> bool:
        """Remove an opt-out. True if the number was opted out."""
        return self._write("DELETE FROM opt_outs WHERE phone = ?", (phone,)) == 1

    # -- numbered options ---------------------------------------------------------
    def save_options(self, phone: str, options: List[SmsOption]) -> None:
        if not options:
            self.clear_options(phone)
            return
        choices = json.dumps([[o.title, o.payload] for o in options])
        self._write(
            "INSERT OR REPLACE INTO options (phone, choices, saved_at) VALUES (?, ?, ?)",
            (phone, choices, time.time()),
        )

    def load_options(self, phone: str, max_age: float = OPTIONS_MAX_AGE_SECONDS) -> List[SmsOption]:
        row = self._read_one(
            "SELECT choices FROM options WHERE phone = ? AND saved_at >= ?",
            (phone, time.time() - max_age),
        )
        if row is None:
            return []
        try:
            return [SmsOption(str(title), str(payload)) for title, payload in json.loads(row[0])]
        except (ValueError, TypeError):
            return []

    def clear_options(self, phone: str) -> None:
        self._write("DELETE FROM options WHERE phone = ?", (phone,))

    # -- answered messages ----------------------------------------------------------
    def saved_reply(self, message_sid: str) -> Optional[str]:
        row = self._read_one("SELECT twiml FROM replies WHERE message_sid = ?", (message_sid,))
        return row[0] if row else None

    def save_reply(self, message_sid: str, twiml: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO replies (message_sid, twiml, saved_at) VALUES (?, ?, ?)",
            (message_sid, twiml, time.time()),
        )

    # -- missed-call text-backs --------------------------------------------------------
    def claim_text_back(self, phone: str, every_seconds: float) -> bool:
        """Reserve a text-back to `phone`: False when one was sent less than `every_seconds` ago.

        One statement, so two calls at the same moment cannot both win.
        """
        now = time.time()
        return (
            self._write(
                "INSERT INTO text_backs (phone, sent_at) VALUES (?, ?) "
                "ON CONFLICT (phone) DO UPDATE SET sent_at = excluded.sent_at WHERE text_backs.sent_at <= ?",
                (phone, now, now - every_seconds),
            )
            == 1
        )

    def release_text_back(self, phone: str) -> None:
        """Undo a claim whose text could not be sent, so the next call may try again."""
        self._write("DELETE FROM text_backs WHERE phone = ?", (phone,))

    def prune(self) -> None:
        """Forget old options and replies (opt-outs are kept for good)."""
        now = time.time()
        conn = self._connect()
        try:
            with conn:
                conn.execute("DELETE FROM options WHERE saved_at < ?", (now - OPTIONS_MAX_AGE_SECONDS,))
                conn.execute("DELETE FROM replies WHERE saved_at < ?", (now - REPLIES_MAX_AGE_SECONDS,))
                conn.execute("DELETE FROM text_backs WHERE sent_at < ?", (now - TEXT_BACKS_MAX_AGE_SECONDS,))
                for table in ("options", "replies"):
                    conn.execute(
                        f"DELETE FROM {table} WHERE rowid NOT IN "
                        f"(SELECT rowid FROM {table} ORDER BY saved_at DESC LIMIT ?)",
                        (MAX_ROWS_KEPT,),
                    )
        finally:
            conn.close()
