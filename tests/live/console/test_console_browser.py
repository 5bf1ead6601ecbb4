"""The staff console in a real headless Chromium against the live assistant.

One scenario, as a front-desk person would go through it: log in; a booking made over
REST appears in the inbox without a reload; handle it; open its transcript; a client
in the web widget asks for a person, staff answer from the console and the client's
widget shows it; hand back to the assistant, which answers again; label a message
from the review queue and find it in the exported training file. Screenshots of the
inbox, a transcript, the review queue and the dashboard go to tests/artifacts/.

The console runs as `python -m bot.console` with the session's servers' databases;
its staff account is made with `python -m bot staff add`.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import yaml

from bot.channels.notices import CHAT, team_will_reply
from bot.cli.serve import stop_all, wait_for
from bot.conversations.controls import Controls
from bot.paths import REPO_ROOT
from bot.practice.profile import DEFAULT_PROFILE_PATH
from bot.requests.store import RequestStore
from bot.web.page_server import start_web
from tests.live.channels.test_widget_browser import (
    BOT_TEXTS,
    PANEL_OPEN,
    USER_TEXTS,
    DevToolsPage,
    HeadlessChromium,
    _require_browser_setup,
)
from tests.live.test_rest import say, texts
from tests.net import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.timeout(600)]

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
DESKTOP = {"width": 1280, "height": 1000, "deviceScaleFactor": 1, "mobile": False}
TUESDAY_MORNING = "2026-12-01T10:00:00-08:00"  # open: a handoff goes to a therapist now
STAFF, PASSWORD = "maya", "front desk password 1"
# Messages no model understands well; any of them lands in the review queue (unsure,
# not understood, or a boundary reply), whichever way a retrained model leans.
UNSURE = ["blorfy snazzle wumpkin?", "zorp quibble fentwhistle", "mlem grobnik tazz vurp"]
STAFF_REPLY = "Hi Sam, it's Maya from the front desk. What time suits you for a call?"


@pytest.fixture
def console_url(running_bot: str, bot_env: Dict[str, str], bot_workdir: Path, tmp_path: Path) -> Iterator[str]:
    profile = tmp_path / "profile.yml"
    shutil.copy(DEFAULT_PROFILE_PATH, profile)
    env = dict(
        bot_env,
        BOT_TRACKER_URL=f"sqlite:///{bot_workdir / 'conversations.db'}",
        RASA_URL=running_bot,
        STAFF_SESSION_SECRET=uuid.uuid4().hex,
        BOT_REVIEWED_NLU=str(tmp_path / "reviewed.yml"),
        PRACTICE_PROFILE=str(profile),
    )
    added = subprocess.run(
        [sys.executable, "-m", "bot", "staff", "add", STAFF],
        input=PASSWORD + "\n",
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0 or "already a staff account" in added.stderr, added.stderr
    port = free_port()
    log = open(tmp_path / "console.log", "wb")
    console = subprocess.Popen(
        [sys.executable, "-m", "bot.console", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/login", 60, console)
        yield f"http://127.0.0.1:{port}"
    except (RuntimeError, TimeoutError) as exc:
        pytest.fail(f"the console did not start: {exc}\n{(tmp_path / 'console.log').read_text()[-3000:]}")
    finally:
        stop_all([console])
        log.close()


async def settle(page: DevToolsPage, expression: str, what: str, timeout: float = 30) -> Any:
    """wait_for that rides out page loads (an evaluation during navigation fails)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            value = await page.evaluate(expression)
            if value:
                return value
        except RuntimeError:
            pass
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def set_value(page: DevToolsPage, selector: str, value: str) -> None:
    await page.evaluate(
        f"(() => {{ const el = document.querySelector({json.dumps(selector)}); el.focus();"
        f" el.value = {json.dumps(value)}; el.dispatchEvent(new Event('input', {{bubbles: true}})); }})()"
    )


async def click_and_load(page: DevToolsPage, selector_expression: str, then: str, what: str) -> None:
    await page.evaluate("window.__leaving = true")
    await page.click(selector_expression)
    await settle(page, f"!window.__leaving && document.readyState === 'complete' && ({then})", what)


