"""The staff tables' database: the request database (BOT_DATABASE_URL, else var/requests.db).

The console, the channels (inside Rasa) and the action server all reach it, so
state that staff set in the console (an assistant switched off, a human-only
conversation) is seen by the channels. One engine per URL per process.
"""

from __future__ import annotations

import threading
from typing import Dict, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.requests.store import default_url, engine_for

_engines: Dict[str, Engine] = {}
_ready: Dict[Tuple[str, int], bool] = {}
_lock = threading.Lock()


def engine_with(metadata: sa.MetaData, url: Optional[str] = None) -> Engine:
    """The shared engine for `url` (default: the request database), with `metadata`'s tables created."""
    url = url or default_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = engine_for(url)
        key = (url, id(metadata))
        if not _ready.get(key):
            metadata.create_all(engine, checkfirst=True)
            _ready[key] = True
        return engine


def forget(url: Optional[str] = None) -> None:
    """Drop the cached engine(s), e.g. after a test's database is deleted."""
    with _lock:
        for known in [url] if url else list(_engines):
            engine = _engines.pop(known, None)
            if engine is not None:
                engine.dispose()
            for key in [key for key in _ready if key[0] == known]:
                _ready.pop(key)
