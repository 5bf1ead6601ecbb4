"""What staff do in the console, page by page: inbox, conversations, review, answers,
switches, dashboard, audit log (in-process; Rasa and Twilio are stand-ins)."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.conversations.controls import HUMAN_ONLY, OFF
from bot.practice.profile import load_profile

pytestmark = pytest.mark.asyncio


def rows_in_order(html: str) -> list:
    return re.findall(r'<tr id="(R[BC]-\w+)"', html)


async def test_inbox_newest_first_with_every_detail_and_markers(logged_in):
    console, refs = logged_in, logged_in.references
    response, html = await console.page("/")
    assert response.status == 200
    assert rows_in_order(html) == [refs["callback"], refs["booking"], refs["lonely"]]
    booking = html[html.index(f'<tr id="{refs["booking"]}"') :]
    booking = booking[: booking.index("</tr>")]
    for detail in (
        "+1 503 555 0142",
        "ana@example.com",
        "thursday after work",
        "prenatal_60",
        "30 weeks along",
        "Web chat",
    ):
        assert detail in booking
    assert "Prenatal" in booking and "Red flag" in booking  # the conversation had a red-flag message
    assert "0</span> waiting in the spool" in html
    api = await (await console.client.get("/api/inbox")).json()
    assert [row["id"] for row in api["requests"]] == rows_in_order(html) and api["pending"] == 3


async def test_handle_called_back_and_note_are_recorded_with_who(logged_in):
    console, ref = logged_in, logged_in.references["callback"]
    assert (await console.post(f"/requests/{ref}/called-back", {"back": "/#inbox"}))[0].headers["Location"] == "/#inbox"
    await console.post(f"/requests/{ref}/note", {"note": "  left a voicemail  "})
    response, _ = await console.post(f"/requests/{ref}/handle")
    assert response.status == 303
    stored = console.services.store.get(ref)
    assert (stored.status, stored.handled_by, stored.staff_note) == ("handled", "maya", "left a voicemail")
    assert stored.called_back_at is not None
    _, html = await console.page("/")
    assert ref not in rows_in_order(html)
    _, handled = await console.page("/?status=handled")
    assert ref in rows_in_order(handled) and "Handled by maya" in handled
    audit = [(e.staff, e.action, e.target) for e in console.services.audit.recent()]
    assert ("maya", "handle", ref) in audit and ("maya", "called_back", ref) in audit and ("maya", "note", ref) in audit


async def test_spooled_requests_are_counted(logged_in):
    console = logged_in
    from bot.requests.models import CallbackRequest

    console.services.store._spool(CallbackRequest(name="Later", phone="503 555 0100", reference="RC-22222"))
    console.services.store.flush_spool = lambda: 0  # the database "refuses" it for now
    _, html = await console.page("/")
    assert '<span id="spooled-count">1</span> waiting in the spool' in html


async def test_transcript_with_marks_and_the_requests_conversation(logged_in):
    console = logged_in
    response, html = await console.page(f"/conversation?ref={console.references['booking']}")
    assert response.status == 200
    for mark in ("Red flag", "Handoff", "Not understood", "Assistant paused: waiting for staff"):
        assert mark in html
    assert "Handed over to a therapist" in html
    assert html.index("my calf is swollen and hot") < html.index("qwxz blorp")
    api = await (await console.client.get("/api/conversation", params={"id": "web-1", "after": "0"})).json()
    assert api["paused"] and api["can_reply"] and len(api["turns"]) >= 8


async def test_find_conversations_by_reference_phone_name_words_and_filters(logged_in):
    console, refs = logged_in, logged_in.references

    async def found(**query) -> list:
        _, html = await console.page("/conversations", params=query)
        return re.findall(r'/conversation\?id=([^"]+)"', html)

    assert await found(q=refs["callback"].lower()) == ["%2B15035550123"]
    assert await found(q="(503) 555-0123") == ["%2B15035550123"]
    assert await found(q="ana") == ["web-1"]
    assert await found(q="swollen") == ["web-1"]
    assert set(await found()) == {"web-1", "%2B15035550123", "rest-9"}
    assert await found(filter="red_flag") == ["web-1"]
    assert set(await found(filter="paused")) == {"web-1", "%2B15035550123"}
    assert await found(filter="unanswered") == ["web-1"]
    assert await found(date="2026-06-02") != [] and await found(date="2020-01-01") == []
    assert (await console.page("/conversations", params={"date": "June"}))[0].status == 400


async def test_reply_to_a_paused_web_chat_goes_out_through_the_socket_then_hand_back(logged_in):
    console = logged_in
    console.services.controls.hold("web-1", "socketio", "anyone there? <i>hi</i>", HUMAN_ONLY)
    _, inbox = await console.page("/")
    held = inbox[inbox.index('id="held-list"') : inbox.index("</ul>", inbox.index('id="held-list"'))]
    assert "anyone there? &lt;i&gt;hi&lt;/i&gt;" in held and "Human only" in held and "web-1" in held
    api = await (await console.client.get("/api/inbox")).json()
    assert len(api["held"]) == 1 and "/conversation?id=web-1" in api["held"][0]["html"]
    response, _ = await console.post("/conversation/reply", {"id": "web-1", "text": "Hi, it's Maya here."})
    assert response.status == 303 and response.headers["Location"] == "/conversation?id=web-1"
    assert console.rasa.calls == [("reply", "web-1", "Hi, it's Maya here.", "maya", "socketio")]
    assert console.services.controls.held(sender_id="web-1") == []  # answered
    _, page = await console.page("/conversation?id=web-1")
    assert "Sent to the client&#39;s web chat." in page
    response, _ = await console.post("/conversation/hand-back", {"id": "web-1"})
    assert response.status == 303 and console.rasa.calls[-1] == ("resume", "web-1")
    actions = [e.action for e in console.services.audit.recent()]
    assert "reply" in actions and "hand_back" in actions


async def test_sms_replies_through_twilio_or_say_clearly_they_were_not_sent(logged_in):
    console = logged_in
    console.sms.configured = False
    response, text = await console.post("/conversation/reply", {"id": "+15035550123", "text": "Calling you at 2"})
    assert response.status == 409 and "Not sent" in text and "TWILIO_ACCOUNT_SID" in text
    assert console.rasa.calls == []
    console.sms.configured = True
    response, _ = await console.post("/conversation/reply", {"id": "+15035550123", "text": "Calling you at 2"})
    assert response.status == 303
    assert console.sms.sent == [
        ("+15035550123", "Calling you at 2", "+1 415 555 0101")
    ]  # from the profile's SMS number
    assert console.rasa.calls == [("reply", "+15035550123", "Calling you at 2", "maya", "")]


async def test_the_assistants_conversations_need_human_only_first(logged_in):
    console = logged_in
    response, text = await console.post("/conversation/reply", {"id": "rest-9", "text": "hello"})
    assert response.status == 409 and "human only" in text
    response, _ = await console.post("/conversation/human-only", {"id": "rest-9", "on": "1"})
    assert response.status == 303 and console.services.controls.is_human_only_now("rest-9")
    response, text = await console.post("/conversation/reply", {"id": "rest-9", "text": "hello"})
    assert response.status == 409 and "REST API" in text  # that channel cannot take a later message
    await console.post("/conversation/hand-back", {"id": "rest-9"})
    assert not console.services.controls.is_human_only_now("rest-9")
    assert ("resume", "rest-9") not in console.rasa.calls  # it was never paused
    response, _ = await console.post("/conversation/hand-back", {"id": "rest-9"})
    assert response.status == 409


async def test_review_label_export_and_write_an_own_answer(logged_in):
    console = logged_in
    _, html = await console.page("/review")
    keys = dict(re.findall(r'id="item-(\w+)">.*?<blockquote class="bubble">([^<]*)</blockquote>', html, re.S))
    by_text = {text: key for key, text in keys.items()}
    assert set(by_text) == {"does glute work help a stiff hip?", "qwxz blorp"}
    response, _ = await console.post(
        "/review/label",
        {"key": by_text["does glute work help a stiff hip?"], "kind": "topic", "topic": "conditions_helped"},
    )
    assert response.status == 303
    response, text = await console.post(
        "/review/label", {"key": by_text["qwxz blorp"], "kind": "topic", "topic": "nope"}
    )
    assert response.status == 400
    response, _ = await console.post(
        "/review/answer",
        {
            "key": by_text["qwxz blorp"],
            "question": "Do you sell gift vouchers for couples?",
            "answer": "Yes! Couples vouchers are at the front desk and online.",
            "sms": "Yes, at the front desk and online.",
            "back": "/review",
        },
    )
    assert response.status == 303
    _, html = await console.page("/review")
    assert "Nothing to review." in html
    response, _ = await console.post("/review/export")
    assert response.status == 303
    exported = yaml.safe_load(console.services.reviewed_path.read_text())
    assert exported["nlu"] == [{"intent": "conditions_helped", "examples": "- does glute work help a stiff hip?\n"}]
    profile = load_profile(console.services.profile_file())
    assert profile.raw["own_questions"][0]["question"] == "Do you sell gift vouchers for couples?"
    _, answers = await console.page("/answers")
    assert "Do you sell gift vouchers for couples?" in answers
    response, _ = await console.post(
        "/answers/remove", {"index": "0", "question": "Do you sell gift vouchers for couples?"}
    )
    assert response.status == 303 and not load_profile(console.services.profile_file()).raw.get("own_questions")
    _, done = await console.page("/review?state=done")
    assert 'labelled <b class="label">conditions_helped</b> by maya' in done


async def test_switch_the_assistant_off_and_on_per_channel(logged_in):
    console = logged_in
    response, _ = await console.post("/controls/switch", {"channel": "sms", "on": "0"})
    assert response.status == 303
    console.services.controls._invalidate()
    assert console.services.controls.hold_reason("sms", "+15035550100") == OFF
    _, html = await console.page("/controls")
    assert "Switch on" in html and "maya" in html
    assert (await console.post("/controls/switch", {"channel": "fax", "on": "0"}))[0].status == 400
    await console.post("/controls/switch", {"channel": "sms", "on": "1"})
    console.services.controls._invalidate()
    assert console.services.controls.hold_reason("sms", "+15035550100") is None
    assert [e.action for e in console.services.audit.recent()][:2] == ["assistant_on", "assistant_off"]


async def test_dashboard_draws_its_charts(logged_in, pinned_clock):
    console = logged_in
    pinned_clock("2026-06-03T12:00:00-07:00")
    console.services.feedback.record("web-1", 1.0, "conditions_helped", "It may help.", 1, "socketio")
    response, html = await console.page("/dashboard?days=7")
    assert response.status == 200
    assert html.count("<svg") == 4 and "Conversations per day by channel" in html
    assert "conditions_helped" in html and "1 / 0</span> answers rated helpful" in html
    assert (await console.page("/dashboard?days=3"))[0].status == 400


async def test_audit_log_page_lists_actions(logged_in):
    console = logged_in
    await console.post(f"/requests/{console.references['booking']}/handle")
    _, html = await console.page("/audit")
    assert "handle" in html and console.references["booking"] in html and "login" in html


async def test_change_requests_and_the_clearance_flag_show_in_the_inbox(logged_in):
    from bot.requests.models import BookingRequest, ChangeRequest

    console = logged_in
    store = console.services.store
    flagged = store.save(
        BookingRequest(name="Kim Lee", phone="+15035550160", needs_clearance=True, clearance_reason="a recent surgery")
    ).reference
    move = store.save(
        ChangeRequest(change_kind="move", about_reference=flagged, name="Kim Lee", note="can we do Friday instead?")
    ).reference
    response, html = await console.page("/")
    assert response.status == 200
    row = html[html.index(f'<tr id="{move}"') :]
    row = row[: row.index("</tr>")]
    assert "Change" in row and f"<b>Move:</b> {flagged}" in row and "can we do Friday instead?" in row
    booking = html[html.index(f'<tr id="{flagged}"') :]
    booking = booking[: booking.index("</tr>")]
    assert "Needs clearance" in booking and "mentioned a recent surgery" in booking
