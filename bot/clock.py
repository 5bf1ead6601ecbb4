"""The one clock the assistant reads (UTC, timezone-aware).

End-to-end tests need the running action server to believe it is, say, a
Tuesday morning or a Sunday night. When BOT_TEST_CLOCK_FILE names a file that
holds an ISO time with an offset, that time is "now"; an empty or missing file
means the real clock. Production never sets the variable.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

CLOCK_FILE_ENV = "BOT_TEST_CLOCK_FILE"


def pinned_time(path: Path) -> dt.datetime | None:
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


def now() -> dt.datetime:
    clock_file = os.environ.get(CLOCK_FILE_ENV)
    if clock_file:
        pinned = pinned_time(Path(clock_file))
        if pinned is not None:
            return pinned
    return dt.datetime.now(dt.timezone.utc)
