"""Durable storage for booking, callback and change requests.

A client who asks for a booking or a callback is given a reference code, and
the request must reach the staff even when the database is down. So save()
writes to the database before it returns, and when that fails it writes the
request to a spool folder (one JSON file per request, fsync'd and renamed into
place) that flush_spool() later moves into the database.

Works on SQLite and PostgreSQL through SQLAlchemy 1.4 Core. The database URL
comes from the argument, else BOT_DATABASE_URL, else var/requests.db.

Schema changes: a column added to `requests_table` below and named in
ADDED_COLUMNS is added to an existing database on first use
(_add_missing_columns): nullable, no default, so older rows read as "not set".
Columns are never renamed or dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, SQLAlchemyError, StatementError

from bot.paths import VAR_DIR
from bot.practice import clock
from bot.requests.models import (
    REQUEST_TYPES,
    STAFF_NOTE_MAX_CHARS,
    STATUSES,
    ClientRequest,
    SaveResult,
    new_reference,
    normalize_reference,
    request_from_json,
    request_of_kind,
    request_to_json,
    require_aware,
)

log = logging.getLogger(__name__)

DATABASE_URL_ENV = "BOT_DATABASE_URL"
SPOOL_DIR_ENV = "BOT_SPOOL_DIR"

CONNECT_TIMEOUT_SECONDS = 3
STATEMENT_TIMEOUT_MS = 5000
_SPOOL_FORMAT_VERSION = 1


class StoreUnavailable(RuntimeError):
    """The database could not be reached or refused the operation."""


class RequestNotSaved(RuntimeError):
    """Neither the database nor the spool could take the request.

    The caller should tell the client to phone the practice instead.
    """


# -- schema ------------------------------------------------------------------------


class UtcDateTime(sa.types.TypeDecorator):
    """Stores aware datetimes as naive UTC, returns aware UTC.

    The same on every backend; SQLite has no time zone type.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        require_aware(value, "datetime column")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


metadata = sa.MetaData()

requests_table = sa.Table(
    "client_requests",
    metadata,
    sa.Column("reference", sa.String(16), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, default="pending"),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("handled_at", UtcDateTime(), nullable=True),
    # Free text is Text, not String(n): PostgreSQL would reject an overlong
    # phone number a client typed, and the request must not bounce.
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("phone", sa.Text()),
    sa.Column("email", sa.Text()),
    sa.Column("channel", sa.Text()),
    sa.Column("sender_id", sa.Text()),
    # booking
    sa.Column("requested_start", UtcDateTime()),
    sa.Column("requested_text", sa.Text()),
    sa.Column("service_key", sa.Text()),
    sa.Column("include_glutes", sa.Boolean(create_constraint=False)),
    sa.Column("note", sa.Text()),
    sa.Column("prenatal_flag", sa.Boolean(create_constraint=False)),
    sa.Column("needs_clearance", sa.Boolean(create_constraint=False)),
    sa.Column("clearance_reason", sa.Text()),
    # callback
    sa.Column("best_time", sa.Text()),
    sa.Column("question", sa.Text()),
    sa.Column("transcript", sa.Text()),
    # staff (added later: see _add_missing_columns)
    sa.Column("handled_by", sa.Text()),
    sa.Column("called_back_at", UtcDateTime()),
    sa.Column("staff_note", sa.Text()),
    # change (cancel, move, running late): which booking it is about (added later too)
    sa.Column("change_kind", sa.Text()),
    sa.Column("about_reference", sa.Text()),
    sa.Index("ix_client_requests_status_created", "status", "created_at"),
)

# Columns added after the first release. A database made before them gets them
# on first use, nullable and empty, so old rows read as "no note, not called back".
ADDED_COLUMNS = (
    "handled_by",
    "called_back_at",
    "staff_note",
    # the clearance flag on bookings, and change requests (issue 15)
    "needs_clearance",
    "clearance_reason",
    "change_kind",
    "about_reference",
)


