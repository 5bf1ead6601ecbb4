"""The one clock the assistant reads (UTC, timezone-aware): every "now" comes from `now()`.

Tests move it two ways, and production uses neither:
- in-process, `pin(moment)` (the `pinned_clock` fixture in tests/conftest.py);
- for running servers, BOT_TEST_CLOCK_FILE names a file holding an ISO time with
  an offset; an empty or missing file means the real clock.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Optional

CLOCK_FILE_ENV = "BOT_TEST_CLOCK_FILE"

_pinned: Optional[dt.datetime] = None


def pinned_time(path: Path) -> Optional[dt.datetime]:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{path}: the pinned time needs a UTC offset, e.g. 2026-12-01T10:00:00-08:00")
    return moment.astimezone(dt.timezone.utc)


def pin(moment: Optional[dt.datetime]) -> None:
    """Make `now()` return `moment` in this process (None: back to the real clock)."""
    global _pinned
    if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
        raise ValueError("a pinned moment needs a time zone")
    _pinned = None if moment is None else moment.astimezone(dt.timezone.utc)


def now() -> dt.datetime:
    if _pinned is not None:
        return _pinned
    clock_file = os.environ.get(CLOCK_FILE_ENV)
    if clock_file:
        pinned = pinned_time(Path(clock_file))
        if pinned is not None:
            return pinned
    return dt.datetime.now(dt.timezone.utc)
