"""The request database's schema upgrade on a real PostgreSQL server (Debian's postgresql)."""

from __future__ import annotations

import uuid

import pytest

from tests.live.scale.services import (
    POSTGRES_ACCOUNT,
    postgres_account_exists,
    postgres_bin_dir,
    postgres_server,
    running_as_root,
)
from tests.store_migration_cases import check_upgrade


def test_an_older_postgresql_database_is_upgraded_in_place():
    if postgres_bin_dir() is None or (running_as_root() and not postgres_account_exists()):
        pytest.skip(f"needs Debian's postgresql (initdb, pg_ctl and, under root, the '{POSTGRES_ACCOUNT}' account)")
    with postgres_server() as server:
        name = f"requests_{uuid.uuid4().hex[:8]}"
        server.create_database(name)
        check_upgrade(server.url(name))