def _add_missing_columns(engine: Engine) -> List[str]:
    """ALTER TABLE ... ADD COLUMN for each column in ADDED_COLUMNS the table lacks.

    Safe to run from several processes at once: a column another process added
    meanwhile is not an error. Returns the names added here.
    """
    added = []
    for name in ADDED_COLUMNS:
        present = {column["name"] for column in sa.inspect(engine).get_columns(requests_table.name)}
        if name in present:
            continue
        column = requests_table.c[name]
        ddl = f"ALTER TABLE {requests_table.name} ADD COLUMN {name} {column.type.compile(dialect=engine.dialect)}"
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(ddl))
            added.append(name)
        except SQLAlchemyError:
            present = {column["name"] for column in sa.inspect(engine).get_columns(requests_table.name)}
            if name not in present:
                raise
    if added:
        log.info("request database: added column(s) %s", ", ".join(added))
    return added


def _row_values(request: ClientRequest) -> Dict[str, Any]:
    values = {f.name: getattr(request, f.name) for f in dataclasses.fields(request)}
    values["kind"] = request.kind
    return values


def _request_from_row(row: Any) -> ClientRequest:
    mapping = row._mapping
    cls = REQUEST_TYPES[mapping["kind"]]
    return request_of_kind(mapping["kind"], {f.name: mapping[f.name] for f in dataclasses.fields(cls)})


# -- the store ---------------------------------------------------------------------


def default_url() -> str:
    """BOT_DATABASE_URL, else the SQLite file var/requests.db."""
    return _default_url()


def _default_url() -> str:
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'requests.db'}"


def engine_for(url_text: str) -> Engine:
    """An engine with short timeouts and hidden parameters (also for the console's tables)."""
    return _engine_for(url_text)


