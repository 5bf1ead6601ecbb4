"""The SMS channel end to end over HTTP: a real Sanic server with the channel's
blueprint and a scripted stand-in for the Rasa agent (no trained model needed)."""

from __future__ import annotations

import asyncio
import logging
import uuid
import xml.etree.ElementTree as ElementTree
from typing import Any, Dict, List, Optional

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage, register
from twilio.request_validator import RequestValidator

from bot.channels.ratelimit import RateLimit, SenderRateLimiter
from bot.channels.sms import SmsInput, compose_sms_reply
from bot.channels.sms_text import fit_to_two_segments, sms_segments, to_sms_text
from tests.stand_ins import DeadActionServerAgent, FakeClock

TOKEN = "test-auth-token-0123456789abcdef"


class PracticeStub:
    """What the channel reads from the practice profile (the real file may be mid-edit)."""

    name = "Riverside Massage Studio"
    phone = "+1 415 555 0100"


PRACTICE = PracticeStub()
WEBHOOK = "/webhooks/sms/webhook"
CLIENT = "+15035550123"

BOOKING_BUTTONS = [
    {"title": "Book a visit", "payload": "/book_appointment"},
    {"title": "Talk to a therapist", "payload": "/talk_to_therapist"},
]
LONG_ANSWER = (
    "Your glutes work with every step you take, so tight glutes can pull on your low back and hips. "
    "Your therapist warms the area up with broad strokes first, then works layer by layer. "
    "You stay covered with a sheet the whole time and only the area being worked is uncovered. "
    "You can always say no to any area, and pressure is always your call. "
    "Many clients say their hips feel freer and their legs swing easier afterwards."
)


