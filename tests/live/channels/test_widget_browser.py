"""The chat widget in a real headless Chromium, driven over the DevTools protocol.

Needs /usr/bin/chromium (Debian package `chromium`); no chromedriver or selenium: the
test speaks the DevTools protocol itself over aiohttp's websocket client.
Two runs of the same scenario:
- against a stand-in Rasa (Rasa's socket.io channel code with scripted answers), so
  the widget is checked without a trained model;
- against the real assistant from the `running_bot` fixture.
Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional

import aiohttp
import pytest

from bot.channels.webchat import WebChatInput
from bot.web.page_server import SOCKET_IO_DIST, start_web

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
QUESTION = "how will I be covered?"
PHONE_SCREEN = {"width": 412, "height": 860, "deviceScaleFactor": 1, "mobile": True}

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def _require_browser_setup() -> None:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's `chromium` package to run the widget browser tests")
    if not (SOCKET_IO_DIST / "socket.io.min.js").is_file():
        pytest.skip("socket.io-client is missing from node_modules: run `npm ci` in the repo root")


class DevToolsPage:
    """Just enough of the Chrome DevTools protocol to drive one page."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self._pending: Dict[int, asyncio.Future] = {}
        self.exceptions: List[str] = []
        self.console_errors: List[str] = []
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for frame in self.ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            message = json.loads(frame.data)
            if "id" in message:
                future = self._pending.pop(message["id"], None)
                if future and not future.done():
                    future.set_result(message)
            elif message.get("method") == "Runtime.exceptionThrown":
                details = message["params"]["exceptionDetails"]
                self.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
            elif message.get("method") == "Log.entryAdded":
                entry = message["params"]["entry"]
                if entry.get("level") == "error":
                    self.console_errors.append(f"{entry.get('text')} ({entry.get('url', '')})")

    async def send(self, method: str, **params: Any) -> Dict[str, Any]:
        message_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self.ws.send_str(json.dumps({"id": message_id, "method": method, "params": params}))
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, what: str, timeout: float = 30) -> Any:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await asyncio.sleep(0.1)

    async def open(self, url: str) -> None:
        await self.send("Page.navigate", url=url)
        await self.wait_for("document.readyState === 'complete'", f"{url} to load")

    async def reload(self) -> None:
        await self.evaluate("window.__beforeReload = true")
        await self.send("Page.reload", ignoreCache=True)
        await self.wait_for("!window.__beforeReload && document.readyState === 'complete'", "the page to reload")

    async def key(self, key: str, code: str, key_code: int, text: Optional[str] = None) -> None:
        down = {"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": key_code}
        if text:
            down["text"] = text
        await self.send("Input.dispatchKeyEvent", **down)
        await self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=key_code)

    async def type_text(self, text: str) -> None:
        await self.send("Input.insertText", text=text)

    async def click(self, selector_expression: str) -> None:
        """A real mouse click in the middle of the element the expression returns."""
        box = await self.evaluate(
            f"(() => {{ const el = {selector_expression}; el.scrollIntoView({{block: 'nearest'}});"
            " const r = el.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for event in ("mouseMoved", "mousePressed", "mouseReleased"):
            await self.send("Input.dispatchMouseEvent", type=event, x=box["x"], y=box["y"], button="left", clickCount=1)

    async def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()


class HeadlessChromium:
    """Starts /usr/bin/chromium with a fresh profile and attaches to its first page."""

    def __init__(self) -> None:
        self.profile_dir = tempfile.mkdtemp(prefix="widget-chromium-")
        self.process: Optional[asyncio.subprocess.Process] = None
        self.session: Optional[aiohttp.ClientSession] = None
        self.page: Optional[DevToolsPage] = None

    async def __aenter__(self) -> DevToolsPage:
        log = open(Path(self.profile_dir) / "chromium.log", "wb")
        self.process = await asyncio.create_subprocess_exec(
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self.profile_dir}",
            "about:blank",
            stdout=log,
            stderr=log,
        )
        log.close()
        port_file = Path(self.profile_dir) / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            if self.process.returncode is not None:
                raise RuntimeError("Chromium exited at start: see " + str(port_file.parent / "chromium.log"))
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError("Chromium did not open its DevTools port within 30 s")
        port = int(port_file.read_text().split()[0])
        self.session = aiohttp.ClientSession()
        async with self.session.get(f"http://127.0.0.1:{port}/json/list") as resp:
            targets = await resp.json(content_type=None)
        page_target = next(t for t in targets if t.get("type") == "page")
        ws = await self.session.ws_connect(page_target["webSocketDebuggerUrl"], max_msg_size=0)
        self.page = DevToolsPage(ws)
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            await self.page.send(domain)
        await self.page.send("Emulation.setDeviceMetricsOverride", **PHONE_SCREEN)
        return self.page

    async def __aexit__(self, *exc: Any) -> None:
        if self.page:
            await self.page.close()
        if self.session:
            await self.session.close()
        if self.process and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except asyncio.TimeoutError:
                self.process.kill()
                await self.process.wait()
        shutil.rmtree(self.profile_dir, ignore_errors=True)


