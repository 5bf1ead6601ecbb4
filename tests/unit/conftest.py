"""Every unit test gets its own request database, so none writes to var/.

Tests that need a particular database set BOT_DATABASE_URL themselves (monkeypatch
wins over this, being set later).
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def private_request_database(tmp_path, monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'unit-requests.db'}")
    monkeypatch.setenv("BOT_SPOOL_DIR", str(tmp_path / "unit-spool"))
