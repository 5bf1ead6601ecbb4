"""The console's shared web plumbing: settings, session cookies, request helpers, the
middlewares, CSRF, templates and their filters; the page modules and build_app use it.

Security, in one place (the middlewares below):
- every page and API needs a login, except the login page and the console's own
  static files; an unknown, removed or expired session gets 401 (a page with the
  login form, or JSON under /api/);
- sessions live in an encrypted cookie (HttpOnly, SameSite=Strict, Secure over
  HTTPS or with STAFF_SECURE_COOKIES=1); idle for STAFF_IDLE_MINUTES (120) or older
  than 12 hours, they expire;
- every POST carries the session's CSRF token (form field csrf_token or header
  X-CSRF-Token) and, when the browser sends one, an Origin of this console: else 403;
- logins: wrong passwords lock the account (bot.console.accounts) and too many
  failures from one address get 429 for a while;
- request bodies over MAX_BODY_BYTES get 413, fields over their limits 400;
- client text is only ever rendered by Jinja2 with autoescaping (or textContent
  in console.js): a client's <script> is shown, never run; a Content-Security-Policy
  allows scripts and styles from the console itself only.
Each refusal changes nothing. Staff actions are written to the audit log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional
from urllib.parse import urlencode, urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import get_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot.console.inbox import channel_label
from bot.console.services import Services
from bot.paths import VAR_DIR
from bot.requests.store import StoreUnavailable

CONSOLE_DIR = Path(__file__).resolve().parent.parent  # bot/console: templates/ and static/
TEMPLATES = CONSOLE_DIR / "templates"

SECRET_ENV, SECRET_FILE_ENV = "STAFF_SESSION_SECRET", "STAFF_SESSION_SECRET_FILE"
SECURE_COOKIES_ENV, IDLE_ENV = "STAFF_SECURE_COOKIES", "STAFF_IDLE_MINUTES"
COOKIE_NAME = "staff_session"
MAX_BODY_BYTES = 64 * 1024
MAX_SESSION_AGE = dt.timedelta(hours=12)
PUBLIC_PREFIXES = ("/login", "/static/")


# -- settings and the session secret ---------------------------------------------------


@dataclass
class Settings:
    secret: bytes  # 32 bytes: the session cookies' encryption key
    secure_cookies: Optional[bool] = None  # None: Secure when the request came over HTTPS
    idle: dt.timedelta = dt.timedelta(minutes=120)

    @classmethod
    def from_environment(cls) -> Settings:
        secure = os.environ.get(SECURE_COOKIES_ENV, "").strip().lower()
        return cls(
            secret=session_secret(),
            secure_cookies=True if secure in ("1", "true", "yes") else None,
            idle=dt.timedelta(minutes=int(os.environ.get(IDLE_ENV) or 120)),
        )


def session_secret() -> bytes:
    """STAFF_SESSION_SECRET, else a secret kept in var/console-secret (made on first use)."""
    text = (os.environ.get(SECRET_ENV) or "").strip()
    if not text:
        from bot.cli.serve import kept_secret

        text = kept_secret(Path(os.environ.get(SECRET_FILE_ENV) or VAR_DIR / "console-secret"))
    return hashlib.sha256(text.encode()).digest()


class SessionCookies(EncryptedCookieStorage):
    """Encrypted cookie storage whose Secure flag follows the request (HTTPS: Secure)."""

    def __init__(self, secret: bytes, secure: Optional[bool]) -> None:
        super().__init__(secret, cookie_name=COOKIE_NAME, httponly=True, samesite="Strict", path="/")
        self._secure = secure

    async def save_session(self, request: web.Request, response: web.StreamResponse, session: Any) -> None:
        # No await between setting the flag and writing the cookie: safe on one event loop.
        self._cookie_params["secure"] = self._secure if self._secure is not None else request.secure
        return await super().save_session(request, response, session)


# -- small helpers ----------------------------------------------------------------------


def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Awaitable[Any]:
    """Database and HTTP calls block: run them off the event loop."""
    return asyncio.to_thread(function, *args, **kwargs)


def services_of(request: web.Request) -> Services:
    return request.app["services"]


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def safe_next(target: str, default: str = "/") -> str:
    """A path on this console only: never another site."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not (target or "").startswith("/") or target.startswith("//"):
        return default
    return target


def refuse(status: int, message: str) -> web.HTTPException:
    """An HTTP error whose text the error middleware shows to staff."""
    exception_class = {
        400: web.HTTPBadRequest,
        401: web.HTTPUnauthorized,
        403: web.HTTPForbidden,
        404: web.HTTPNotFound,
        409: web.HTTPConflict,
        413: web.HTTPRequestEntityTooLarge,
        429: web.HTTPTooManyRequests,
        503: web.HTTPServiceUnavailable,
    }[status]
    if status == 413:
        return web.HTTPRequestEntityTooLarge(max_size=MAX_BODY_BYTES, actual_size=0, text=message)
    return exception_class(text=message)


def field(form: Any, name: str, limit: int, required: bool = True) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise refuse(400, f"'{name}' must be text.")
    if len(value) > limit:
        raise refuse(400, f"'{name}' is too long (at most {limit} characters). Nothing was changed.")
    if required and not value.strip():
        raise refuse(400, f"'{name}' is empty. Nothing was changed.")
    return value


