"""Finding one client's own requests: their conversation, or their signed SMS number, never anyone else's."""

from __future__ import annotations

import datetime as dt

from bot.cli.requests_command import render_table
from bot.requests.models import BookingRequest, CallbackRequest, ChangeRequest
from bot.requests.store import RequestStore


def booking(reference, **values):
    return BookingRequest(reference=reference, name=values.pop("name", "Client"), **values)


def test_a_client_finds_only_their_own_requests(tmp_path):
    with RequestStore(f"sqlite:///{tmp_path / 'r.db'}", spool_dir=tmp_path / "spool") as store:
        store.save(booking("RB-AAAA2", phone="+14155550142", channel="sms", sender_id="+14155550142"))
        store.save(booking("RB-BBBB3", phone="+14155550142", channel="rest", sender_id="web-1"))  # same phone, web
        store.save(booking("RB-CCCC4", phone="+14155550199", channel="rest", sender_id="web-2"))
        store.save(CallbackRequest(reference="RC-DDDD5", name="Client", phone="+14155550142"))
        store.save(ChangeRequest(change_kind="late", about_reference="RB-AAAA2", name="Client", phone="+14155550142"))

        def refs(*args, **kwargs):
            return [r.reference for r in store.requests_from(*args, **kwargs)]

        # By SMS, the (signed) number finds its bookings wherever they were made; callbacks are not bookings.
        assert refs("sms", "+14155550142", phone="+14155550142")[:2] == ["RB-AAAA2", "RB-BBBB3"]
        assert len(refs("sms", "+14155550142", phone="+14155550142")) == 3  # and the change request
        # On the web, only the same conversation: a sender id that looks like a number proves nothing.
        assert refs("rest", "web-2") == ["RB-CCCC4"]
        assert refs("rest", "+14155550142") == []
        assert refs("socketio", "web-1") == []
        assert refs("sms", "+14155550100", phone="+14155550100") == []
        assert refs("rest", "") == []


def test_spooled_requests_count_while_they_wait(tmp_path):
    store = RequestStore(f"sqlite:///{tmp_path / 'r.db'}", spool_dir=tmp_path / "spool")
    store._spool(booking("RB-EEEE6", phone="+14155550142", channel="sms", sender_id="+14155550142"))
    assert [r.reference for r in store.requests_from("sms", "+14155550142", phone="+14155550142")] == ["RB-EEEE6"]
    store.close()


def test_staff_see_changes_and_clearance_in_the_list():
    tz = dt.timezone.utc
    table = render_table(
        [
            booking("RB-AAAA2", needs_clearance=True, clearance_reason="a recent surgery or injury"),
            ChangeRequest(
                reference="RX-FFFF7",
                change_kind="move",
                about_reference="RB-AAAA2",
                name="Client",
                requested_start=dt.datetime(2026, 6, 19, 21, tzinfo=tz),
                note="can we move it to Friday?",
            ),
        ],
        tz,
    )
    assert "NEEDS CLEARANCE" in table
    assert "change" in table and "move RB-AAAA2: can we move it to Friday?" in table
    assert "Fri 2026-06-19 21:00" in table


def test_a_reference_right_before_a_number_does_not_spoil_it():
    from bot.requests.client_lookup import contact_matches, find_reference

    booking = BookingRequest(reference="RB-7K3Q9", name="Client", phone="+14155550199")
    assert find_reference("rb 7k3q9 415 555 0199") == "RB-7K3Q9"
    assert contact_matches(booking, "RB-7K3Q9 415 555 0199")
    assert not contact_matches(booking, "RB-7K3Q9 415 555 0198")
