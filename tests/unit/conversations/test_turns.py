"""Transcripts read back from Rasa's SQL tracker store, with what staff should notice marked."""

import datetime as dt

import pytest

from bot.conversations.tracker_reader import TrackerReader, TrackerStoreNotSql, tracker_url_from_endpoints
from bot.conversations.turns import ASSISTANT, CLIENT, NOTE, STAFF, summaries, summarize, transcript
from tests.unit.conversations.tracker_files import (
    BASE,
    action,
    bot,
    handoff_conversation,
    resumed,
    stamped,
    user,
    write_conversations,
)


@pytest.fixture
def reader(tmp_path):
    url = write_conversations(
        tmp_path / "conversations.db",
        {
            "web-1": resumed(handoff_conversation()),
            "+15035550100": stamped(
                [
                    action("action_listen"),
                    user("r u open sat", "hours", 0.97, "sms"),
                    action("action_practice_answer"),
                    bot("We're open Saturday 10-4."),
                ],
                BASE + 86400,
            ),
        },
    )
    reader = TrackerReader(url)
    yield reader
    reader.close()


def test_marks_on_the_clients_messages(reader):
    turns = transcript(reader.events("web-1"))
    client = {t.text: t for t in turns if t.kind == CLIENT}
    assert client["does glute work help a stiff hip?"].marks == {"low_confidence"}
    assert client["my calf is swollen and hot"].marks == {"red_flag"}
    assert client["qwxz blorp"].marks == {"fallback", "low_confidence"}
    assert client["can I talk to a person"].marks == {"handoff"}
    assert client["can I talk to a person"].answered_by == ["action_handoff"]
    kinds = [t.kind for t in turns]
    assert kinds.count(ASSISTANT) == 4 and kinds.count(STAFF) == 1
    staff = next(t for t in turns if t.kind == STAFF)
    assert (staff.staff, staff.text) == ("maya", "Hi, it's Maya from the studio.")
    notes = [t.text for t in turns if t.kind == NOTE]
    assert notes == [
        "Handed over to a therapist",
        "The assistant paused itself: waiting for staff",
        "The assistant is back on",
    ]
    assert turns[0].at == dt.datetime.fromtimestamp(BASE + 15, tz=dt.timezone.utc)


def test_summary_flags_and_unanswered(reader):
    before_reply = summarize("web-1", reader.events("web-1")[:-3])
    assert before_reply.paused and before_reply.unanswered and before_reply.red_flag and before_reply.handoff
    assert before_reply.fallbacks == 1 and before_reply.channel == "socketio"
    assert before_reply.last_client_text == "<script>alert(1)</script> hello?"
    after = summarize("web-1", reader.events("web-1"))
    assert not after.paused and not after.unanswered
    by_sender = summaries(reader.events_between())
    assert set(by_sender) == {"web-1", "+15035550100"}
    sms = by_sender["+15035550100"]
    assert (sms.channel, sms.topics, sms.red_flag, sms.unanswered) == ("sms", ["hours"], False, False)


def test_search_and_recent(reader):
    assert reader.senders_matching("SWOLLEN") == ["web-1"]
    assert reader.senders_matching("555010") == ["+15035550100"]
    assert reader.recent_senders() == ["+15035550100", "web-1"]
    day_two = dt.datetime.fromtimestamp(BASE + 86400 - 60, tz=dt.timezone.utc)
    assert reader.recent_senders(start=day_two) == ["+15035550100"]
    assert reader.exists("web-1") and not reader.exists("nobody")
    assert reader.events("nobody") == []


def test_an_empty_tracker_store_reads_as_no_conversations(tmp_path):
    reader = TrackerReader(f"sqlite:///{tmp_path / 'none.db'}")
    assert reader.events("x") == [] and reader.recent_senders() == [] and reader.senders_matching("x") == []


def test_the_tracker_store_is_found_the_way_rasa_reads_endpoints(tmp_path, monkeypatch):
    sqlite = tmp_path / "endpoints.yml"
    sqlite.write_text('tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "var/conversations.db"\n')
    assert tracker_url_from_endpoints(sqlite).endswith("/var/conversations.db")
    monkeypatch.setenv("DB_USER", "rasa")
    monkeypatch.setenv("DB_PASSWORD", "s3cret")
    postgres = tmp_path / "pg.yml"
    postgres.write_text(
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: db.internal\n  port: 5433\n  db: rasa\n"
        '  username: "${DB_USER}"\n  password: "${DB_PASSWORD}"\n'
    )
    assert tracker_url_from_endpoints(postgres) == "postgresql://rasa:s3cret@db.internal:5433/rasa"
    memory = tmp_path / "memory.yml"
    memory.write_text("action_endpoint:\n  url: http://x\n")
    with pytest.raises(TrackerStoreNotSql):
        tracker_url_from_endpoints(memory)