# Page-side helpers, evaluated in the browser.
BOT_TEXTS = "[...document.querySelectorAll('.mcw-msg-bot:not(.mcw-msg-note) .mcw-bubble')].map(e => e.textContent)"
USER_TEXTS = "[...document.querySelectorAll('.mcw-msg-user .mcw-bubble')].map(e => e.textContent)"
PANEL_OPEN = "!document.querySelector('.mcw-panel').hidden"
ENABLED_REPLY = "[...document.querySelectorAll('.mcw-reply:not(:disabled)')].pop()"


async def widget_scenario(page: DevToolsPage, page_url: str, screenshot_name: str) -> Dict[str, Any]:
    """Ask the product question, click a quick reply, reload; return what was seen."""
    seen: Dict[str, Any] = {}
    await page.open(page_url)

    # Keyboard only: Tab to the launcher, Enter opens the chat with the input focused.
    for _ in range(30):
        if await page.evaluate("document.activeElement === document.querySelector('.mcw-launcher')"):
            break
        await page.key("Tab", "Tab", 9)
    else:
        raise AssertionError("the chat launcher is not reachable with the Tab key")
    await page.key("Enter", "Enter", 13, "\r")
    await page.wait_for(PANEL_OPEN, "the chat panel to open")
    await page.wait_for("document.activeElement && document.activeElement.id === 'mcw-input'", "focus in the input")
    await page.wait_for("document.querySelector('.mcw-status').textContent === ''", "the session to connect")
    seen["welcome"] = (await page.evaluate(BOT_TEXTS))[0]

    await page.evaluate(
        "window.__typingSeen = false; new MutationObserver(() => {"
        " if (!document.querySelector('.mcw-typing').hidden) window.__typingSeen = true; })"
        ".observe(document.querySelector('.mcw-typing'), {attributes: true})"
    )
    bots_before = len(await page.evaluate(BOT_TEXTS))
    await page.type_text(QUESTION)
    await page.key("Enter", "Enter", 13, "\r")
    await page.wait_for(f"{BOT_TEXTS}.length > {bots_before}", "the bot's answer", timeout=60)
    await asyncio.sleep(0.5)  # let any follow-up messages of the same answer arrive
    seen["typing_seen"] = await page.evaluate("window.__typingSeen")
    seen["answer"] = (await page.evaluate(BOT_TEXTS))[bots_before]
    seen["announced"] = await page.evaluate("document.querySelector('.mcw-live').textContent")

    reply_title = await page.evaluate(f"({ENABLED_REPLY} || {{}}).textContent")
    assert reply_title, "no quick reply to click after the answer"
    seen["reply_title"] = reply_title
    bots_before = len(await page.evaluate(BOT_TEXTS))
    await page.click(ENABLED_REPLY)
    await page.wait_for(f"{USER_TEXTS}.includes({json.dumps(reply_title)})", "the chosen reply in the transcript")
    await page.wait_for(f"{BOT_TEXTS}.length > {bots_before}", "the answer to the quick reply", timeout=60)
    await asyncio.sleep(0.5)
    seen["after_reply"] = (await page.evaluate(BOT_TEXTS))[bots_before]
    seen["html_elements_in_bubbles"] = await page.evaluate("document.querySelectorAll('.mcw-bubble *:not(a)').length")
    seen["transcript_before_reload"] = await page.evaluate(BOT_TEXTS + ".concat(" + USER_TEXTS + ")")

    await page.reload()
    await page.wait_for(PANEL_OPEN, "the chat to be open again after the reload")
    seen["user_after_reload"] = await page.evaluate(USER_TEXTS)
    seen["bot_after_reload"] = await page.evaluate(BOT_TEXTS)
    seen["chosen_reply_disabled"] = await page.evaluate(
        f"[...document.querySelectorAll('.mcw-reply')].filter(b => b.textContent === {json.dumps(reply_title)})"
        ".every(b => b.disabled)"
    )
    await page.wait_for("document.querySelector('.mcw-status').textContent === ''", "the session to reconnect")
    await page.screenshot(ARTIFACTS / screenshot_name)
    seen["exceptions"] = page.exceptions
    seen["console_errors"] = page.console_errors
    return seen


