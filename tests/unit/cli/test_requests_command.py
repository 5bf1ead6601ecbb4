"""The staff command `python -m bot requests`: table, --json, handle, show, spool."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

import bot.cli.requests_command as requests_command
from bot.cli.requests_command import main
from bot.requests.models import BookingRequest, CallbackRequest
from bot.requests.store import RequestStore

PRACTICE_TZ = ZoneInfo("America/Los_Angeles")
CREATED = dt.datetime(2026, 6, 1, 16, 5, tzinfo=dt.timezone.utc)
START = dt.datetime(2026, 6, 4, 0, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def env(tmp_path, monkeypatch):
    # Independent of whatever state practice/profile.yml is in.
    monkeypatch.setattr(requests_command, "practice_timezone", lambda: PRACTICE_TZ)
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'requests.db'}")
    monkeypatch.setenv("BOT_SPOOL_DIR", str(tmp_path / "spool"))
    return tmp_path


@pytest.fixture
def seeded(env):
    booking = BookingRequest(
        name="Ana Ruiz",
        phone="+1 503 555 0142",
        email="ana@example.com",
        requested_start=START,
        requested_text="wednesday 5:30pm",
        service_key="prenatal_60",
        include_glutes=True,
        note="sore hips, 30 weeks",
        prenatal_flag=True,
        channel="socketio",
        sender_id="web-1",
        created_at=CREATED,
    )
    callback = CallbackRequest(
        name="Sam Lee",
        phone="503-555-0177",
        best_time="mornings",
        question="Numb toes after a run, ok to book?",
        channel="twilio",
        sender_id="+15035550177",
        transcript="client: my toes go numb\nbot: please see a doctor first",
        created_at=CREATED + dt.timedelta(minutes=10),
    )
    with RequestStore() as store:
        store.save(booking)
        store.save(callback)
    return booking, callback


def local(moment, pattern="%Y-%m-%d %H:%M"):
    return moment.astimezone(PRACTICE_TZ).strftime(pattern)


def test_table_lists_pending_requests(seeded, capsys):
    booking, callback = seeded
    assert main([]) == 0
    out = capsys.readouterr().out
    header, rule, first, second = out.splitlines()[:4]

    for column in ("KIND", "REF", "CREATED", "NAME", "CONTACT", "WHEN", "NOTE / QUESTION", "PRENATAL"):
        assert column in header
    assert set(rule.replace(" ", "")) == {"-"}
    assert first.split()[:2] == ["booking", booking.reference]
    assert local(CREATED) in first
    assert "Ana Ruiz" in first and "+1 503 555 0142, ana@example.com" in first
    assert local(START, "%a %Y-%m-%d %H:%M") in first
    # Long notes are cut to keep one line per request; `show` has them whole.
    assert "prenatal_60; glutes: yes; sore hips,..." in first
    assert first.rstrip().endswith("YES")
    assert second.split()[:2] == ["callback", callback.reference]
    assert "mornings" in second and "Numb toes after a run" in second
    assert "2 pending requests." in out


def test_times_are_shown_in_the_practice_time_zone(seeded, capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "2026-06-01 09:05" in out  # 16:05 UTC is 09:05 in Portland (PDT)
    assert "Wed 2026-06-03 17:30" in out


def test_json_is_a_machine_readable_array(seeded, capsys):
    booking, callback = seeded
    assert main(["--json"]) == 0
    data = json.loads(capsys.readouterr().out)

    assert [item["reference"] for item in data] == [booking.reference, callback.reference]
    first = data[0]
    assert first["kind"] == "booking" and first["status"] == "pending"
    assert first["prenatal_flag"] is True and first["include_glutes"] is True
    assert dt.datetime.fromisoformat(first["created_at"]) == CREATED
    assert dt.datetime.fromisoformat(first["requested_start"]) == START
    assert first["handled_at"] is None
    assert data[1]["transcript"].startswith("client: my toes go numb")


def test_handle_marks_one_handled(seeded, capsys):
    booking, callback = seeded
    assert main(["handle", booking.reference.lower()]) == 0
    assert f"Marked {booking.reference}" in capsys.readouterr().out

    assert main(["--json"]) == 0
    assert [item["reference"] for item in json.loads(capsys.readouterr().out)] == [callback.reference]

    assert main(["--all", "--json"]) == 0
    statuses = {item["reference"]: item["status"] for item in json.loads(capsys.readouterr().out)}
    assert statuses == {booking.reference: "handled", callback.reference: "pending"}

    assert main(["--all"]) == 0
    assert "booking (handled)" in capsys.readouterr().out

    assert main(["handle", booking.reference]) == 0
    assert "already marked handled" in capsys.readouterr().out


def test_handle_an_unknown_reference_fails_clearly(seeded, capsys):
    assert main(["handle", "RB-ZZZZZ"]) == 1
    captured = capsys.readouterr()
    assert "No request with reference RB-ZZZZZ" in captured.err
    assert len(RequestStore().list_requests()) == 2


def test_kind_filter(seeded, capsys):
    assert main(["--kind", "callback", "--json"]) == 0
    assert [item["kind"] for item in json.loads(capsys.readouterr().out)] == ["callback"]


def test_show_prints_the_whole_request(seeded, capsys):
    _, callback = seeded
    assert main(["show", callback.reference]) == 0
    out = capsys.readouterr().out
    assert "Numb toes after a run, ok to book?" in out
    assert "client: my toes go numb\nbot: please see a doctor first" in out


def test_nothing_pending(env, capsys):
    assert main([]) == 0
    assert capsys.readouterr().out == "No pending requests.\n"
    assert main(["--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_spooled_requests_are_flushed_before_listing(env, capsys):
    with RequestStore(f"sqlite:///{env / 'missing-dir' / 'x.db'}") as down:
        reference = down.save(CallbackRequest(name="Kim", phone="503 555 0100", question="Call me")).reference

    assert main([]) == 0
    captured = capsys.readouterr()
    assert reference in captured.out
    assert "Moved 1 waiting request" in captured.err
    assert RequestStore().spooled_files() == []


def test_database_down_shows_what_waits_in_the_spool(env, monkeypatch, capsys):
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{env / 'missing-dir' / 'x.db'}")
    reference = RequestStore().save(CallbackRequest(name="Kim", phone="503 555 0100")).reference

    assert main([]) == 2
    captured = capsys.readouterr()
    assert "unreachable" in captured.err
    assert "1 request(s) are safe" in captured.err
    assert reference in captured.out


def test_usage_errors_return_an_exit_code(env, capsys):
    assert main(["--bogus"]) == 2
    assert "usage:" in capsys.readouterr().err
    assert main(["handle"]) == 2


def test_an_unreadable_profile_falls_back_to_the_machine_time_zone(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PRACTICE_PROFILE", str(tmp_path / "no-profile.yml"))
    assert requests_command.practice_timezone() == dt.datetime.now().astimezone().tzinfo
    assert "practice profile unreadable" in capsys.readouterr().err


def test_called_back_and_note_from_the_command_line(seeded, capsys):
    booking, callback = seeded
    assert main(["called-back", callback.reference]) == 0
    assert "as called back" in capsys.readouterr().out
    assert main(["called-back", callback.reference]) == 0
    assert "already marked called back" in capsys.readouterr().out
    assert main(["note", booking.reference, "  asked for Maya  "]) == 0
    assert main(["show", booking.reference]) == 0
    shown = capsys.readouterr().out
    assert "staff_note" in shown and "asked for Maya" in shown
    assert main(["note", "RB-ZZZZZ", "x"]) == 1
    assert main(["note", booking.reference, "x" * 3000]) == 1
    assert "at most 2000" in capsys.readouterr().err
    assert main(["--json"]) == 0
    data = {row["reference"]: row for row in json.loads(capsys.readouterr().out)}
    assert data[callback.reference]["called_back_at"] and data[booking.reference]["staff_note"] == "asked for Maya"