class ScriptedAgent:
    """Stands in for rasa's Agent: records each UserMessage and answers from a script."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []
        self.delay = 0.0

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        out, who, text = message.output_channel, message.sender_id, message.text
        if self.delay:
            await asyncio.sleep(self.delay)
        if text == "menu":
            await out.send_text_message(who, "Happy to help.")
            await out.send_text_with_buttons(who, "What would you like to do?", BOOKING_BUTTONS)
        elif text == "/book_appointment":
            await out.send_text_message(who, "Great! You can book online any time.")
        elif text == "long":
            await out.send_text_message(who, LONG_ANSWER)
        elif text == "long with options":
            await out.send_text_with_buttons(who, LONG_ANSWER, BOOKING_BUTTONS)
        elif text == "markup":
            await out.send_text_message(who, "Prices: 60 min < 90 min & both are \u201cgreat\u201d \U0001f600")
        elif text == "silence":
            pass
        elif text == "boom":
            raise RuntimeError("the model fell over")
        else:
            await out.send_text_message(who, f"You said: {text}")

    @property
    def texts(self) -> List[str]:
        return [m.text for m in self.received]


def sign(url: str, params: Dict[str, str], token: str = TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def message_bodies(twiml: str) -> List[str]:
    root = ElementTree.fromstring(twiml)
    assert root.tag == "Response"
    return [element.text or "" for element in root.findall("Message")]


class SmsHarness:
    """One Sanic app with the SMS channel mounted the way Rasa mounts it."""

    def __init__(self, base_url: str, agent: ScriptedAgent, session: aiohttp.ClientSession, channel: SmsInput) -> None:
        self.base_url = base_url
        self.agent = agent
        self.session = session
        self.channel = channel

    @property
    def url(self) -> str:
        return self.base_url + WEBHOOK

    def params(self, body: str, sender: str = CLIENT, sid: Optional[str] = None, **extra: str) -> Dict[str, str]:
        sid = sid or "SM" + uuid.uuid4().hex
        fields = {
            "ToCountry": "US",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "MessageSid": sid,
            "Body": body,
            "To": "+14155550101",
            "From": sender,
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
        }
        fields.update(extra)
        return fields

    async def post(self, params: Dict[str, str], signature: Optional[str] = "auto", signed_url: Optional[str] = None):
        headers = {}
        if signature == "auto":
            signature = sign(signed_url or self.url, params)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        async with self.session.post(self.url, data=params, headers=headers) as resp:
            return resp.status, await resp.text(), resp.headers.get("Content-Type", "")

    async def text(self, body: str, **kwargs: Any) -> List[str]:
        status, payload, content_type = await self.post(self.params(body, **kwargs))
        assert status == 200, payload
        assert content_type.startswith("application/xml")
        return message_bodies(payload)


@pytest.fixture
def state_path(tmp_path):
    return tmp_path / "sms_state.sqlite3"


@pytest.fixture
def sms_app(make_sanic_app, serve_sanic, state_path):
    """Factory: `async with sms_app(**SmsInput kwargs) as harness:`."""
    import contextlib

    @contextlib.asynccontextmanager
    async def start(agent: Any = None, **channel_kwargs: Any):
        channel_kwargs.setdefault("auth_token", TOKEN)
        channel_kwargs.setdefault("state_path", state_path)
        channel_kwargs.setdefault("profile_loader", lambda: PRACTICE)
        channel = SmsInput(**channel_kwargs)
        app = make_sanic_app("sms")
        agent = agent or ScriptedAgent()
        app.ctx.agent = agent
        register([channel], app, route="/webhooks/")
        async with serve_sanic(app) as base_url, aiohttp.ClientSession() as session:
            yield SmsHarness(base_url, agent, session, channel)

    return start


# -- signatures ------------------------------------------------------------------


@pytest.mark.asyncio
async def test_signed_request_gets_the_bot_reply_as_twiml(sms_app):
    async with sms_app() as sms:
        status, payload, content_type = await sms.post(sms.params("what are your hours?"))
        assert status == 200
        assert content_type.startswith("application/xml")
        assert message_bodies(payload) == ["You said: what are your hours?"]
        [message] = sms.agent.received
        assert message.sender_id == CLIENT
        assert message.input_channel == "sms"
        # Domain responses can carry a `channel: sms` variant because of this name.
        assert message.output_channel.name() == "sms"
        assert message.metadata["sms"]["message_sid"].startswith("SM")


@pytest.mark.asyncio
async def test_missing_wrong_or_misdirected_signatures_are_refused(sms_app):
    async with sms_app() as sms:
        params = sms.params("hello")
        assert (await sms.post(params, signature=None))[0] == 403
        assert (await sms.post(params, signature="bm90IGEgc2lnbmF0dXJl"))[0] == 403
        other_token = sign(sms.url, params, token="someone-elses-token")
        assert (await sms.post(params, signature=other_token))[0] == 403
        elsewhere = sign("https://attacker.example/webhooks/sms/webhook", params)
        assert (await sms.post(params, signature=elsewhere))[0] == 403
        # A valid signature for different fields must not cover a changed body.
        tampered = dict(params, Body="tampered")
        assert (await sms.post(tampered, signature=sign(sms.url, params)))[0] == 403
        assert sms.agent.received == []


@pytest.mark.asyncio
async def test_signature_is_checked_against_the_configured_public_url(sms_app):
    public = "https://sms.example-practice.com/webhooks/sms/webhook"
    async with sms_app(public_url=public) as sms:
        params = sms.params("hello from behind the proxy")
        status, payload, _ = await sms.post(params, signed_url=public)
        assert status == 200
        assert message_bodies(payload) == ["You said: hello from behind the proxy"]
        # Signed for the internal address Twilio never called: refused.
        assert (await sms.post(sms.params("again")))[0] == 403


@pytest.mark.asyncio
async def test_without_a_token_everything_is_refused_unless_dev_mode_is_on(sms_app, caplog):
    async with sms_app(auth_token=None) as sms:
        params = sms.params("hello")
        assert (await sms.post(params, signature=None))[0] == 403
        assert (await sms.post(params))[0] == 403
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.channels.sms"):
        async with sms_app(auth_token=None, allow_unsigned=True) as sms:
            status, payload, _ = await sms.post(sms.params("hello"), signature=None)
            assert status == 200
            assert message_bodies(payload) == ["You said: hello"]
    assert "NO TWILIO_AUTH_TOKEN" in caplog.text
    assert "UNSIGNED" in caplog.text


@pytest.mark.asyncio
async def test_allow_unsigned_is_ignored_when_a_token_is_set(sms_app):
    async with sms_app(allow_unsigned=True) as sms:
        assert (await sms.post(sms.params("hello"), signature=None))[0] == 403


def test_from_credentials_reads_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")
    monkeypatch.setenv("SMS_PUBLIC_URL", "https://public.example/webhooks/sms/webhook")
    monkeypatch.setenv("SMS_STATE_PATH", str(tmp_path / "from_env.sqlite3"))
    channel = SmsInput.from_credentials(None)
    assert channel.auth_token == "env-token"
    assert channel.public_url == "https://public.example/webhooks/sms/webhook"
    assert channel.store.path == tmp_path / "from_env.sqlite3"
    assert channel.allow_unsigned is False

    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    configured = SmsInput.from_credentials(
        {"public_url": "https://other.example/hook", "state_path": str(tmp_path / "x.db"), "allow_unsigned": True}
    )
    assert configured.public_url == "https://other.example/hook"
    assert configured.allow_unsigned is True
    assert SmsInput.name() == "sms"


# -- replies -----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_reply_is_escaped_xml_in_plain_ascii(sms_app):
    async with sms_app() as sms:
        status, payload, _ = await sms.post(sms.params("markup"))
        assert status == 200
        assert "&lt;" in payload and "&amp;" in payload
        [body] = message_bodies(payload)
        assert body == 'Prices: 60 min < 90 min & both are "great"'
        assert body.isascii()


@pytest.mark.asyncio
async def test_buttons_become_numbered_options_and_a_digit_picks_one(sms_app):
    async with sms_app() as sms:
        [body] = await sms.text("menu")
        assert body == (
            "Happy to help.\nWhat would you like to do?\nReply 1 for Book a visit, 2 for Talk to a therapist."
        )
        [answer] = await sms.text("1")
        assert sms.agent.texts[-1] == "/book_appointment"
        assert sms.agent.received[-1].metadata["sms"]["selected_option"] == "Book a visit"
        assert answer == "Great! You can book online any time."
        # That reply had no buttons, so "2" is plain text again.
        await sms.text("2")
        assert sms.agent.texts[-1] == "2"


@pytest.mark.asyncio
async def test_options_belong_to_each_number_and_survive_a_restart(sms_app):
    other = "+15035550999"
    async with sms_app() as sms:
        await sms.text("menu")
        await sms.text("1", sender=other)  # this number was never offered options
        assert sms.agent.texts[-1] == "1"
        await sms.text("7")  # out of range for our client: passed through as typed
        assert sms.agent.texts[-1] == "7"
        await sms.text("menu")
    async with sms_app() as restarted:  # same state file, fresh process state
        await restarted.text(" 2. ")
        assert restarted.agent.texts == ["/talk_to_therapist"]


@pytest.mark.asyncio
async def test_several_bot_messages_share_one_sms_and_long_ones_stay_within_two_segments(sms_app):
    async with sms_app() as sms:
        [body] = await sms.text("long")
        assert sms_segments(body) <= 2
        assert body.startswith("Your glutes work with every step")
        assert body.endswith(".")  # cut at a sentence end, not mid-word
        [with_options] = await sms.text("long with options")
        assert sms_segments(with_options) <= 2
        assert with_options.endswith("\nReply 1 for Book a visit, 2 for Talk to a therapist.")


@pytest.mark.asyncio
async def test_a_silent_bot_gets_an_apology_and_keeps_the_options(sms_app):
    async with sms_app() as sms:
        await sms.text("menu")
        [body] = await sms.text("silence")
        assert "Sorry" in body and PRACTICE.phone in body
        await sms.text("1")  # the options offered before the silence still count
        assert sms.agent.texts[-1] == "/book_appointment"


@pytest.mark.asyncio
async def test_bot_failure_gets_a_polite_apology_not_a_500(sms_app):
    async with sms_app() as sms:
        [body] = await sms.text("boom")
        assert "Sorry" in body
        assert PRACTICE.phone in body


# -- opt-out and help ----------------------------------------------------------------


@pytest.mark.asyncio
async def test_stop_confirms_once_then_silence_until_start(sms_app):
    async with sms_app() as sms:
        [confirmation] = await sms.text("STOP")
        assert "unsubscribed" in confirmation and "START" in confirmation
        assert sms_segments(confirmation) <= 2 and confirmation.isascii()
        assert await sms.text("what are your hours?") == []
        assert await sms.text("stop") == []  # no second confirmation
        assert await sms.text("Yes") != []  # YES re-subscribes an opted-out number
        assert await sms.text("hi again") == ["You said: hi again"]
        assert sms.agent.texts == ["hi again"]


@pytest.mark.parametrize("keyword", ["STOPALL", "unsubscribe", "Cancel", "END", "quit", " Stop. "])
@pytest.mark.asyncio
async def test_every_opt_out_keyword_works(sms_app, keyword):
    async with sms_app() as sms:
        [confirmation] = await sms.text(keyword)
        assert "unsubscribed" in confirmation
        assert await sms.text("hello?") == []
        [welcome] = await sms.text("UNSTOP")
        assert "Welcome back" in welcome
        assert sms.agent.received == []


@pytest.mark.asyncio
async def test_opt_out_is_durable_across_restarts(sms_app):
    async with sms_app() as sms:
        await sms.text("STOP")
    async with sms_app() as restarted:
        assert await restarted.text("hello") == []
        assert await restarted.text("START") != []
        assert await restarted.text("hello") == ["You said: hello"]


@pytest.mark.asyncio
async def test_help_names_the_practice_and_phone_even_when_opted_out(sms_app):
    profile = PRACTICE
    async with sms_app() as sms:
        [help_text] = await sms.text("HELP")
        assert to_sms_text(profile.name) in help_text
        assert profile.phone in help_text
        assert "STOP" in help_text
        assert sms_segments(help_text) <= 2 and help_text.isascii()
        await sms.text("STOP")
        assert await sms.text("help") == [help_text]
        assert sms.agent.received == []


@pytest.mark.asyncio
async def test_yes_and_start_reach_the_bot_when_not_opted_out(sms_app):
    async with sms_app() as sms:
        await sms.text("yes")
        await sms.text("start")
        assert sms.agent.texts == ["yes", "start"]


# -- empty, media, duplicates, bad input ------------------------------------------------


@pytest.mark.asyncio
async def test_empty_and_media_only_messages_get_a_helpful_reply(sms_app):
    async with sms_app() as sms:
        [empty] = await sms.text("   ")
        assert "type your question" in empty
        params = sms.params(
            "", NumMedia="1", MediaContentType0="image/jpeg", MediaUrl0="https://api.twilio.example/media/ME1"
        )
        status, payload, _ = await sms.post(params)
        assert status == 200
        [media] = message_bodies(payload)
        assert "only read text" in media and PRACTICE.phone in media
        assert sms.agent.received == []


@pytest.mark.asyncio
async def test_a_repeated_message_sid_is_answered_once_with_the_same_twiml(sms_app):
    async with sms_app() as sms:
        params = sms.params("menu", sid="SM" + "d" * 32)
        first = await sms.post(params)
        second = await sms.post(params)
        assert first[0] == second[0] == 200
        assert first[1] == second[1]
        assert sms.agent.texts == ["menu"]


@pytest.mark.asyncio
async def test_concurrent_redeliveries_wait_for_the_first_answer(sms_app):
    async with sms_app() as sms:
        sms.agent.delay = 0.3
        params = sms.params("menu", sid="SM" + "e" * 32)
        replies = await asyncio.gather(*(sms.post(params) for _ in range(3)))
        assert {reply[1] for reply in replies} == {replies[0][1]}
        assert message_bodies(replies[0][1])
        assert sms.agent.texts == ["menu"]


@pytest.mark.asyncio
async def test_bad_requests_are_4xx_never_500(sms_app):
    async with sms_app() as sms:
        params = sms.params("hi")
        signature = sign(sms.url, params)
        headers = {"X-Twilio-Signature": signature}
        async with sms.session.post(sms.url, json=params, headers=headers) as resp:
            assert resp.status == 415
        async with sms.session.post(
            sms.url,
            data=b"From=%2B1555&Body=\xff\xfe",
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        ) as resp:
            assert resp.status == 400
        async with sms.session.post(
            sms.url,
            data=b"Body=" + b"a" * 40000,
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        ) as resp:
            assert resp.status == 413
        no_sender = {k: v for k, v in params.items() if k != "From"}
        status, _, _ = await sms.post(no_sender)
        assert status == 400
        async with sms.session.get(sms.base_url + "/webhooks/sms/") as resp:
            assert resp.status == 200
        assert sms.agent.received == []


@pytest.mark.asyncio
async def test_an_unwritable_state_file_still_gets_a_polite_answer(sms_app, tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("a file where a folder should be")
    async with sms_app(state_path=blocker / "state.sqlite3") as sms:
        [body] = await sms.text("hello")
        assert "Sorry" in body


# -- text rules ------------------------------------------------------------------------


def test_sms_segments_counts_gsm7_extension_and_ucs2():
    assert sms_segments("") == 0
    assert sms_segments("a" * 160) == 1
    assert sms_segments("a" * 161) == 2
    assert sms_segments("a" * 306) == 2
    assert sms_segments("a" * 307) == 3
    # Extension characters take two septets each.
    assert sms_segments("{" * 80) == 1
    assert sms_segments("{" * 81) == 2
    assert sms_segments("a" * 152 + "[" + "a" * 10) == 2
    # GSM-7 accented letters are still GSM-7.
    assert sms_segments("é" * 160) == 1
    # One non-GSM character switches to UCS-2: 70 alone, 67 per segment.
    assert sms_segments("\u2019" + "a" * 69) == 1
    assert sms_segments("\u2019" + "a" * 70) == 2
    assert sms_segments("\u2019" + "a" * 133) == 2
    assert sms_segments("\u2019" + "a" * 134) == 3
    # An emoji is two UTF-16 units and never split across segments.
    assert sms_segments("\U0001f600" * 35) == 1
    assert sms_segments("\U0001f600" * 36) == 2


def test_fit_to_two_segments_shortens_gracefully():
    assert fit_to_two_segments("short") == "short"
    words = "relax " * 100
    fitted = fit_to_two_segments(words)
    assert sms_segments(fitted) == 2 and fitted.endswith("relax...")
    sentences = fit_to_two_segments(LONG_ANSWER)
    assert sms_segments(sentences) <= 2 and sentences.endswith(".")
    assert LONG_ANSWER.startswith(sentences)
    tail = "\nReply 1 for Yes, 2 for No."
    with_tail = fit_to_two_segments(words, tail)
    assert with_tail.endswith(tail) and sms_segments(with_tail) <= 2
    # A UCS-2 text is held to 134 units.
    assert sms_segments(fit_to_two_segments("\u00e7a\u2019 " * 100)) <= 2
    # No space at all: a hard cut with an ellipsis.
    assert sms_segments(fit_to_two_segments("x" * 1000)) == 2


def test_to_sms_text_folds_to_plain_ascii():
    assert to_sms_text("It\u2019s \u201cgreat\u201d \u2014 caf\u00e9\u2026 \U0001f486") == 'It\'s "great" - cafe...'
    assert to_sms_text("a\u00a0b\u200bc\x07") == "a bc"


def test_compose_packs_messages_and_caps_the_count():
    bodies, options = compose_sms_reply([{"text": f"Part {n}. " + "word " * 50} for n in range(8)])
    assert len(bodies) == 3
    assert all(sms_segments(body) <= 2 for body in bodies)
    assert options == []
    bodies, options = compose_sms_reply([{"text": "Pick one", "buttons": BOOKING_BUTTONS}])
    assert bodies == ["Pick one\nReply 1 for Book a visit, 2 for Talk to a therapist."]
    assert [o.payload for o in options] == ["/book_appointment", "/talk_to_therapist"]
    bodies, _ = compose_sms_reply([{"image": "https://example.com/a.png"}])
    assert bodies == []


@pytest.mark.asyncio
async def test_canned_texts_come_from_the_practice_profile_and_survive_a_broken_one(sms_app, monkeypatch):
    import bot.channels.sms as sms_module

    class OtherPractice:
        name = "Caf\u00e9 Calm Massage"
        phone = "+1 503 555 0177"

    monkeypatch.setattr(sms_module, "current_profile", lambda: OtherPractice())
    async with sms_app(profile_loader=None) as sms:  # the default: current_profile()
        [help_text] = await sms.text("HELP")
        assert help_text.startswith("Cafe Calm Massage: ")
        assert "+1 503 555 0177" in help_text

    def broken_profile():
        raise ValueError("profile.yml: bad indentation")

    async with sms_app(profile_loader=broken_profile) as sms:
        [help_text] = await sms.text("HELP")
        assert "Reply STOP to opt out." in help_text
        [confirmation] = await sms.text("STOP")
        assert "unsubscribed" in confirmation


# -- the shared guard: screen, rate limit, never silent ------------------------------------


@pytest.mark.asyncio
async def test_control_characters_are_dropped_before_keywords_and_the_bot(sms_app):
    async with sms_app() as sms:
        [confirmation] = await sms.text("ST\x00OP\x07")
        assert "unsubscribed" in confirmation
        assert await sms.text("START") != []
        await sms.text("hours\x1b?\u202e")
        assert sms.agent.texts == ["hours?"]


@pytest.mark.asyncio
async def test_a_long_text_is_cut_and_the_reply_says_only_the_first_part_was_read(sms_app):
    async with sms_app() as sms:
        bodies = await sms.text("tell me more " * 120)  # 1,560 characters, under Twilio's 1,600
        assert len(sms.agent.texts[0]) <= 1000
        assert bodies[0].startswith("Your text was long, so I only read the first part.")
        assert "You said: tell me more" in "\n".join(bodies)
        assert all(sms_segments(body) <= 2 for body in bodies)


def limit_with_fake_clock(sms: SmsHarness, burst: int, refill_seconds: float) -> FakeClock:
    clock = FakeClock()
    sms.channel.guard.limiter = SenderRateLimiter(RateLimit(burst, refill_seconds), clock)
    return clock


@pytest.mark.asyncio
async def test_over_the_rate_limit_one_polite_reply_then_silence_until_refilled(sms_app):
    async with sms_app() as sms:
        clock = limit_with_fake_clock(sms, burst=2, refill_seconds=5)
        assert await sms.text("one") == ["You said: one"]
        assert await sms.text("two") == ["You said: two"]
        [slow_down] = await sms.text("three")
        assert "faster than I can read" in slow_down and "send it again" in slow_down
        assert slow_down.isascii() and sms_segments(slow_down) <= 2
        assert await sms.text("four") == []  # told once; silence now
        assert await sms.text("five") == []
        assert sms.agent.texts == ["one", "two"]  # refused texts never reached the bot
        # STOP always works, even over the limit.
        [confirmation] = await sms.text("STOP")
        assert "unsubscribed" in confirmation
        clock.advance(10)  # the bucket refills: one text every 5 s
        assert await sms.text("START") != []
        assert await sms.text("six") == ["You said: six"]


@pytest.mark.asyncio
async def test_an_opted_out_number_never_hears_slow_down(sms_app):
    async with sms_app() as sms:
        limit_with_fake_clock(sms, burst=1, refill_seconds=60)
        await sms.text("STOP")
        for _ in range(4):
            assert await sms.text("hello?") == []


@pytest.mark.asyncio
async def test_a_refused_text_is_not_remembered_for_its_message_sid(sms_app):
    async with sms_app() as sms:
        clock = limit_with_fake_clock(sms, burst=1, refill_seconds=5)
        await sms.text("first")
        params = sms.params("second", sid="SM" + "f" * 32)
        assert message_bodies((await sms.post(params))[1])[0].startswith("You're texting")
        clock.advance(5)
        # Twilio's redelivery, once the bucket has refilled, is answered for real.
        assert message_bodies((await sms.post(params))[1]) == ["You said: second"]


@pytest.mark.asyncio
async def test_silence_from_a_dead_action_server_names_booking_in_sms_wording(sms_app):
    async with sms_app(agent=DeadActionServerAgent()) as sms:
        [body] = await sms.text("I'd like to book a massage")
        assert body.startswith("Sorry, booking by text is briefly unavailable.")
        assert PRACTICE.phone in body and body.isascii()
    async with sms_app(agent=DeadActionServerAgent("action_handoff")) as sms:
        [body] = await sms.text("can I talk to a person")
        assert body.startswith("Sorry, talking to a therapist by text is briefly unavailable.")
        assert PRACTICE.phone in body


def test_from_credentials_reads_the_rate_limit(monkeypatch, tmp_path):
    monkeypatch.setenv("SMS_STATE_PATH", str(tmp_path / "s.db"))
    channel = SmsInput.from_credentials({"rate_limit": {"burst": 4, "refill_seconds": 3}})
    assert channel.guard.limiter.limit == RateLimit(4, 3.0)
