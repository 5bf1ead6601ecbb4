"""RequestStore on a temporary SQLite file, and the spool when the database is down."""

import datetime as dt
import json
import re
import socket
import time

import pytest

import bot.requests.models as models_module
from bot.requests.models import REFERENCE_ALPHABET, BookingRequest, CallbackRequest, new_reference, normalize_reference
from bot.requests.store import RequestNotSaved, RequestStore, StoreUnavailable

PACIFIC = dt.timezone(dt.timedelta(hours=-7))
REFERENCE_PATTERN = re.compile(rf"^R[BC]-[{REFERENCE_ALPHABET}]{{5}}$")


def closed_loopback_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def store(tmp_path):
    with RequestStore(f"sqlite:///{tmp_path / 'requests.db'}", tmp_path / "spool") as s:
        yield s


def make_booking(name="Ana Ruiz", **extra):
    values = dict(
        name=name,
        phone="+1 503 555 0142",
        email="ana@example.com",
        requested_start=dt.datetime(2026, 6, 4, 17, 30, tzinfo=PACIFIC),
        requested_text="thursday after work, 5:30?",
        service_key="massage_60",
        include_glutes=True,
        note="tight left hip",
        prenatal_flag=True,
        channel="socketio",
        sender_id="web-123",
    )
    values.update(extra)
    return BookingRequest(**values)


def make_callback(name="Sam Lee", **extra):
    values = dict(
        name=name,
        phone="503-555-0177",
        best_time="weekday mornings",
        question="Is it safe with a recent knee surgery?",
        channel="twilio",
        sender_id="+15035550177",
        transcript="client: can someone call me\nbot: of course",
    )
    values.update(extra)
    return CallbackRequest(**values)


def test_booking_round_trips_every_field(store):
    booking = make_booking()
    result = store.save(booking)

    assert result.stored is True
    assert REFERENCE_PATTERN.match(result.reference)
    assert result.reference.startswith("RB-")
    assert booking.reference == result.reference

    (loaded,) = store.list_requests()
    assert loaded == booking  # same fields; datetimes compare as instants
    assert loaded.requested_start.utcoffset() is not None
    assert loaded.requested_start == dt.datetime(2026, 6, 5, 0, 30, tzinfo=dt.timezone.utc)
    assert loaded.created_at.tzinfo is not None
    assert loaded.status == "pending" and loaded.handled_at is None


def test_callback_round_trips_with_transcript(store):
    callback = make_callback()
    result = store.save(callback)

    assert result.stored and result.reference.startswith("RC-")
    loaded = store.get(result.reference)
    assert isinstance(loaded, CallbackRequest)
    assert loaded.transcript == "client: can someone call me\nbot: of course"
    assert loaded.question == callback.question
    assert loaded.best_time == "weekday mornings"


def test_booking_without_a_parsed_time_keeps_the_clients_words(store):
    booking = make_booking(requested_start=None, requested_text="sometime next week", include_glutes=None)
    store.save(booking)
    (loaded,) = store.list_requests()
    assert loaded.requested_start is None
    assert loaded.requested_text == "sometime next week"
    assert loaded.include_glutes is None


def test_list_filters_by_status_and_kind_oldest_first(store):
    start = dt.datetime(2026, 5, 1, 9, tzinfo=dt.timezone.utc)
    first = make_booking("First", created_at=start)
    second = make_callback("Second", created_at=start + dt.timedelta(minutes=5))
    third = make_booking("Third", created_at=start + dt.timedelta(minutes=10))
    for request in (third, first, second):
        store.save(request)
    store.mark_handled(third.reference)

    assert [r.name for r in store.list_requests()] == ["First", "Second"]
    assert [r.name for r in store.list_requests("handled")] == ["Third"]
    assert [r.name for r in store.list_requests("all")] == ["First", "Second", "Third"]
    assert [r.name for r in store.list_requests("all", kind="booking")] == ["First", "Third"]
    assert [r.name for r in store.list_requests(kind="callback")] == ["Second"]
    with pytest.raises(ValueError):
        store.list_requests("done")
    with pytest.raises(ValueError):
        store.list_requests(kind="sms")


def test_mark_handled(store):
    reference = store.save(make_booking()).reference

    assert store.mark_handled(reference.lower().replace("-", "")) is True
    handled = store.get(reference)
    assert handled.status == "handled"
    assert handled.handled_at is not None
    assert store.list_requests() == []

    # Marking again keeps the first time it was handled.
    assert store.mark_handled(reference) is True
    assert store.get(reference).handled_at == handled.handled_at

    assert store.mark_handled("RB-ZZZZZ") is False


