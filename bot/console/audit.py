"""The audit log: who did what to which request or conversation, and when.

One row per staff action in the table `staff_audit` of the request database.
Details never hold a password; client text is kept short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa

from bot.conversations.database import engine_with
from bot.practice import clock
from bot.requests.store import UtcDateTime, default_url

MAX_DETAIL_CHARS = 300

metadata = sa.MetaData()
audit_table = sa.Table(
    "staff_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime(), nullable=False, index=True),
    sa.Column("staff", sa.Text(), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.Text()),
    sa.Column("detail", sa.Text()),
)


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    staff: str
    action: str
    target: str
    detail: str


class AuditLog:
    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or default_url()

    def _engine(self):
        return engine_with(metadata, self.url)

    def record(self, staff: str, action: str, target: str = "", detail: str = "") -> None:
        detail = " ".join(str(detail).split())
        if len(detail) > MAX_DETAIL_CHARS:
            detail = detail[: MAX_DETAIL_CHARS - 3] + "..."
        with self._engine().begin() as conn:
            conn.execute(
                audit_table.insert().values(at=clock.now(), staff=staff, action=action, target=target, detail=detail)
            )

    def recent(self, limit: int = 200, target: Optional[str] = None) -> List[AuditEntry]:
        query = sa.select(audit_table).order_by(audit_table.c.id.desc()).limit(limit)
        if target is not None:
            query = query.where(audit_table.c.target == target)
        with self._engine().connect() as conn:
            return [
                AuditEntry(row.at, row.staff, row.action, row.target or "", row.detail or "")
                for row in conn.execute(query)
            ]
