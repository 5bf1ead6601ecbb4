"""The real assistant with its action server down (the action endpoint is a closed
port): answers that need no custom action still work, and booking or handoff get a
clear "briefly unavailable, please call" with the practice's phone, on REST, SMS and
the web chat. This Rasa also requires signed web chat tokens and real Twilio
signatures, and its rate limit never refills, so those run end to end here too."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import aiohttp
import pytest
from twilio.request_validator import RequestValidator

from bot.channels.chat_token import mint_chat_token
from bot.practice.profile import current_profile
from tests.conftest import MODEL, REPO, require_model
from tests.net import free_port
from tests.stand_ins import WidgetClient, connection_outcome

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

SMS_TOKEN = "outage-test-twilio-token"
CHAT_SECRET = "outage-test-chat-secret"
SMS_PATH = "/webhooks/sms/webhook"


@pytest.fixture(scope="module")
def bot_without_actions(tmp_path_factory) -> Iterator[str]:
    """Rasa alone, pointed at an action server that is not there; yields its base URL."""
    from bot.cli.serve import api_token, isolated_env, rasa_server_command, stop_all, wait_for, write_local_endpoints

    require_model()
    workdir: Path = tmp_path_factory.mktemp("no-action-server")
    closed_port, rasa_port = free_port(), free_port()  # nothing will listen on closed_port
    endpoints = write_local_endpoints(workdir / "endpoints.yml", closed_port, workdir / "conversations.db")
    env = isolated_env(
        workdir,
        TWILIO_AUTH_TOKEN=SMS_TOKEN,
        WEBCHAT_JWT_SECRET=CHAT_SECRET,
        # 10 messages per sender and no refill during the test: the flood counts are exact.
        CHANNEL_RATE_LIMIT_REFILL_SECONDS="3600",
    )
    for name in ("SMS_ALLOW_UNSIGNED", "SMS_PUBLIC_URL", "CHANNEL_RATE_LIMIT_BURST", "CHANNEL_RATE_LIMIT_MAX_SENDERS"):
        env.pop(name, None)
    with open(workdir / "rasa.log", "wb") as log:
        process = subprocess.Popen(
            rasa_server_command(rasa_port, MODEL, str(endpoints), token=api_token(env)),
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{rasa_port}/", 300, process)
            yield f"http://127.0.0.1:{rasa_port}"
        except (RuntimeError, TimeoutError) as problem:
            tail = (workdir / "rasa.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"could not start Rasa: {problem}\n{tail}")
        finally:
            stop_all([process])


@pytest.fixture(scope="module")
def phone() -> str:
    return current_profile().phone


async def rest_texts(base: str, sender: str, message: str) -> str:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        async with session.post(base + "/webhooks/rest/webhook", json={"sender": sender, "message": message}) as resp:
            assert resp.status == 200, await resp.text()
            return "\n".join(reply.get("text", "") for reply in await resp.json())


def sms_fields(body: str, sender: str, **extra: str) -> Dict[str, str]:
    sid = "SM" + uuid.uuid4().hex
    fields = {"MessageSid": sid, "SmsSid": sid, "From": sender, "To": "+14155550101", "Body": body, "NumMedia": "0"}
    fields.update(extra)
    return fields


async def send_sms(base: str, fields: Dict[str, str]) -> Tuple[int, List[str]]:
    url = base + SMS_PATH
    signature = RequestValidator(SMS_TOKEN).compute_signature(url, fields)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        async with session.post(url, data=fields, headers={"X-Twilio-Signature": signature}) as resp:
            text = await resp.text()
            if resp.status != 200:
                return resp.status, [text]
            return 200, [element.text or "" for element in ElementTree.fromstring(text).findall("Message")]


def new_number() -> str:
    return "+1503555" + str(uuid.uuid4().int)[:4]


# -- REST --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_rest_answers_from_domain_responses_and_explains_the_rest(bot_without_actions, phone):
    base = bot_without_actions
    article = (await rest_texts(base, "outage-faq", "why glutes?")).lower()
    assert "every step" in article and "upper and lower body" in article

    booking = await rest_texts(base, "outage-book", "I'd like to book a massage")
    assert "booking here is briefly unavailable" in booking and phone in booking

    person = await rest_texts(base, "outage-person", "can I talk to a person")
    assert "talking to a therapist here is briefly unavailable" in person and phone in person


# -- SMS ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_sms_explains_the_outage_in_sms_wording(bot_without_actions, phone):
    status, [booking] = await send_sms(bot_without_actions, sms_fields("I'd like to book a massage", new_number()))
    assert status == 200
    assert booking.startswith("Sorry, booking by text is briefly unavailable.") and phone in booking
    status, [person] = await send_sms(bot_without_actions, sms_fields("can I talk to a person", new_number()))
    assert "talking to a therapist by text is briefly unavailable" in person and phone in person


@pytest.mark.asyncio
async def test_sms_odd_requests_get_4xx_or_a_friendly_reply(bot_without_actions):
    base = bot_without_actions
    no_body = {k: v for k, v in sms_fields("", new_number()).items() if k != "Body"}
    status, [reply] = await send_sms(base, no_body)
    assert status == 200 and "type your question" in reply
    status, _ = await send_sms(base, {k: v for k, v in sms_fields("hi", new_number()).items() if k != "From"})
    assert status == 400
    status, [reply] = await send_sms(base, sms_fields("\x00\x07\u202e", new_number()))
    assert status == 200 and "type your question" in reply
    async with aiohttp.ClientSession() as session:
        async with session.post(
            base + SMS_PATH, data=b"\xff\xfe=\xfd", headers={"Content-Type": "application/x-www-form-urlencoded"}
        ) as resp:
            assert resp.status == 400
        async with session.post(base + SMS_PATH, json={"Body": "hi"}) as resp:
            assert resp.status == 415


@pytest.mark.asyncio
async def test_sms_flood_gets_one_slow_down_then_silence(bot_without_actions):
    number = new_number()
    # Blank texts: answered by the channel itself, so the flood costs no NLU work.
    results = await asyncio.gather(*(send_sms(bot_without_actions, sms_fields(" ", number)) for _ in range(15)))
    assert {status for status, _ in results} == {200}
    replies = [bodies for _, bodies in results]
    prompts = [r for r in replies if r and "type your question" in r[0]]
    slow_downs = [r for r in replies if r and "faster than I can read" in r[0]]
    silent = [r for r in replies if r == []]
    assert (len(prompts), len(slow_downs), len(silent)) == (10, 1, 4)


# -- web chat ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_web_chat_needs_a_signed_token_and_explains_the_outage(bot_without_actions, phone):
    base = bot_without_actions
    assert await connection_outcome(base, None) == "refused"
    assert await connection_outcome(base, {"token": mint_chat_token("not-the-secret")}) == "refused"

    client = await WidgetClient(base, auth={"token": mint_chat_token(CHAT_SECRET)}).connect()
    try:
        await client.say("why glutes?")
        article = await client.next_bot_message(timeout=120)
        assert "every step" in article["text"].lower()
        await client.say("can I talk to a person")
        person = await client.next_bot_message(timeout=120)
        assert "talking to a therapist here is briefly unavailable" in person["text"]
        assert phone in person["text"]
    finally:
        await client.close()