def test_references_are_phone_friendly():
    for _ in range(300):
        reference = new_reference("booking")
        assert REFERENCE_PATTERN.match(reference)
        assert not set(reference[3:]) & set("0O1I")
    assert new_reference("callback").startswith("RC-")
    assert normalize_reference(" rb 7k3q9 ") == "RB-7K3Q9"
    assert normalize_reference("rc-7k3q9") == "RC-7K3Q9"


def test_reference_clash_gets_a_fresh_code(store, monkeypatch):
    codes = iter(["AAAAA", "AAAAA", "BBBBB"])
    monkeypatch.setattr(models_module, "_random_code", lambda: next(codes))

    first = store.save(make_booking("One"))
    second = store.save(make_booking("Two"))

    assert first.reference == "RB-AAAAA"
    assert second.reference == "RB-BBBBB"
    assert second.stored
    assert {r.name for r in store.list_requests()} == {"One", "Two"}


def test_saving_the_same_request_twice_does_not_duplicate(store):
    booking = make_booking()
    reference = store.save(booking).reference
    again = store.save(booking)
    assert again.reference == reference and again.stored
    assert len(store.list_requests("all")) == 1


def test_tables_are_created_on_first_use_not_before(tmp_path):
    db_file = tmp_path / "lazy.db"
    lazy = RequestStore(f"sqlite:///{db_file}", tmp_path / "spool")
    assert not db_file.exists()
    assert lazy.list_requests() == []
    assert db_file.exists()
    lazy.close()


def test_url_and_spool_dir_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("BOT_SPOOL_DIR", str(tmp_path / "env-spool"))
    from_env = RequestStore()
    assert from_env.url == f"sqlite:///{tmp_path / 'env.db'}"
    assert from_env.spool_dir == tmp_path / "env-spool"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        make_booking(requested_start=dt.datetime(2026, 6, 4, 17, 30))
    with pytest.raises(ValueError):
        make_callback(created_at=dt.datetime(2026, 6, 4, 17, 30))


# -- the database is down ------------------------------------------------------------

UNREACHABLE = {
    "sqlite-missing-dir": lambda tmp_path: f"sqlite:///{tmp_path / 'no-such-dir' / 'sub' / 'requests.db'}",
    "postgres-closed-port": lambda tmp_path: (
        f"postgresql+psycopg2://bot:secret@127.0.0.1:{closed_loopback_port()}/requests"
    ),
}


@pytest.fixture(params=sorted(UNREACHABLE))
def down_store(request, tmp_path):
    with RequestStore(UNREACHABLE[request.param](tmp_path), tmp_path / "spool") as s:
        yield s


def test_requests_are_spooled_when_the_database_is_down_then_flushed_once(down_store, tmp_path):
    requests = [make_booking("Ana"), make_callback("Sam"), make_booking("Kim", requested_start=None)]
    started = time.monotonic()
    results = [down_store.save(r) for r in requests]
    assert time.monotonic() - started < 10  # a dead database fails fast

    assert all(result.stored is False for result in results)
    references = [result.reference for result in results]
    assert all(REFERENCE_PATTERN.match(ref) for ref in references)
    assert len(set(references)) == 3
    spooled = {p.stem for p in down_store.spooled_files()}
    assert spooled == set(references)
    # No half-written temp files left behind, and each file is complete JSON.
    assert sorted(p.name for p in down_store.spool_dir.iterdir()) == sorted(f"{r}.json" for r in references)
    for path in down_store.spooled_files():
        assert json.loads(path.read_text())["request"]["reference"] == path.stem
    with pytest.raises(StoreUnavailable):
        down_store.list_requests()

    with RequestStore(f"sqlite:///{tmp_path / 'working.db'}", down_store.spool_dir) as working:
        assert working.flush_spool() == 3
        assert working.spooled_files() == []
        stored = {r.reference: r for r in working.list_requests()}
        assert set(stored) == set(references)
        for original in requests:
            assert stored[original.reference] == original

        # A crash after the insert but before the file was removed: flushing
        # the same file again must not duplicate the request.
        working._spool(requests[0])
        assert working.flush_spool() == 0
        assert working.spooled_files() == []
        assert len(working.list_requests("all")) == 3


def test_save_flushes_the_spool_first(down_store, tmp_path):
    spooled = down_store.save(make_callback("Waiting")).reference

    with RequestStore(f"sqlite:///{tmp_path / 'working.db'}", down_store.spool_dir) as working:
        fresh = working.save(make_booking("Fresh"))
        assert fresh.stored
        assert {r.reference for r in working.list_requests()} == {spooled, fresh.reference}
        assert working.spooled_files() == []


