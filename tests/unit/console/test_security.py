"""Security of the staff console: logins, sessions, CSRF, lockout, escaping, bad input.
Every refusal is a clear 4xx and changes nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.console.accounts import LOCKOUT, MAX_FAILURES
from bot.console.app import MAX_BODY_BYTES, Settings, build_app
from tests.unit.console.conftest import PASSWORD, XSS

pytestmark = pytest.mark.asyncio


def concrete(path: str) -> str:
    return path.replace("{reference}", "RB-23456").replace("{action}", "handle").replace("{name}", "console.css")


async def test_no_page_or_api_without_a_login(console):
    routes = {
        (r.method, r.resource.canonical) for r in console.client.app.router.routes() if r.method in ("GET", "POST")
    }
    checked = 0
    for method, path in sorted(routes):
        if path.startswith(("/login", "/static/")):
            continue
        url = concrete(path)
        response = await console.client.request(method, url, allow_redirects=False)
        text = await response.text()
        assert response.status == 401, (method, url, response.status)
        if url.startswith("/api/"):
            assert (await response.json())["error"] == 401
        else:
            assert 'action="/login"' in text  # the login form, at the same address
        assert "Ana" not in text and "503" not in text  # no client data leaks
        checked += 1
    assert checked >= 18
    # The login page and the console's own files are public; nothing else under /static.
    assert (await console.client.get("/login")).status == 200
    assert (await console.client.get("/static/console.js")).status == 200
    assert (await console.client.get("/static/app.py")).status == 404
    store = console.services.store
    assert all(r.status == "pending" for r in store.list_requests(status="all"))


async def test_session_cookie_is_httponly_and_samesite_strict(console):
    await console.refresh_csrf()
    response = await console.client.post(
        "/login", data={"name": "maya", "password": PASSWORD, "csrf_token": console.csrf}, allow_redirects=False
    )
    cookie = response.headers["Set-Cookie"]
    assert "staff_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # plain HTTP in this test; see the next test
    page = await console.client.get("/")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Frame-Options"] == "DENY"


async def test_secure_cookies_when_asked(services):
    built, _, _ = services
    app = build_app(built, Settings(secret=b"k" * 32, secure_cookies=True))
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/login")
        assert "Secure" in response.headers["Set-Cookie"]


async def test_wrong_password_and_unknown_name_get_401_and_no_session(console):
    response = await console.login(password="not the password")
    assert response.status == 401 and "Wrong name or password." in await response.text()
    assert (await console.client.get("/", allow_redirects=False)).status == 401
    response = await console.login(name="nobody")
    assert response.status == 401
    actions = [e.action for e in console.services.audit.recent()]
    assert actions.count("login_failed") == 2


async def test_lockout_after_repeated_wrong_passwords(console, pinned_clock):
    pinned_clock("2026-06-02T10:00:00-07:00")
    for _ in range(MAX_FAILURES - 1):
        assert (await console.login(password="guess")).status == 401
    locked = await console.login(password="guess")
    assert locked.status == 429 and "locked for 15 minutes" in await locked.text()
    # Even the right password is refused while locked: that is what a lockout is for.
    right = await console.login()
    assert right.status == 429 and int(right.headers["Retry-After"]) > 0
    assert (await console.client.get("/", allow_redirects=False)).status == 401
    assert (await console.login(name="daniel", password=PASSWORD + "!")).status == 303  # other accounts work
    pinned_clock(
        dt.datetime(2026, 6, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-7))) + LOCKOUT + dt.timedelta(seconds=1)
    )
    assert (await console.login()).status == 303
    assert "login_locked" in [e.action for e in console.services.audit.recent()]


async def test_many_failures_from_one_address_are_throttled(console):
    console.client.app["throttle"]._failures["127.0.0.1"] = [__import__("time").monotonic()] * 20
    assert (await console.login()).status == 429


async def test_csrf_missing_forged_or_cross_site_is_refused_and_changes_nothing(logged_in):
    console = logged_in
    reference = console.references["booking"]
    for token in ("", "forged-token-" + "x" * 30):
        response, text = await console.post(f"/requests/{reference}/handle", csrf=token)
        assert response.status == 403 and "nothing was changed" in text.lower()
    response, _ = await console.post(f"/requests/{reference}/handle", headers={"Origin": "https://evil.example"})
    assert response.status == 403
    # A real token, but another browser's session's, is no good either.
    async with TestClient(TestServer(build_app(console.services, Settings(secret=b"k" * 32)))) as other:
        page = await (await other.get("/login")).text()
        theirs = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response, _ = await console.post(f"/requests/{reference}/handle", csrf=theirs)
    assert response.status == 403
    assert console.services.store.get(reference).status == "pending"
    response, _ = await console.post(f"/requests/{reference}/handle")
    assert response.status == 303 and console.services.store.get(reference).status == "handled"


async def test_logging_in_needs_the_login_forms_token(console):
    response = await console.client.post("/login", data={"name": "maya", "password": PASSWORD}, allow_redirects=False)
    assert response.status == 403


async def test_expired_or_forged_sessions_are_401(services):
    built, _, _ = services
    app = build_app(built, Settings(secret=b"k" * 32, idle=dt.timedelta(seconds=1)))
    async with TestClient(TestServer(app)) as client:
        page = await (await client.get("/login")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = await client.post(
            "/login", data={"name": "maya", "password": PASSWORD, "csrf_token": token}, allow_redirects=False
        )
        assert response.status == 303
        assert (await client.get("/")).status == 200
        await asyncio.sleep(1.3)
        expired = await client.get("/", allow_redirects=False)
        assert expired.status == 401 and "session has expired" in await expired.text()
    # A cookie sealed with another key (or tampered with) is no session at all.
    other_app = build_app(built, Settings(secret=b"z" * 32))
    async with TestClient(TestServer(other_app)) as client:
        client.session.cookie_jar.update_cookies({"staff_session": "gAAAAAforged"})
        assert (await client.get("/", allow_redirects=False)).status == 401


async def test_a_removed_account_loses_its_session(logged_in):
    logged_in.services.accounts.remove("maya")
    assert (await logged_in.client.get("/", allow_redirects=False)).status == 401


async def test_client_html_is_shown_as_text_everywhere(logged_in):
    console = logged_in
    _, inbox = await console.page("/")
    assert "Ana &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in inbox
    assert XSS not in inbox
    api = await (await console.client.get("/api/inbox")).json()
    assert all(XSS not in row["html"] for row in api["requests"])
    _, transcript = await console.page("/conversation?id=web-1")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; hello?" in transcript and "<script>alert(1)" not in transcript
    _, search = await console.page("/conversations?q=" + "%3Cscript%3E")
    assert "<script>alert(1)" not in search


async def test_someone_elses_or_unknown_ids_are_404_and_change_nothing(logged_in):
    console = logged_in
    for path in ("/requests/RB-ZZZZZ/handle", "/requests/RC-ZZZZZ/note", "/requests/not-a-ref/called-back"):
        response, text = await console.post(path, {"note": "x"})
        assert response.status == 404 and "Nothing was changed" in text
    response, _ = await console.post(f"/requests/{console.references['booking']}/delete")
    assert response.status == 404
    assert (await console.page("/conversation?id=someone-else"))[0].status == 404
    assert (await console.page(f"/conversation?ref={console.references['lonely']}"))[0].status == 404
    response, _ = await console.post("/conversation/reply", {"id": "someone-else", "text": "hi"})
    assert response.status == 404
    response, _ = await console.post("/review/label", {"key": "f" * 32, "kind": "ignore", "topic": ""})
    assert response.status == 404
    response, _ = await console.post("/answers/remove", {"index": "0", "question": "never asked"})
    assert response.status == 409
    assert console.rasa.calls == []
    assert all(r.status == "pending" and not r.staff_note for r in console.services.store.list_requests(status="all"))


async def test_oversized_forms_and_fields_are_refused(logged_in):
    console = logged_in
    reference = console.references["booking"]
    response, text = await console.post(f"/requests/{reference}/note", {"note": "x" * (MAX_BODY_BYTES + 10)})
    assert response.status == 413 and "too large" in text
    response, text = await console.post(f"/requests/{reference}/note", {"note": "x" * 2001})
    assert response.status == 400 and "too long" in text
    response, _ = await console.post("/conversation/reply", {"id": "web-1", "text": "x" * 1001})
    assert response.status == 400
    assert console.services.store.get(reference).staff_note == "" and console.rasa.calls == []


async def test_after_login_only_paths_on_this_console(console):
    await console.refresh_csrf()
    response = await console.client.post(
        "/login",
        data={"name": "maya", "password": PASSWORD, "csrf_token": console.csrf, "next": "//evil.example/x"},
        allow_redirects=False,
    )
    assert response.headers["Location"] == "/"


async def test_logout_ends_the_session(logged_in):
    response, _ = await logged_in.post("/logout")
    assert response.status == 303
    assert (await logged_in.client.get("/", allow_redirects=False)).status == 401
