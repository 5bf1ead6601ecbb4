"""Logging in and out, the throttle on failed logins per address, and the console's own
static files (served, like the login page, without a session)."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from typing import Dict, List

from aiohttp import web
from aiohttp_session import get_session, new_session

from bot.console.pages.plumbing import CONSOLE_DIR, field, render, run, safe_next, services_of

STATIC = CONSOLE_DIR / "static"
STATIC_FILES = {"console.css": "text/css", "console.js": "application/javascript"}
IP_FAILURES, IP_WINDOW_SECONDS = 20, 15 * 60


class LoginThrottle:
    """Failed logins per client address: past IP_FAILURES in the window, 429."""

    def __init__(self) -> None:
        self._failures: Dict[str, List[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(address, []) if now - t < IP_WINDOW_SECONDS]
            self._failures[address] = recent
            return len(recent) >= IP_FAILURES

    def failed(self, address: str) -> None:
        with self._lock:
            self._failures.setdefault(address, []).append(time.monotonic())
            if len(self._failures) > 10000:
                self._failures.clear()


async def login_page(request: web.Request) -> web.StreamResponse:
    session = await get_session(request)
    if session.get("staff"):
        raise web.HTTPSeeOther("/")
    no_accounts = not await run(services_of(request).accounts.names)
    return await render(request, "login.html", next=safe_next(request.query.get("next", "/")), no_accounts=no_accounts)


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name = field(form, "name", 40, required=False).strip()
    password = field(form, "password", 256, required=False)
    target = safe_next(str(form.get("next", "/")))
    address = request.remote or "?"
    throttle: LoginThrottle = request.app["throttle"]
    services = services_of(request)
    if throttle.blocked(address):
        return await render(
            request,
            "login.html",
            status=429,
            next=target,
            name=name,
            message="Too many failed logins from this computer. Please wait 15 minutes.",
        )
    result = await run(services.accounts.verify, name, password)
    if result.locked:
        throttle.failed(address)
        await run(services.audit.record, name or "?", "login_locked", name)
        response = await render(
            request,
            "login.html",
            status=429,
            next=target,
            name=name,
            message="This account is locked for 15 minutes after too many wrong passwords. "
            "Ask a colleague, or wait and try again.",
        )
        response.headers["Retry-After"] = str(
            int(max(60, (result.locked_until - dt.datetime.now(dt.timezone.utc)).total_seconds()))
        )
        return response
    if not result.ok:
        throttle.failed(address)
        await run(services.audit.record, name or "?", "login_failed", name)
        return await render(
            request, "login.html", status=401, next=target, name=name, message="Wrong name or password."
        )
    session = await new_session(request)  # a fresh session: nothing from before the login carries over
    session.update(staff=name, csrf=secrets.token_urlsafe(32), login_at=time.time(), seen_at=time.time())
    await run(services.audit.record, name, "login")
    raise web.HTTPSeeOther(target)


async def logout(request: web.Request) -> web.StreamResponse:
    await run(services_of(request).audit.record, request["staff"], "logout")
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPSeeOther("/login")


async def static_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in STATIC_FILES:
        raise web.HTTPNotFound()
    return web.FileResponse(STATIC / name, headers={"Content-Type": STATIC_FILES[name], "Cache-Control": "no-cache"})
