"""The real servers with a calendar feed, signed SMS and a Twilio voice number (issue 15).

One set of servers for the module, with the clock pinned to Tuesday 1 December
2026, 10 am in the practice's time zone, a practice profile that reads a feed
this test writes (Saturday 5 December is booked 10:30 am to 12:30 pm), real
Twilio signatures, and Twilio's REST API replaced by a local stub that records
every text the assistant sends.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Dict, Iterator, List, Tuple
from zoneinfo import ZoneInfo

import pytest
import yaml
from twilio.request_validator import RequestValidator

from bot.practice.profile import DEFAULT_PROFILE_PATH
from tests.calendar_feeds import calendar, event
from tests.conftest import run_cli
from tests.live.faults.bot_servers import BotServers
from tests.live.test_rest import say, texts

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

LA = ZoneInfo("America/Los_Angeles")
PINNED_NOW = "2026-12-01T10:00:00-08:00"  # a Tuesday
TOKEN = "calendar-test-twilio-token"
ACCOUNT = "AC" + "1" * 32
PRACTICE_NUMBER = "+14155550101"
JANE = "+14155550142"
SOMEONE_ELSE = "+14155550177"
CALLER = "+15035550188"
NOT_FOUND = "I can't find a booking from this number. If you booked another way, please call +1 415 555 0100."


class TwilioStub:
    """Twilio's Messages API on 127.0.0.1: records each text and answers as Twilio does (201)."""

    def __init__(self) -> None:
        self.sent: List[Dict[str, str]] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the standard library's name)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if not self.path.endswith(f"/Accounts/{ACCOUNT}/Messages.json"):
                    self.send_response(404)
                    self.end_headers()
                    return
                stub.sent.append(form)
                body = json.dumps({"sid": f"SM{len(stub.sent):032d}", "status": "queued", **form}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def texts_to(self, number: str) -> List[str]:
        return [m["Body"] for m in self.sent if m.get("To") == number]

    def wait_for(self, number: str, count: int, seconds: float = 20) -> List[str]:
        """The texts to `number` once there are `count` (the text goes out just after the call is answered)."""
        deadline = time.monotonic() + seconds
        while len(self.texts_to(number)) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.texts_to(number)

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Iterator[Tuple[BotServers, TwilioStub]]:
    from bot.cli.serve import isolated_env
    from bot.practice.clock import CLOCK_FILE_ENV
    from tests.conftest import require_model

    require_model()
    workdir: Path = tmp_path_factory.mktemp("calendar-live")
    feed = workdir / "busy.ics"
    feed.write_text(calendar(event(dt.datetime(2026, 12, 5, 10, 30), dt.datetime(2026, 12, 5, 12, 30))))
    profile = yaml.safe_load(DEFAULT_PROFILE_PATH.read_text())
    profile["calendar"] = {"file": str(feed)}
    (workdir / "profile.yml").write_text(yaml.safe_dump(profile, sort_keys=False))
    stub = TwilioStub()
    env = isolated_env(
        workdir,
        PRACTICE_PROFILE=str(workdir / "profile.yml"),
        TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_API_BASE_URL=stub.url,
        CHANNEL_RATE_LIMIT_BURST="100",
    )
    for name in ("SMS_ALLOW_UNSIGNED", "SMS_PUBLIC_URL", "VOICE_PUBLIC_URL"):
        env.pop(name, None)
    Path(env[CLOCK_FILE_ENV]).write_text(PINNED_NOW)
    servers = BotServers(workdir, env)
    try:
        servers.start()
    except RuntimeError as exc:
        stub.stop()
        pytest.fail(f"could not start the bot: {exc}")
    yield servers, stub
    servers.stop()
    stub.stop()


def signed_post(url: str, params: Dict[str, str], signature: str = "") -> Tuple[int, str]:
    signature = signature or RequestValidator(TOKEN).compute_signature(url, params)
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(params).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def sms(base: str, sender: str, body: str) -> str:
    sid = "SM" + uuid.uuid4().hex
    params = {"MessageSid": sid, "SmsSid": sid, "Body": body, "From": sender, "To": PRACTICE_NUMBER, "NumMedia": "0"}
    status, twiml = signed_post(f"{base}/webhooks/sms/webhook", params)
    assert status == 200, twiml
    return "\n".join(m.text or "" for m in ElementTree.fromstring(twiml).findall("Message"))


def call(base: str, caller: str, signature: str = "") -> Tuple[int, str]:
    params = {"CallSid": "CA" + uuid.uuid4().hex, "From": caller, "To": PRACTICE_NUMBER, "CallStatus": "ringing"}
    return signed_post(f"{base}/webhooks/voice/webhook", params, signature)


def stored(servers: BotServers) -> List[Dict]:
    listed = run_cli(servers.env, "requests", "--json", "--all")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


def local(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).astimezone(LA)


# -- a booked time, over REST ------------------------------------------------------------------


def test_a_booked_time_is_refused_with_free_alternatives(bot):
    servers, _ = bot
    sender = f"web-{uuid.uuid4().hex[:6]}"
    replies = say(
        servers.base_url, sender, "Book Jane Roe, 415 555 0144, Saturday at 11am, a 60 minute massage with glutes"
    )
    answer = texts(replies)
    assert "Sorry, that time is already booked. These times are free" in answer, answer
    offered = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert offered[:3] == [
        "Saturday 5 December at 12:30 pm",
        "Saturday 5 December at 1 pm",
        "Saturday 5 December at 1:30 pm",
    ]

    assert "Anything you'd like your therapist to know" in texts(say(servers.base_url, sender, offered[1]))
    assert "Shall I send it to the team?" in texts(say(servers.base_url, sender, "no"))
    done = texts(say(servers.base_url, sender, "/affirm"))
    reference = done.split("reference ")[1].split(")")[0]
    assert "date=2026-12-05&time=13%3A00" in done  # the prefilled link to the practice's booking page
    (mine,) = [row for row in stored(servers) if row["reference"] == reference]
    assert local(mine["requested_start"]) == dt.datetime(2026, 12, 5, 13, 0, tzinfo=LA)

    # The same conversation can ask after it.
    status = texts(say(servers.base_url, sender, "did my booking go through?"))
    assert f"your request {reference} came through" in status, status


def test_any_time_on_a_busy_day_lists_its_free_times(bot):
    servers, _ = bot
    sender = f"web-{uuid.uuid4().hex[:6]}"
    answer = texts(
        say(servers.base_url, sender, "Book Sam Lee, 415 555 0143, a 60 minute massage, any time on Saturday")
    )
    # The time question names the date (issue 13: a day is always shown with its date).
    assert "What time on Saturday 5 December would suit you? Free then: 12:30 pm, 1 pm or 1:30 pm." in answer, answer


# -- a booking by text, then status, move, cancel and late ---------------------------------------


def test_status_move_cancel_and_late_by_text_each_reach_staff(bot):
    servers, _ = bot
    base = servers.base_url
    sms(base, JANE, "Book Jane Doe, next Tuesday 3pm, a 60 minute massage with glutes")
    sms(base, JANE, "no")
    booked = sms(base, JANE, "1")
    assert "Request received, ref RB-" in booked, booked
    reference = booked.split("ref ")[1].split(".")[0]

    status = sms(base, JANE, "hi it's me again, did my booking go through?")
    assert f"Yes, your request {reference} for Tuesday 8 December at 3 pm came through." in status, status

    # Another number learns nothing, even quoting the reference.
    assert sms(base, SOMEONE_ELSE, "did my booking go through?") == NOT_FOUND
    assert sms(base, SOMEONE_ELSE, f"please cancel {reference}") == NOT_FOUND

    question = sms(base, JANE, "can we move it to Friday at 2?")
    assert "Move Tuesday 8 December at 3 pm to Friday 4 December at 2 pm?" in question, question
    moved = sms(base, JANE, "1")
    assert "Asked the team to move it to Friday 4 December at 2 pm, ref RX-" in moved, moved

    question = sms(base, JANE, "I need to cancel my booking")
    assert "24 hours' notice" in question, question  # the cancellation policy, before anything is sent
    cancelled = sms(base, JANE, "yes")
    assert "cancellation of Tuesday 8 December at 3 pm sent to the team, ref RX-" in cancelled, cancelled

    late = sms(base, JANE, "running 10 minutes late, sorry!")
    assert "I've told the team you're running about 10 minutes late" in late, late

    rows = stored(servers)
    changes = [r for r in rows if r["kind"] == "change" and r["about_reference"] == reference]
    assert sorted(c["change_kind"] for c in changes) == ["cancel", "late", "move"]
    (move,) = [c for c in changes if c["change_kind"] == "move"]
    assert local(move["requested_start"]) == dt.datetime(2026, 12, 4, 14, 0, tzinfo=LA)
    (booking,) = [r for r in rows if r["reference"] == reference]
    assert booking["status"] == "pending" and local(booking["requested_start"]).day == 8  # never edited
    log = Path(servers.env["BOT_NOTIFICATIONS_LOG"]).read_text()
    for subject in ("Move request RX-", "Cancellation request RX-", "RUNNING LATE: Jane Doe"):
        assert subject in log, subject
    assert not [r for r in rows if r["kind"] == "change" and r["phone"] == SOMEONE_ELSE]


# -- a missed call ---------------------------------------------------------------------------------


def test_a_missed_call_gets_exactly_one_text_and_a_conversation(bot):
    servers, stub = bot
    status, twiml = call(servers.base_url, CALLER)
    assert status == 200
    spoken = [s.text for s in ElementTree.fromstring(twiml).findall("Say")]
    assert spoken and "We're sending you a text message now" in spoken[0]
    assert len(stub.wait_for(CALLER, 1)) == 1, stub.sent
    assert "Reply 1 to book" in stub.texts_to(CALLER)[0]
    assert stub.sent[-1]["From"] == PRACTICE_NUMBER

    # Their reply reaches the assistant: "1" starts a booking.
    assert "Happy to help you book" in sms(servers.base_url, CALLER, "1")

    # A second call soon after, and a forged one, send nothing more.
    assert call(servers.base_url, CALLER)[0] == 200
    assert call(servers.base_url, "+15035550189", signature="Zm9yZ2Vk")[0] == 403
    time.sleep(2)  # time enough for a text that should not go
    assert len(stub.texts_to(CALLER)) == 1 and stub.texts_to("+15035550189") == []