async def flash(request: web.Request, kind: str, text: str) -> None:
    session = await get_session(request)
    session["flash"] = (session.get("flash") or [])[-4:] + [[kind, text]]


def redirect_back(request: web.Request, form: Any, default: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(safe_next(str(form.get("back", "")), default))


# -- middlewares ------------------------------------------------------------------------

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)


@web.middleware
async def security_headers(request: web.Request, handler: Callable) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.setdefault("Content-Security-Policy", CSP)
        exc.headers.setdefault("X-Content-Type-Options", "nosniff")
        exc.headers.setdefault("Cache-Control", "no-store")
        raise
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    # Pages hold clients' details: never kept by a browser or a proxy.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def error_pages(request: web.Request, handler: Callable) -> web.StreamResponse:
    """Every refusal as a clear page (or JSON under /api/), with its status kept."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
        if exc.status == 413:
            message = f"That form was too large (over {MAX_BODY_BYTES // 1024} KB). Nothing was changed."
        return await error_response(request, exc.status, message, exc.headers)
    except StoreUnavailable:
        return await error_response(request, 503, "The request database is unreachable. Please try again shortly.")


async def error_response(
    request: web.Request, status: int, message: str, headers: Optional[Any] = None
) -> web.StreamResponse:
    extra = {k: v for k, v in (headers or {}).items() if k.lower() in ("retry-after",)}
    if is_api(request):
        return web.json_response({"error": status, "message": message}, status=status, headers=extra)
    context = await base_context(request)
    context.update(status=status, message=message)
    if status == 401:
        context["next"] = safe_next(request.path_qs if request.method == "GET" else "/")
        context["no_accounts"] = not await run(services_of(request).accounts.names)
        response = aiohttp_jinja2.render_template("login.html", request, context, status=401)
    else:
        response = aiohttp_jinja2.render_template("error.html", request, context, status=status)
    response.headers.update(extra)
    return response


@web.middleware
async def login_required(request: web.Request, handler: Callable) -> web.StreamResponse:
    """A logged-in, unexpired staff session for everything but the login page and static
    files; the CSRF token and the origin on every POST."""
    if request.path.startswith(PUBLIC_PREFIXES):
        if request.method == "POST":
            await check_csrf(request)
        return await handler(request)
    session = await get_session(request)
    staff = session.get("staff")
    if not staff:
        raise refuse(401, "Please log in.")
    now = time.time()
    settings: Settings = request.app["settings"]
    expired = (
        now - float(session.get("seen_at", 0)) > settings.idle.total_seconds()
        or now - float(session.get("login_at", 0)) > MAX_SESSION_AGE.total_seconds()
    )
    if expired or not await run(services_of(request).accounts.exists, staff):
        session.invalidate()
        raise refuse(401, "Your session has expired. Please log in again.")
    session["seen_at"] = now
    request["staff"] = staff
    if request.method == "POST":
        await check_csrf(request)
    return await handler(request)


async def check_csrf(request: web.Request) -> None:
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        raise refuse(403, "That request came from another site, so it was refused. Nothing was changed.")
    session = await get_session(request)
    expected = session.get("csrf") or ""
    sent = request.headers.get("X-CSRF-Token") or ""
    if not sent:
        form = await request.post()  # aiohttp keeps it for the handler
        value = form.get("csrf_token", "")
        sent = value if isinstance(value, str) else ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise refuse(
            403,
            "This form is out of date or did not come from this console, so nothing was changed. Reload and try again.",
        )


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    if not session.get("csrf"):
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


async def base_context(request: web.Request) -> Dict[str, Any]:
    session = await get_session(request)
    messages = session.pop("flash", None) or []
    return {
        "staff": request.get("staff"),
        "csrf": await csrf_token(request),
        "path": request.path,
        "flashes": messages,
    }


async def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    context = await base_context(request)
    context.update(values)
    return aiohttp_jinja2.render_template(template, request, context, status=status)


# -- templates ---------------------------------------------------------------------------------


def _local_time(services: Services) -> Callable[..., str]:
    def local(moment: Optional[dt.datetime], pattern: str = "%a %d %b %H:%M") -> str:
        if moment is None:
            return ""
        return moment.astimezone(services.timezone()).strftime(pattern)

    return local


def _is_timestamp(text: str) -> bool:
    """The booking form keeps a parsed time as ISO text; the clients' own words are worth showing."""
    try:
        dt.datetime.fromisoformat(str(text))
        return True
    except ValueError:
        return False


def _service_name(services: Services) -> Callable[[str], str]:
    def name(key: str) -> str:
        try:
            service = services.profile_loader().service(key)
        except Exception:
            service = None
        return f"{service.name} ({key})" if service else key

    return name


def topic_label(key: str) -> str:
    return "not understood" if key == "nlu_fallback" else key


def setup_templates(app: web.Application, services: Services) -> None:
    """Jinja2 for the console's pages, with the filters its templates use."""
    environment = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # client text is shown as text, always
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["local"] = _local_time(services)
    environment.filters["channel"] = channel_label
    environment.filters["percent"] = lambda value: f"{value:.0%}"
    environment.filters["is_timestamp"] = _is_timestamp
    environment.filters["service"] = _service_name(services)
    environment.filters["topic"] = topic_label
    environment.globals["urlencode"] = urlencode