async def full_page_screenshot(page: DevToolsPage, path: Path) -> None:
    """The whole page, not only the window (the dashboard is long)."""
    import base64

    metrics = await page.send("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 4000), "scale": 1}
    shot = await page.send("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip=clip)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["data"]))


def with_rest_on(env: Dict[str, str]) -> None:
    """Never leave the session's servers with the assistant off for REST (other tests use them)."""
    import time

    Controls(env["BOT_DATABASE_URL"]).set_assistant("rest", True, "test")
    time.sleep(2.5)


def flash_text() -> str:
    return "[...document.querySelectorAll('.flash')].map(e => e.textContent).join(' ')"


@pytest.mark.asyncio
async def test_front_desk_day_in_the_console(running_bot, bot_env, console_url, pinned_clock, tmp_path):
    _require_browser_setup()
    pinned_clock(TUESDAY_MORNING)
    widget_server = await start_web("127.0.0.1", 0, running_bot)
    widget_url = f"http://127.0.0.1:{widget_server.addresses[0][1]}/"
    try:
        async with HeadlessChromium() as staff, HeadlessChromium() as client:
            await staff.send("Emulation.setDeviceMetricsOverride", **DESKTOP)

            # -- log in ---------------------------------------------------------------
            await staff.open(console_url + "/")
            assert await staff.evaluate("!!document.querySelector('form[action=\"/login\"]')")
            await set_value(staff, "input[name=name]", STAFF)
            await set_value(staff, "input[name=password]", PASSWORD)
            await click_and_load(
                staff,
                "document.querySelector('form[action=\"/login\"] button')",
                "!!document.getElementById('request-rows')",
                "the inbox",
            )

            # -- a booking over REST appears without a reload -----------------------------
            await staff.evaluate("window.__sameInbox = true")
            sender = f"booker-{uuid.uuid4().hex[:6]}"
            say(running_bot, sender, "Book Jane Doe, 415 555 0142, next Tuesday 3pm, a 60 minute massage with glutes")
            say(running_bot, sender, "no")
            done = texts(say(running_bot, sender, "/affirm"))
            assert "reference RB-" in done, done
            reference = done.split("reference ")[1].split(")")[0]
            row = f"document.getElementById({json.dumps(reference)})"
            await settle(staff, f"!!{row}", "the new booking in the inbox", timeout=30)
            assert await staff.evaluate("window.__sameInbox === true"), "the inbox reloaded"
            row_text = await staff.evaluate(f"{row}.textContent")
            assert "Jane Doe" in row_text and "+14155550142" in row_text and "REST" in row_text
            await asyncio.sleep(2.6)  # let the arrival highlight fade before the picture
            await staff.screenshot(ARTIFACTS / "console_inbox.png")

            # -- handle it --------------------------------------------------------------------
            await click_and_load(
                staff,
                f"{row}.querySelector('form[action$=\"/handle\"] button')",
                f"!{row}",
                "the inbox without the booking",
            )
            assert "marked handled" in await staff.evaluate(flash_text())
            with RequestStore(bot_env["BOT_DATABASE_URL"]) as store:
                handled = store.get(reference)
            assert (handled.status, handled.handled_by) == ("handled", STAFF)

            # -- its transcript ------------------------------------------------------------------
            await staff.open(console_url + "/?status=handled")
            await click_and_load(
                staff,
                f"document.getElementById({json.dumps(reference)}).querySelector('a[href^=\"/conversation\"]')",
                "!!document.getElementById('transcript')",
                "the transcript",
            )
            transcript = await staff.evaluate("document.getElementById('transcript').textContent")
            assert "Book Jane Doe, 415 555 0142" in transcript and reference in transcript
            await full_page_screenshot(staff, ARTIFACTS / "console_transcript.png")

            # -- a web-chat client asks for a person; staff answer from the console -------------------
            await client.open(widget_url)
            await client.click("document.querySelector('.mcw-launcher')")
            await client.wait_for(PANEL_OPEN, "the chat panel")
            await client.wait_for("document.querySelector('.mcw-status').textContent === ''", "the chat to connect")
            # The client answers what the assistant asks, until it steps back for a person.
            answers = {
                "name": "Sam Lee",
                "phone": "415 555 0199",
                "talk about": "which massage suits a marathon runner",
            }
            message = "can I talk to a person please"
            for _ in range(6):
                before = len(await client.evaluate(BOT_TEXTS))
                await client.type_text(message)
                await client.key("Enter", "Enter", 13, "\r")
                await client.wait_for(f"{BOT_TEXTS}.length > {before}", f"the reply to {message!r}", timeout=60)
                await asyncio.sleep(1)
                asked = " ".join((await client.evaluate(BOT_TEXTS))[before:]).lower()
                if "step back" in asked:
                    break
                message = next((answer for cue, answer in answers.items() if cue in asked), None)
                assert message, f"unexpected question from the assistant: {asked}"
            else:
                raise AssertionError("the assistant never handed the chat to a person")
            session_id = await client.evaluate("localStorage.getItem('massage-chat:session')")

            await staff.open(console_url + "/conversations?filter=paused")
            await click_and_load(
                staff,
                f"document.querySelector('a[href=\"/conversation?id={session_id}\"]')",
                "!!document.getElementById('reply-form')",
                "the paused conversation",
            )
            assert "Assistant paused" in await staff.evaluate("document.body.textContent")
            await set_value(staff, "#reply-text", STAFF_REPLY)
            before = len(await client.evaluate(BOT_TEXTS))
            await click_and_load(
                staff,
                "document.querySelector('#reply-form button')",
                "!!document.getElementById('transcript')",
                "the reply sent",
            )
            assert "Sent to the client's web chat." in await staff.evaluate(flash_text())
            await client.wait_for(f"{BOT_TEXTS}.includes({json.dumps(STAFF_REPLY)})", "the staff reply in the widget")
            assert (await client.evaluate(BOT_TEXTS))[before:] == [STAFF_REPLY]
            await client.screenshot(ARTIFACTS / "console_widget_staff_reply.png")
            assert STAFF_REPLY in await staff.evaluate("document.getElementById('transcript').textContent")

            # -- hand back: the assistant answers again --------------------------------------------
            await click_and_load(
                staff,
                "document.querySelector('#hand-back-form button')",
                "!!document.querySelector('.flash')",
                "hand back",
            )
            assert "back on" in await staff.evaluate(flash_text())
            before = len(await client.evaluate(BOT_TEXTS))
            await client.type_text("why glutes?")
            await client.key("Enter", "Enter", 13, "\r")
            await client.wait_for(
                f"{BOT_TEXTS}.length > {before}", "the assistant's answer after hand back", timeout=60
            )
            await asyncio.sleep(1)
            assert "every step" in " ".join((await client.evaluate(BOT_TEXTS))[before:])
            assert "why glutes?" in await client.evaluate(USER_TEXTS)

            # -- label a review item and find it in the exported training file ------------------------
            for text in UNSURE:
                say(running_bot, f"unsure-{uuid.uuid4().hex[:6]}", text)
            await staff.open(console_url + "/review")
            item = (
                "[...document.querySelectorAll('.review-item')]"
                f".find(li => {json.dumps(UNSURE)}.includes(li.querySelector('blockquote').textContent))"
            )
            await settle(staff, f"!!{item}", "an unsure message in the review queue")
            labelled_text = await staff.evaluate(f"{item}.querySelector('blockquote').textContent")
            item = (
                "[...document.querySelectorAll('.review-item')]"
                f".find(li => li.querySelector('blockquote').textContent === {json.dumps(labelled_text)})"
            )
            await staff.screenshot(ARTIFACTS / "console_review.png")
            await staff.evaluate(f"{item}.querySelector('select[name=topic]').value = 'out_of_scope'")
            await click_and_load(
                staff,
                f"{item}.querySelector('select[name=topic]').closest('form').querySelector('button')",
                f"!{item}",
                "the item labelled",
            )
            await click_and_load(
                staff,
                "document.querySelector('form[action=\"/review/export\"] button')",
                "!!document.querySelector('.flash')",
                "the export",
            )
            assert "Exported" in await staff.evaluate(flash_text())

            # -- the dashboard -----------------------------------------------------------------
            await staff.open(console_url + "/dashboard?days=7")
            assert await staff.evaluate("document.querySelectorAll('svg.chart').length") == 4
            await full_page_screenshot(staff, ARTIFACTS / "console_dashboard.png")

            # -- the assistant switched off for REST: the message waits in the inbox -----------------
            await staff.open(console_url + "/controls")
            switch_rest = "document.querySelector('input[name=channel][value=rest]').form.querySelector('button')"
            await click_and_load(staff, switch_rest, "!!document.querySelector('.flash')", "the REST switch")
            try:
                await asyncio.sleep(2.5)  # the channels re-read the switches every 2 seconds
                waiting = f"rest-off-{uuid.uuid4().hex[:6]}"
                assert texts(say(running_bot, waiting, "are you open on sunday?")) == team_will_reply(CHAT)
                await staff.open(console_url + "/")
                await settle(
                    staff,
                    f"document.getElementById('held-list').textContent.includes({json.dumps(waiting)})",
                    "the held message",
                )
                assert "are you open on sunday?" in await staff.evaluate(
                    "document.getElementById('held-list').textContent"
                )
                await staff.open(console_url + "/conversation?id=" + waiting)
                held_turn = await staff.evaluate("document.getElementById('transcript').textContent")
                assert "are you open on sunday?" in held_turn and "Held for staff" in held_turn
            finally:
                with_rest_on(bot_env)
            exceptions = staff.exceptions + client.exceptions
    finally:
        await widget_server.cleanup()

    assert exceptions == []
    exported = yaml.safe_load((tmp_path / "reviewed.yml").read_text())
    labelled = {block["intent"]: block["examples"] for block in exported["nlu"]}
    assert f"- {labelled_text}" in labelled["out_of_scope"]
    for name in ("console_inbox.png", "console_transcript.png", "console_review.png", "console_dashboard.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
