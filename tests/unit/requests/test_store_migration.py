"""A database written before the clearance flag and change requests gains their columns on first use."""

from tests.store_migration_cases import check_upgrade


def test_an_older_sqlite_database_is_upgraded_in_place(tmp_path):
    check_upgrade(f"sqlite:///{tmp_path / 'requests.db'}")