def test_an_unreadable_spool_file_is_set_aside_not_blocking(tmp_path):
    spool = tmp_path / "spool"
    with RequestStore(f"sqlite:///{tmp_path / 'missing' / 'x.db'}", spool) as down:
        good = down.save(make_booking()).reference
    (spool / "RB-AAAAA.json").write_text("{not json")

    with RequestStore(f"sqlite:///{tmp_path / 'working.db'}", spool) as working:
        assert working.flush_spool() == 1
        assert working.get(good) is not None
        assert [p.name for p in working.problem_files()] == ["RB-AAAAA.bad"]
        assert working.spooled_files() == []


def test_spooled_requests_can_be_read_while_the_database_is_down(down_store):
    reference = down_store.save(make_callback("Sam")).reference
    (waiting,) = down_store.spooled_requests()
    assert waiting.reference == reference and waiting.name == "Sam"


def test_when_the_spool_also_fails_the_caller_is_told(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with RequestStore(f"sqlite:///{tmp_path / 'missing' / 'x.db'}", blocker / "spool") as broken:
        with pytest.raises(RequestNotSaved):
            broken.save(make_booking())


# -- staff fields and the schema migration ----------------------------------------------------


def test_staff_fields_handled_by_called_back_and_note(store, pinned_clock):
    pinned_clock("2026-06-01T09:00:00-07:00")
    reference = store.save(make_callback()).reference
    assert store.mark_called_back(reference) and store.set_staff_note(reference, "left a voicemail")
    pinned_clock("2026-06-01T10:00:00-07:00")
    assert store.mark_called_back(reference)  # the first call back is kept
    assert store.mark_handled(reference, by="maya")
    assert store.mark_handled(reference, by="daniel")  # and the first handler
    got = store.get(reference)
    assert got.called_back_at == dt.datetime(2026, 6, 1, 16, 0, tzinfo=dt.timezone.utc)
    assert (got.status, got.handled_by, got.staff_note) == ("handled", "maya", "left a voicemail")
    assert not store.mark_called_back("RC-ZZZZZ") and not store.set_staff_note("RC-ZZZZZ", "x")
    with pytest.raises(ValueError):
        store.set_staff_note(reference, "x" * 2001)
    assert store.get(reference).staff_note == "left a voicemail"
    assert store.counts() == {("callback", "handled"): 1}


def test_newest_first(store, pinned_clock):
    pinned_clock("2026-06-01T09:00:00-07:00")
    first = store.save(make_booking("First")).reference
    pinned_clock("2026-06-01T09:05:00-07:00")
    second = store.save(make_booking("Second")).reference
    assert [r.reference for r in store.list_requests(newest_first=True)] == [second, first]


def test_a_database_from_before_the_staff_fields_gets_them_and_keeps_its_rows(tmp_path):
    import sqlalchemy as sa

    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # the table as the first release created it
        conn.execute(
            sa.text(
                "CREATE TABLE client_requests (reference VARCHAR(16) PRIMARY KEY, kind VARCHAR(16) NOT NULL, "
                "status VARCHAR(16) NOT NULL, created_at DATETIME NOT NULL, handled_at DATETIME, name TEXT NOT NULL, "
                "phone TEXT, email TEXT, channel TEXT, sender_id TEXT, requested_start DATETIME, requested_text TEXT, "
                "service_key TEXT, include_glutes BOOLEAN, note TEXT, prenatal_flag BOOLEAN, best_time TEXT, "
                "question TEXT, transcript TEXT)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO client_requests (reference, kind, status, created_at, name, phone) "
                "VALUES ('RC-23456', 'callback', 'pending', '2026-05-01 10:00:00', 'Old Row', '503 555 0100')"
            )
        )
    engine.dispose()
    with RequestStore(f"sqlite:///{path}", tmp_path / "spool") as store:
        old = store.get("RC-23456")
        assert (old.name, old.staff_note, old.handled_by, old.called_back_at) == ("Old Row", "", "", None)
        assert store.set_staff_note("RC-23456", "called, no answer")
    with RequestStore(f"sqlite:///{path}", tmp_path / "spool") as again:  # a second start changes nothing
        assert again.get("RC-23456").staff_note == "called, no answer"
    columns = {c["name"] for c in sa.inspect(sa.create_engine(f"sqlite:///{path}")).get_columns("client_requests")}
    assert {"handled_by", "called_back_at", "staff_note"} <= columns


def test_old_spool_files_without_staff_fields_still_load(tmp_path):
    from bot.requests.models import request_from_json

    data = {"kind": "booking", "reference": "RB-23456", "created_at": "2026-05-01T10:00:00+00:00", "name": "Ana"}
    request = request_from_json(data)
    assert (request.staff_note, request.called_back_at) == ("", None)