def _web_port(runner) -> int:
    return runner.addresses[0][1]


@pytest.mark.asyncio
async def test_widget_against_scripted_rasa(fake_rasa):
    _require_browser_setup()
    channel = WebChatInput("user_uttered", "bot_uttered", None, True)  # loopback origins allowed
    async with fake_rasa(channel) as (rasa_url, agent):
        runner = await start_web("127.0.0.1", 0, rasa_url)
        try:
            async with HeadlessChromium() as page:
                seen = await widget_scenario(page, f"http://127.0.0.1:{_web_port(runner)}/", "widget_scripted_rasa.png")
        finally:
            await runner.cleanup()

    assert seen["exceptions"] == [] and seen["console_errors"] == []
    assert "assistant" in seen["welcome"]
    assert seen["typing_seen"], "the typing indicator never showed"
    assert "draped with a sheet" in seen["answer"]
    assert seen["answer"] in seen["announced"], "the answer was not put in the live region"
    assert seen["reply_title"] == "Book a visit"  # the last offered quick reply
    assert seen["after_reply"] == "You said: /book_appointment"
    # The payload went to the bot; the title is what the client saw.
    assert [m.text for m in agent.received] == [QUESTION, "/book_appointment"]
    assert len({m.sender_id for m in agent.received}) == 1
    assert seen["html_elements_in_bubbles"] == 0
    assert seen["user_after_reload"] == [QUESTION, "Book a visit"]
    assert any("draped with a sheet" in text for text in seen["bot_after_reload"])
    assert seen["chosen_reply_disabled"]
    assert (ARTIFACTS / "widget_scripted_rasa.png").stat().st_size > 10_000