def _engine_for(url_text: str) -> Engine:
    # Hosting services often hand out postgres://, which SQLAlchemy 1.4 refuses.
    if url_text.startswith("postgres://"):
        url_text = "postgresql://" + url_text[len("postgres://") :]
    url = make_url(url_text)
    backend = url.get_backend_name()
    connect_args: Dict[str, Any] = {}
    if backend == "postgresql" and url.get_driver_name() == "psycopg2":
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        connect_args["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    elif backend == "mysql":
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    elif backend == "sqlite":
        connect_args["timeout"] = CONNECT_TIMEOUT_SECONDS  # wait for a locked file, briefly
    options: Dict[str, Any] = {}
    if backend != "sqlite":
        options["pool_timeout"] = CONNECT_TIMEOUT_SECONDS
    return sa.create_engine(
        url,
        future=True,
        pool_pre_ping=True,
        hide_parameters=True,  # error messages must not carry clients' phone numbers
        connect_args=connect_args,
        **options,
    )


def _fsync_directory(path: Path) -> None:
    """Make a rename inside `path` survive a power cut (no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class RequestStore:
    """Saves, lists and marks booking and callback requests.

    Safe to share between threads. Calls block for at most a few seconds when
    the database is down; from async code run them in an executor.
    """

    def __init__(self, url: Optional[str] = None, spool_dir: Optional[Path] = None):
        self.url = url or _default_url()
        if spool_dir is not None:
            self.spool_dir = Path(spool_dir)
        elif os.environ.get(SPOOL_DIR_ENV):
            self.spool_dir = Path(os.environ[SPOOL_DIR_ENV])
        else:
            self.spool_dir = VAR_DIR / "spool"
        self._engine: Optional[Engine] = None
        self._tables_ready = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        try:
            safe_url = make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # a malformed URL; don't risk printing a password
            safe_url = "(unparseable URL)"
        return f"RequestStore(url={safe_url!r}, spool_dir={str(self.spool_dir)!r})"

    # -- connection ---------------------------------------------------------------
    def _ready_engine(self) -> Engine:
        """The engine, with tables created on first use. Raises SQLAlchemyError."""
        with self._lock:
            if self._engine is None:
                self._engine = _engine_for(self.url)
            if not self._tables_ready:
                metadata.create_all(self._engine, checkfirst=True)
                _add_missing_columns(self._engine)
                self._tables_ready = True
            return self._engine

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None
            self._tables_ready = False

    def __enter__(self) -> RequestStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- saving -----------------------------------------------------------------------
    def save(self, request: ClientRequest) -> SaveResult:
        """Store a request and return its reference (also set on request.reference).

        stored=False means the database was unavailable and the request is
        safe in the spool. Raises RequestNotSaved only if the spool failed too.
        Saving a request whose reference is already stored changes nothing.
        """
        database_up = True
        try:
            self.flush_spool()
        except StoreUnavailable:
            database_up = False  # skip a second slow attempt; go straight to the spool
        except Exception:  # a flush problem must never cost this client's request
            log.exception("flushing the request spool failed")

        generated = not request.reference
        if generated:
            request.reference = self._unused_reference(request.kind)
        else:
            request.reference = normalize_reference(request.reference)

        if database_up:
            try:
                self._insert(request, new_reference_on_clash=generated)
                return SaveResult(request.reference, stored=True)
            except Exception as exc:  # whatever went wrong, the spool keeps the request
                log.warning("could not store request %s (%s); spooling it", request.reference, _describe(exc))
        try:
            self._spool(request)
        except OSError as exc:
            log.error("could not spool request %s: %s", request.reference, exc)
            raise RequestNotSaved(f"request {request.reference} could not be stored") from exc
        return SaveResult(request.reference, stored=False)

    def _unused_reference(self, kind: str) -> str:
        # The database enforces uniqueness; the spool is checked here because
        # it has no constraint of its own.
        for _ in range(100):
            reference = new_reference(kind)
            if not (self.spool_dir / f"{reference}.json").exists():
                return reference
        raise RuntimeError("could not find an unused reference")

    def _insert(self, request: ClientRequest, new_reference_on_clash: bool) -> bool:
        """Insert; False if this request is already stored. Raises SQLAlchemyError."""
        engine = self._ready_engine()
        for _ in range(20):
            try:
                with engine.begin() as conn:
                    conn.execute(requests_table.insert().values(**_row_values(request)))
                return True
            except IntegrityError:
                with engine.connect() as conn:
                    existing = _fetch(conn, request.reference)
                if existing is None:
                    raise  # a real constraint problem, not a reference clash
                if not new_reference_on_clash or _same_request(existing, request):
                    return False
                old = request.reference
                request.reference = self._unused_reference(request.kind)
                log.warning("reference %s was taken; using %s", old, request.reference)
        raise RuntimeError("could not find an unused reference")

    def _spool(self, request: ClientRequest) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True, mode=0o700)  # holds contact details
        payload = {"version": _SPOOL_FORMAT_VERSION, "request": request_to_json(request)}
        data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
        # Write a temp file and rename it: a crash never leaves half a request
        # under a real name.
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.spool_dir)
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, self.spool_dir / f"{request.reference}.json")
        except BaseException:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
            raise
        _fsync_directory(self.spool_dir)

    # -- spool -------------------------------------------------------------------------
    def spooled_files(self) -> List[Path]:
        """Requests waiting in the spool, sorted by file name."""
        if not self.spool_dir.is_dir():
            return []
        return sorted(p for p in self.spool_dir.glob("*.json") if not p.name.startswith("."))

    def spooled_requests(self) -> List[ClientRequest]:
        """The requests waiting in the spool (readable files only), oldest first."""
        found = []
        for path in self.spooled_files():
            try:
                found.append(request_from_json(json.loads(path.read_text(encoding="utf-8"))["request"]))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return sorted(found, key=lambda r: r.created_at)

    def problem_files(self) -> List[Path]:
        """Spool files that could not be read or stored (*.bad); a person must look."""
        if not self.spool_dir.is_dir():
            return []
        return sorted(self.spool_dir.glob("*.bad"))

    def flush_spool(self) -> int:
        """Move spooled requests into the database; returns how many were added.

        A request already in the database (for example after a crash between
        the insert and the file removal) is not added twice. A file that cannot
        be read, or a request the database rejects as invalid, is renamed *.bad
        so it does not block the others.
        Raises StoreUnavailable if the database cannot be reached.
        """
        files = self.spooled_files()
        if not files:
            return 0
        added = 0
        for path in files:
            try:
                payload = json.loads(path.read_text(encoding="utf-8"))
                request = request_from_json(payload["request"])
            except FileNotFoundError:
                continue  # another process flushed it meanwhile
            except (ValueError, KeyError, TypeError) as exc:
                self._set_aside(path, f"unreadable: {exc}")
                continue
            try:
                if self._insert(request, new_reference_on_clash=True):
                    added += 1
            except SQLAlchemyError as exc:
                if _is_bad_data(exc):
                    self._set_aside(path, _describe(exc))
                    continue
                raise StoreUnavailable(f"database unavailable: {_describe(exc)}") from exc
            try:
                path.unlink()
            except FileNotFoundError:
                pass
        if added:
            log.info("moved %d spooled request(s) into the database", added)
        return added

    def _set_aside(self, path: Path, why: str) -> None:
        bad = path.with_suffix(".bad")
        log.error("spool file %s cannot be stored (%s); renamed to %s", path.name, why, bad.name)
        try:
            path.replace(bad)
        except FileNotFoundError:
            pass

    # -- reading and updating ---------------------------------------------------------
    def get(self, reference: str) -> Optional[ClientRequest]:
        """The request with this reference (any status), or None."""
        with self._connect() as conn:
            return _fetch(conn, normalize_reference(reference))

    def list_requests(
        self,
        status: str = "pending",
        kind: Optional[str] = None,
        newest_first: bool = False,
        sender_id: Optional[str] = None,
    ) -> List[ClientRequest]:
        """Requests oldest first (newest first if asked). status: pending, handled or all;
        kind: booking, callback, change or None; sender_id: only that conversation's."""
        if status not in (*STATUSES, "all"):
            raise ValueError(f"status must be pending, handled or all, got {status!r}")
        if kind is not None and kind not in REQUEST_TYPES:
            raise ValueError(f"kind must be booking, callback, change or None, got {kind!r}")
        order = (requests_table.c.created_at, requests_table.c.reference)
        if newest_first:
            order = tuple(column.desc() for column in order)
        query = sa.select(requests_table).order_by(*order)
        if status != "all":
            query = query.where(requests_table.c.status == status)
        if kind is not None:
            query = query.where(requests_table.c.kind == kind)
        if sender_id is not None:
            query = query.where(requests_table.c.sender_id == sender_id)
        with self._connect() as conn:
            rows = conn.execute(query).all()
        return [_request_from_row(row) for row in rows]

    def requests_from(
        self,
        channel: str,
        sender_id: str = "",
        phone: Optional[str] = None,
        kinds: Sequence[str] = ("booking", "change"),
    ) -> List[ClientRequest]:
        """One client's own requests, oldest first, the spooled ones included.

        Theirs means: made in this same conversation (channel and sender id),
        or, when `phone` is given, with that phone number. Give `phone` only
        where the channel vouches for it (a signed SMS from that number).
        """
        table = requests_table
        mine = [sa.and_(table.c.channel == channel, table.c.sender_id == sender_id)] if sender_id else []
        if phone:
            mine.append(table.c.phone == phone)
        if not mine:
            return []
        query = sa.select(table).where(sa.or_(*mine), table.c.kind.in_(list(kinds)))
        with self._connect() as conn:
            found = {r.reference: r for r in (_request_from_row(row) for row in conn.execute(query).all())}
        for request in self.spooled_requests():
            same_conversation = sender_id and (request.channel, request.sender_id) == (channel, sender_id)
            if request.kind in kinds and (same_conversation or (phone and request.phone == phone)):
                found.setdefault(request.reference, request)
        return sorted(found.values(), key=lambda r: (r.created_at, r.reference))

    def mark_handled(self, reference: str, by: str = "") -> bool:
        """Mark a request handled; False if no request has that reference.

        A request that was already handled keeps its first handled_at (and who).
        """
        table = requests_table
        return self._update_once(
            reference, table.c.status == "pending", status="handled", handled_at=clock.now(), handled_by=by
        )

    def mark_called_back(self, reference: str) -> bool:
        """Record that staff called the client back; False if no request has that reference.

        The first call back is kept: marking it again changes nothing.
        """
        return self._update_once(reference, requests_table.c.called_back_at.is_(None), called_back_at=clock.now())

    def set_staff_note(self, reference: str, note: str) -> bool:
        """Replace the staff note; False if no request has that reference."""
        if len(note) > STAFF_NOTE_MAX_CHARS:
            raise ValueError(f"a staff note holds at most {STAFF_NOTE_MAX_CHARS} characters")
        return self._update_once(reference, sa.true(), staff_note=note)

    def _update_once(self, reference: str, condition: Any, **values: Any) -> bool:
        """Set `values` on the request where `condition` holds; True if the request exists."""
        reference = normalize_reference(reference)
        table = requests_table
        update = table.update().where(table.c.reference == reference, condition).values(**values)
        exists = sa.select(table.c.reference).where(table.c.reference == reference)
        with self._connect() as conn:
            if conn.execute(update).rowcount:
                conn.commit()
                return True
            return conn.execute(exists).first() is not None

    def counts(self) -> Dict[Tuple[str, str], int]:
        """How many requests there are of each (kind, status)."""
        table = requests_table
        query = sa.select(table.c.kind, table.c.status, sa.func.count()).group_by(table.c.kind, table.c.status)
        with self._connect() as conn:
            return {(kind, status): count for kind, status, count in conn.execute(query)}

    def _connect(self):
        try:
            engine = self._ready_engine()
            return _ErrorTranslatingConnection(engine.connect())
        except SQLAlchemyError as exc:
            raise StoreUnavailable(f"database unavailable: {_describe(exc)}") from exc


class _ErrorTranslatingConnection:
    """Context manager around a connection that turns SQLAlchemy errors into StoreUnavailable."""

    def __init__(self, conn: Any):
        self._conn = conn

    def __enter__(self) -> Any:
        return self._conn

    def __exit__(self, exc_type, exc, tb) -> None:
        self._conn.close()
        if exc is not None and isinstance(exc, SQLAlchemyError):
            raise StoreUnavailable(f"database unavailable: {_describe(exc)}") from exc


def _same_request(a: ClientRequest, b: ClientRequest) -> bool:
    """True when two records with one reference are the same client request."""
    return a.kind == b.kind and a.created_at == b.created_at and a.name == b.name


def _fetch(conn: Any, reference: str) -> Optional[ClientRequest]:
    query = sa.select(requests_table).where(requests_table.c.reference == reference)
    row = conn.execute(query).first()
    return _request_from_row(row) if row is not None else None


def _is_bad_data(exc: SQLAlchemyError) -> bool:
    """The database is up but rejects this one request (as opposed to being down)."""
    if isinstance(exc, (IntegrityError, DataError)):
        return True
    # A StatementError that is not a DBAPIError failed while binding our values.
    return isinstance(exc, StatementError) and not isinstance(exc, DBAPIError)


def _describe(exc: BaseException) -> str:
    """A one-line error description; parameters are hidden by the engine."""
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first_line}" if first_line else type(exc).__name__


_shared: Dict[str, RequestStore] = {}
_shared_lock = threading.Lock()


def shared_store() -> RequestStore:
    """One store (and one connection pool) per configured database URL.

    The action server handles many requests; a store per request would leave a
    connection pool behind each time. Re-reads BOT_DATABASE_URL so tests and
    deployments can point it elsewhere.
    """
    url = _default_url()
    with _shared_lock:
        if url not in _shared:
            _shared[url] = RequestStore(url)
        return _shared[url]
