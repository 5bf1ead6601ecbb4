"""A request database as an older version wrote it, to check the schema grows safely (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.requests.models import BookingRequest, ChangeRequest
from bot.requests.store import ADDED_COLUMNS, RequestStore, _add_missing_columns, requests_table

# client_requests as first released: before the staff fields, the clearance flag and change requests.
OLD_COLUMNS = [c.name for c in requests_table.columns if c.name not in ADDED_COLUMNS]
WHEN = dt.datetime(2024, 6, 16, 22, 0, tzinfo=dt.timezone.utc)


def write_old_database(url: str) -> None:
    """The table with only OLD_COLUMNS, holding one booking, as the previous version left it."""
    old = sa.MetaData()
    table = sa.Table(
        "client_requests", old, *(sa.Column(c.name, c.type, primary_key=c.primary_key) for c in requests_table.columns
                                  if c.name in OLD_COLUMNS)
    )  # fmt: skip
    engine = sa.create_engine(url, future=True)
    old.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            table.insert().values(
                reference="RB-OLD22",
                kind="booking",
                status="pending",
                created_at=WHEN,
                name="Old Client",
                phone="+14155550111",
                requested_start=WHEN,
                prenatal_flag=False,
            )
        )
    engine.dispose()


def check_upgrade(url: str) -> None:
    write_old_database(url)
    with RequestStore(url) as store:
        old = store.get("RB-OLD22")  # first use adds the new columns
        assert old.name == "Old Client" and old.needs_clearance is False and old.clearance_reason == ""
        store.save(
            BookingRequest(
                reference="RB-NEW33",
                name="New Client",
                needs_clearance=True,
                clearance_reason="a recent surgery or injury",
            )
        )
        store.save(ChangeRequest(change_kind="cancel", about_reference="RB-OLD22", name="Old Client"))
        assert store.get("RB-NEW33").needs_clearance is True
        kinds = [(r.kind, getattr(r, "about_reference", "")) for r in store.list_requests()]
        assert kinds == [("booking", ""), ("booking", ""), ("change", "RB-OLD22")]
        engine = sa.create_engine(url, future=True)
        try:
            assert _add_missing_columns(engine) == []  # a second process finds nothing to do
            columns = {c["name"] for c in sa.inspect(engine).get_columns("client_requests")}
            assert {"needs_clearance", "clearance_reason", "change_kind", "about_reference"} <= columns
        finally:
            engine.dispose()