@pytest.mark.asyncio
async def test_markup_stays_text_escape_closes_and_start_over_begins_a_new_session(fake_rasa):
    _require_browser_setup()
    async with fake_rasa(WebChatInput("user_uttered", "bot_uttered", None, True)) as (rasa_url, agent):
        runner = await start_web("127.0.0.1", 0, rasa_url)
        try:
            async with HeadlessChromium() as page:
                await page.open(f"http://127.0.0.1:{_web_port(runner)}/")
                await page.click("document.querySelector('.mcw-launcher')")
                await page.wait_for(PANEL_OPEN, "the chat panel")
                await page.type_text("/thanks")
                await page.key("Enter", "Enter", 13, "\r")
                await page.wait_for(f"{BOT_TEXTS}.some(t => t.includes('Anything'))", "the reply")
                texts = await page.evaluate(BOT_TEXTS)
                bold = await page.evaluate("document.querySelectorAll('.mcw-log b').length")

                first_session = await page.evaluate("localStorage.getItem('massage-chat:session')")
                await page.click("document.querySelector('.mcw-restart')")
                after_restart = await page.evaluate(BOT_TEXTS + ".concat(" + USER_TEXTS + ")")
                await page.type_text("hello again")
                await page.key("Enter", "Enter", 13, "\r")
                await page.wait_for(f"{BOT_TEXTS}.includes('You said: hello again')", "the reply in the new session")
                second_session = await page.evaluate("localStorage.getItem('massage-chat:session')")

                # Escape closes the panel and gives focus back to the launcher.
                await page.key("Escape", "Escape", 27)
                await page.wait_for("document.querySelector('.mcw-panel').hidden", "the panel to close")
                focused = await page.evaluate("document.activeElement.className")
                exceptions = page.exceptions
        finally:
            await runner.cleanup()
    assert exceptions == []
    assert "You're welcome! <b>Anything</b> else?" in texts
    assert bold == 0
    assert len(after_restart) == 1 and "assistant" in after_restart[0]  # only the greeting
    assert first_session and second_session and first_session != second_session
    assert [m.sender_id for m in agent.received] == [first_session, second_session]
    assert focused == "mcw-launcher"


@pytest.mark.asyncio
async def test_widget_against_the_running_bot(running_bot):
    _require_browser_setup()
    runner = await start_web("127.0.0.1", 0, running_bot)
    try:
        async with HeadlessChromium() as page:
            seen = await widget_scenario(page, f"http://127.0.0.1:{_web_port(runner)}/", "widget_running_bot.png")
    finally:
        await runner.cleanup()

    assert seen["exceptions"] == [], seen["exceptions"]
    assert seen["typing_seen"]
    answer = seen["answer"].lower()
    assert "sheet" in answer or "drape" in answer, seen["answer"]
    assert seen["answer"] in seen["announced"]
    assert seen["after_reply"]
    assert QUESTION in seen["user_after_reload"] and seen["reply_title"] in seen["user_after_reload"]
    assert seen["answer"] in seen["bot_after_reload"]


@pytest.mark.asyncio
async def test_widget_fetches_a_signed_token_when_the_channel_requires_one(fake_rasa):
    _require_browser_setup()
    secret = "browser-test-secret"
    channel = WebChatInput("user_uttered", "bot_uttered", None, True, jwt_key=secret)
    cant_reach = "document.querySelector('.mcw-status').textContent.includes(\"Can't reach\")"
    async with fake_rasa(channel) as (rasa_url, agent):
        unsigned = await start_web("127.0.0.1", 0, rasa_url)  # a page that has no token to give
        signed = await start_web("127.0.0.1", 0, rasa_url, chat_token_secret=secret)
        try:
            async with HeadlessChromium() as page:
                await page.open(f"http://127.0.0.1:{_web_port(unsigned)}/")
                await page.click("document.querySelector('.mcw-launcher')")
                await page.wait_for(PANEL_OPEN, "the chat panel")
                await page.type_text("hello without a token")
                await page.key("Enter", "Enter", 13, "\r")
                await page.wait_for(cant_reach, "the refused connection to show")

                # The signed page, while the channel briefly expects another key: refused
                # first, then the widget retries with a fresh token and gets through.
                channel.jwt_key = "rotated-elsewhere"
                await page.open(f"http://127.0.0.1:{_web_port(signed)}/")
                await page.click("document.querySelector('.mcw-launcher')")
                await page.wait_for(PANEL_OPEN, "the chat panel")
                await page.type_text("hello with a token")
                await page.key("Enter", "Enter", 13, "\r")
                await page.wait_for(cant_reach, "the first refusal to show")
                channel.jwt_key = secret
                await page.wait_for(
                    f"{BOT_TEXTS}.includes('You said: hello with a token')", "the reply after a retry", timeout=30
                )
                exceptions = list(page.exceptions)
        finally:
            await signed.cleanup()
            await unsigned.cleanup()
    assert exceptions == []
    assert [m.text for m in agent.received] == ["hello with a token"]
