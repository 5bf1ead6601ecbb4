"""Staff accounts for the console: names, argon2 password hashes, lockout after wrong passwords.

Kept in the table `staff_accounts` of the request database. `python -m bot staff
add NAME` / `staff remove NAME` manage them. After MAX_FAILURES wrong passwords
within FAILURE_WINDOW an account is locked for LOCKOUT; a right password does not
open a locked account before then (that is the point of a lockout).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError

from bot.conversations.database import engine_with
from bot.practice import clock
from bot.requests.store import UtcDateTime, default_url

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 256
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")

metadata = sa.MetaData()
accounts_table = sa.Table(
    "staff_accounts",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("password_hash", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("first_failure_at", UtcDateTime()),
    sa.Column("locked_until", UtcDateTime()),
    sa.Column("last_login_at", UtcDateTime()),
)

# Hashing costs ~50 ms by design; one hasher, its parameters argon2-cffi's defaults.
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """A name or password that cannot be used; the message says why."""


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    locked_until: Optional[dt.datetime] = None  # set when the account is locked

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name or ""):
        raise AccountError("a staff name is 1 to 40 letters, digits, dots, dashes or underscores, e.g. maya")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise AccountError(f"the password may have at most {MAX_PASSWORD_CHARS} characters")
    return password


class StaffAccounts:
    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or default_url()
        self._lock = threading.Lock()

    def _engine(self):
        return engine_with(metadata, self.url)

    def names(self) -> List[str]:
        with self._engine().connect() as conn:
            return [row.name for row in conn.execute(sa.select(accounts_table.c.name).order_by(accounts_table.c.name))]

    def exists(self, name: str) -> bool:
        query = sa.select(accounts_table.c.name).where(accounts_table.c.name == name)
        with self._engine().connect() as conn:
            return conn.execute(query).first() is not None

    def add(self, name: str, password: str) -> None:
        """Create an account; AccountError if the name is taken or the password too short."""
        check_name(name)
        digest = _hasher.hash(check_password(password))
        try:
            with self._engine().begin() as conn:
                conn.execute(
                    accounts_table.insert().values(name=name, password_hash=digest, created_at=clock.now(), failures=0)
                )
        except IntegrityError:
            raise AccountError(f"there is already a staff account called {name}") from None

    def set_password(self, name: str, password: str) -> bool:
        digest = _hasher.hash(check_password(password))
        table = accounts_table
        with self._engine().begin() as conn:
            return bool(
                conn.execute(
                    table.update()
                    .where(table.c.name == name)
                    .values(password_hash=digest, failures=0, first_failure_at=None, locked_until=None)
                ).rowcount
            )

    def remove(self, name: str) -> bool:
        with self._engine().begin() as conn:
            return bool(conn.execute(accounts_table.delete().where(accounts_table.c.name == name)).rowcount)

    def verify(self, name: str, password: str) -> LoginResult:
        """Check a login; counts a wrong password and locks the account after too many."""
        table = accounts_table
        now = clock.now()
        with self._engine().connect() as conn:
            row = conn.execute(sa.select(table).where(table.c.name == name)).first()
        if row is None:
            _verify_hash(_DUMMY_HASH, password)
            return LoginResult(False)
        if row.locked_until is not None and row.locked_until > now:
            return LoginResult(False, row.locked_until)
        if _verify_hash(row.password_hash, password):
            values = dict(failures=0, first_failure_at=None, locked_until=None, last_login_at=now)
            if _hasher.check_needs_rehash(row.password_hash):
                values["password_hash"] = _hasher.hash(password)
            with self._engine().begin() as conn:
                conn.execute(table.update().where(table.c.name == name).values(**values))
            return LoginResult(True)
        with self._lock, self._engine().begin() as conn:
            row = conn.execute(sa.select(table).where(table.c.name == name)).first()
            if row is None:
                return LoginResult(False)
            fresh = row.first_failure_at is None or now - row.first_failure_at > FAILURE_WINDOW
            failures = 1 if fresh else (row.failures or 0) + 1
            values = dict(failures=failures, first_failure_at=now if fresh else row.first_failure_at)
            locked_until = now + LOCKOUT if failures >= MAX_FAILURES else None
            if locked_until:
                values.update(locked_until=locked_until, failures=0, first_failure_at=None)
            conn.execute(table.update().where(table.c.name == name).values(**values))
        return LoginResult(False, locked_until)


def _verify_hash(digest: str, password: str) -> bool:
    if len(password) > MAX_PASSWORD_CHARS:
        return False
    try:
        return _hasher.verify(digest, password)
    except (VerificationError, InvalidHashError):
        return False
