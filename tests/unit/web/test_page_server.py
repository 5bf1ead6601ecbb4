"""The static server for the demo page and widget (no browser needed)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time

import aiohttp
import pytest
import pytest_asyncio

from bot.paths import REPO_ROOT
from bot.web.page_server import SOCKET_IO_DIST, STATIC_DIR, build_app, normalize_rasa_url, start_web


class Practice:
    name = "Riverside <Massage> & Co"
    phone = "+1 415 555 0100"
    booking_url = "https://riverside-massage.example/book"
    address = {"directions": "Upstairs.", "parking": "Street parking."}
    address_line = "120 Alder Street, Portland, OR 97205"
    weekly_hours = {"monday": (), "tuesday": ()}


async def fetch(base: str, path: str):
    async with aiohttp.ClientSession() as session:
        async with session.get(base + path) as resp:
            return resp.status, resp.headers, await resp.read()


@pytest_asyncio.fixture
async def web_server():
    runners = []

    async def start(rasa_url="http://127.0.0.1:5005", profile_loader=lambda: Practice(), chat_token_secret=None):
        runner = await start_web("127.0.0.1", 0, rasa_url, profile_loader, chat_token_secret)
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    yield start
    for runner in runners:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_page_is_filled_from_the_profile_and_escaped(web_server):
    base = await web_server()
    status, headers, body = await fetch(base, "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "Riverside &lt;Massage&gt; &amp; Co" in page and "<Massage>" not in page
    assert 'href="tel:+14155550100"' in page
    assert "120 Alder Street" in page
    assert "$" not in re.sub(r"\$\d", "", page), "a template placeholder was left unfilled"
    # Only our own scripts, in order: config, socket.io client, widget.
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == ["/config.js", "/vendor/socket.io.min.js", "/widget/chat-widget.js"]
    assert "http" not in "".join(re.findall(r"<(?:script|link)[^>]+>", page)).replace('href="data:,"', "")


@pytest.mark.asyncio
async def test_security_headers_allow_only_self_and_rasa(web_server):
    base = await web_server("https://bot.example-practice.com/")
    _, headers, _ = await fetch(base, "/")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "connect-src 'self' https://bot.example-practice.com wss://bot.example-practice.com" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.asyncio
async def test_config_js_carries_the_socket_url_and_cannot_break_out(web_server):
    class Sneaky(Practice):
        name = "</script><script>alert(1)</script>"

    base = await web_server("http://127.0.0.1:5005", lambda: Sneaky())
    status, headers, body = await fetch(base, "/config.js")
    text = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("application/javascript")
    assert "</script>" not in text
    config = json.loads(text.split("=", 1)[1].strip().rstrip(";"))
    assert config["socketUrl"] == "http://127.0.0.1:5005"
    assert config["socketPath"] == "/socket.io"
    assert config["phone"] == "+1 415 555 0100"
    assert [r["title"] for r in config["welcome"]["quickReplies"]] == [
        "Why include the glutes?",
        "How will I be covered?",
        "Is it okay while pregnant?",
    ]


@pytest.mark.asyncio
async def test_assets_come_from_our_folders_only(web_server):
    base = await web_server()
    for path, kind in [
        ("/widget/chat-widget.js", "application/javascript"),
        ("/widget/chat-widget.css", "text/css"),
        ("/widget/page.css", "text/css"),
    ]:
        status, headers, _ = await fetch(base, path)
        assert status == 200 and headers["Content-Type"].startswith(kind), path
    if (SOCKET_IO_DIST / "socket.io.min.js").is_file():
        status, _, body = await fetch(base, "/vendor/socket.io.min.js")
        assert status == 200 and b"Socket.IO v4" in body
    for path in ["/widget/index.html", "/widget/..%2Fserver.py", "/vendor/package.json", "/node_modules/x"]:
        assert (await fetch(base, path))[0] == 404, path


@pytest.mark.asyncio
async def test_a_broken_profile_still_serves_a_generic_page(web_server):
    def broken():
        raise ValueError("bad yaml")

    base = await web_server(profile_loader=broken)
    status, _, body = await fetch(base, "/")
    assert status == 200 and "Our massage practice" in body.decode()
    status, _, body = await fetch(base, "/config.js")
    assert status == 200 and "socketUrl" in body.decode()


def _config(body: bytes) -> dict:
    return json.loads(body.decode().split("=", 1)[1].strip().rstrip(";"))


@pytest.mark.asyncio
async def test_without_a_secret_there_are_no_chat_tokens(web_server):
    base = await web_server()
    assert (await fetch(base, "/chat-token"))[0] == 404
    assert _config((await fetch(base, "/config.js"))[2])["tokenUrl"] == ""


@pytest.mark.asyncio
async def test_with_a_secret_the_page_gets_short_lived_signed_tokens(web_server):
    import jwt

    from bot.channels.chat_token import chat_token_is_valid

    secret = "page-secret"
    base = await web_server(chat_token_secret=secret)
    assert _config((await fetch(base, "/config.js"))[2])["tokenUrl"] == "/chat-token"
    status, headers, body = await fetch(base, "/chat-token")
    assert status == 200 and headers["Cache-Control"] == "no-store"
    token = json.loads(body)["token"]
    assert chat_token_is_valid(token, secret)
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] <= 600
    # Another site's page can't fetch tokens through a visitor's browser.
    async with aiohttp.ClientSession() as session:
        async with session.get(base + "/chat-token", headers={"Sec-Fetch-Site": "cross-site"}) as resp:
            assert resp.status == 403


def test_rasa_url_must_be_a_plain_http_origin():
    assert normalize_rasa_url("http://127.0.0.1:5005/") == "http://127.0.0.1:5005"
    assert normalize_rasa_url(" https://bot.example.com/some/path ") == "https://bot.example.com"
    for bad in ["", "127.0.0.1:5005", "javascript:alert(1)", "ftp://x"]:
        with pytest.raises(ValueError):
            normalize_rasa_url(bad)
    with pytest.raises(ValueError):
        build_app("not a url")


def test_widget_never_builds_html_from_strings():
    source = (STATIC_DIR / "chat-widget.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, sink
    assert "textContent" in source


def test_python_m_bot_web_serves_standalone(unused_port):
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", PYTHONPATH=str(REPO_ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web", "--port", str(unused_port), "--rasa-url", "http://127.0.0.1:5099"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                body = asyncio.run(fetch(f"http://127.0.0.1:{unused_port}", "/config.js"))[2]
                break
            except aiohttp.ClientConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("python -m bot.web did not start") from None
                time.sleep(0.2)
        assert b'"socketUrl": "http://127.0.0.1:5099"' in body
    finally:
        process.terminate()
        process.wait(timeout=10)
