"""The staff console: an aiohttp application with Jinja2 pages and encrypted session cookies.

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

import argparse
import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import urlencode, urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import get_session, new_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage

from bot import topics
from bot.answers.own_questions import (
    MAX_ANSWER_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SMS_CHARS,
    add_own_question,
    current_own_questions,
    remove_own_question,
)
from bot.console import charts
from bot.console.dashboard import PERIODS, dashboard
from bot.console.inbox import channel_label, inbox_snapshot
from bot.console.review import IGNORE, KINDS, NEW_TOPIC, TOPIC, export_training_file, topic_choices
from bot.console.services import Services, SmsNotConfigured
from bot.console.transcripts import (
    FILTERS,
    MAX_REPLY_CHARS,
    StaffActionRefused,
    conversation_view,
    find_conversations,
    hand_back,
    send_staff_reply,
)
from bot.conversations.controls import CHANNELS
from bot.conversations.rasa_api import RasaApiError, looks_like_reference
from bot.paths import VAR_DIR
from bot.practice.profile import ProfileError
from bot.requests.models import STAFF_NOTE_MAX_CHARS, normalize_reference
from bot.requests.store import StoreUnavailable

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STATIC_FILES = {"console.css": "text/css", "console.js": "application/javascript"}

DEFAULT_PORT = 8081
PORT_ENV, HOST_ENV = "STAFF_PORT", "STAFF_HOST"
SECRET_ENV, SECRET_FILE_ENV = "STAFF_SESSION_SECRET", "STAFF_SESSION_SECRET_FILE"
SECURE_COOKIES_ENV, IDLE_ENV = "STAFF_SECURE_COOKIES", "STAFF_IDLE_MINUTES"
COOKIE_NAME = "staff_session"
MAX_BODY_BYTES = 64 * 1024
MAX_SESSION_AGE = dt.timedelta(hours=12)
IP_FAILURES, IP_WINDOW_SECONDS = 20, 15 * 60
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


class _SessionCookies(EncryptedCookieStorage):
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


# -- login ----------------------------------------------------------------------------------


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


# -- inbox ----------------------------------------------------------------------------------


async def inbox_page(request: web.Request) -> web.StreamResponse:
    status = request.query.get("status", "pending")
    if status not in ("pending", "handled", "all"):
        raise refuse(400, "status must be pending, handled or all.")
    snapshot = await run(inbox_snapshot, services_of(request), status)
    return await render(request, "inbox.html", inbox=snapshot, tab=status)


async def inbox_api(request: web.Request) -> web.StreamResponse:
    """The pending requests and held messages as rendered rows, for the inbox to update itself."""
    snapshot = await run(inbox_snapshot, services_of(request), "pending")
    context = await base_context(request)
    macros = request.app[aiohttp_jinja2.APP_KEY].get_template("macros.html").make_module(context)
    return web.json_response(
        {
            "requests": [
                {"id": r.id, "version": r.version, "html": str(macros.request_row(r))} for r in snapshot.requests
            ],
            "held": [{"id": h.id, "version": h.version, "html": str(macros.held_row(h))} for h in snapshot.held],
            "pending": len(snapshot.requests),
            "spooled": snapshot.spooled,
            "database_down": snapshot.database_down,
        }
    )


async def request_action(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    reference = normalize_reference(request.match_info["reference"])
    action = request.match_info["action"]
    form = await request.post()
    staff = request["staff"]
    found = await run(services.store.get, reference)
    if found is None:
        raise refuse(404, f"There is no request {reference}. Nothing was changed.")
    if action == "handle":
        await run(services.store.mark_handled, reference, staff)
        await flash(request, "ok", f"{reference} ({found.name}) marked handled.")
    elif action == "called-back":
        await run(services.store.mark_called_back, reference)
        await flash(request, "ok", f"{reference} ({found.name}) marked called back.")
    elif action == "note":
        note = field(form, "note", STAFF_NOTE_MAX_CHARS, required=False).strip()
        await run(services.store.set_staff_note, reference, note)
        await flash(request, "ok", f"Note saved on {reference}.")
        await run(services.audit.record, staff, "note", reference, note)
        raise redirect_back(request, form, "/")
    else:
        raise refuse(404, "No such action.")
    await run(services.audit.record, staff, action.replace("-", "_"), reference)
    raise redirect_back(request, form, "/")


# -- conversations -----------------------------------------------------------------------


async def conversations_page(request: web.Request) -> web.StreamResponse:
    query = request.query.get("q", "")[:200]
    kind = request.query.get("filter", "")
    if kind not in FILTERS:
        raise refuse(400, "Unknown filter.")
    day = None
    if request.query.get("date"):
        try:
            day = dt.date.fromisoformat(request.query["date"])
        except ValueError:
            raise refuse(400, "The date must look like 2026-06-02.") from None
    rows = await run(find_conversations, services_of(request), query, kind, day)
    return await render(
        request,
        "conversations.html",
        rows=rows,
        q=query,
        filter=kind,
        filters=FILTERS,
        date=request.query.get("date", ""),
    )


async def _sender_from(request: web.Request, values: Any) -> str:
    sender = str(values.get("id", "") or "")
    reference = str(values.get("ref", "") or "")
    if reference:
        if not looks_like_reference(reference):
            raise refuse(400, "That is not a request reference.")
        found = await run(services_of(request).store.get, normalize_reference(reference))
        if found is None or not found.sender_id:
            raise refuse(404, f"There is no conversation for {normalize_reference(reference)}.")
        return found.sender_id
    if not sender or len(sender) > 255:
        raise refuse(400, "Which conversation? (id missing)")
    return sender


async def _view(request: web.Request, sender: str):
    view = await run(conversation_view, services_of(request), sender)
    if view is None:
        raise refuse(404, "There is no such conversation. Nothing was changed.")
    return view


async def conversation_page(request: web.Request) -> web.StreamResponse:
    sender = await _sender_from(request, request.query)
    view = await _view(request, sender)
    return await render(request, "conversation.html", view=view, max_reply=MAX_REPLY_CHARS)


async def conversation_api(request: web.Request) -> web.StreamResponse:
    """Turns after a given event id, rendered, for the transcript to follow a live chat."""
    sender = await _sender_from(request, request.query)
    view = await _view(request, sender)
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        raise refuse(400, "after must be a number.") from None
    context = await base_context(request)
    macros = request.app[aiohttp_jinja2.APP_KEY].get_template("macros.html").make_module(context)
    return web.json_response(
        {
            "turns": [{"id": t.event_id, "html": str(macros.turn_row(t))} for t in view.turns if t.event_id > after],
            "paused": view.summary.paused,
            "human_only": view.human_only,
            "can_reply": view.can_reply,
        }
    )


async def conversation_action(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    form = await request.post()
    staff = request["staff"]
    sender = await _sender_from(request, form)
    view = await _view(request, sender)
    back = "/conversation?" + urlencode({"id": sender})
    action = request.match_info["action"]
    try:
        if action == "reply":
            text = field(form, "text", MAX_REPLY_CHARS)
            outcome = await run(send_staff_reply, services, view, text, staff)
            await run(services.audit.record, staff, "reply", sender, text)
        elif action == "hand-back":
            outcome = await run(hand_back, services, view, staff)
            await run(services.audit.record, staff, "hand_back", sender)
        elif action == "human-only":
            on = form.get("on") == "1"
            changed = await run(services.controls.set_human_only, sender, on, staff)
            outcome = (
                "Human only: the assistant will not answer this conversation again until you hand it back."
                if on
                else "The assistant may answer this conversation again."
            )
            if changed:
                await run(services.audit.record, staff, "human_only_on" if on else "human_only_off", sender)
        else:
            raise refuse(404, "No such action.")
    except StaffActionRefused as exc:
        raise refuse(409, f"{exc} Nothing was changed.") from None
    except SmsNotConfigured as exc:
        raise refuse(409, f"Not sent. {exc}") from None
    except RasaApiError as exc:
        raise refuse(503, f"Not done: {exc}") from None
    except ValueError as exc:
        raise refuse(400, f"Not sent: {exc}.") from None
    await flash(request, "ok", outcome)
    raise web.HTTPSeeOther(back)


# -- review ----------------------------------------------------------------------------------


async def review_page(request: web.Request) -> web.StreamResponse:
    state = request.query.get("state", "open")
    if state not in ("open", "done"):
        raise refuse(400, "state must be open or done.")
    services = services_of(request)
    items = await run(services.review.items, None, state)
    counts = await run(services.review.counts)
    return await render(
        request,
        "review.html",
        items=items[:200],
        total=len(items),
        state=state,
        counts=counts,
        choices=topic_choices(),
        describe=topic_description,
        reviewed_path=services.reviewed_path,
        limits={"question": MAX_QUESTION_CHARS, "answer": MAX_ANSWER_CHARS, "sms": MAX_SMS_CHARS},
    )


def topic_description(key: str) -> str:
    described = topics.DID_YOU_MEAN.get(key)
    return f"{key}: {described}" if described else key


async def review_label(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    form = await request.post()
    key = field(form, "key", 64)
    kind = field(form, "kind", 16)
    topic = field(form, "topic", 64, required=False)
    if kind not in KINDS:
        raise refuse(400, "Unknown label. Nothing was changed.")
    if kind == TOPIC and topic not in topic_choices():
        raise refuse(400, "Pick a topic from the list. Nothing was changed.")
    item = await run(services.review.find, key)
    if item is None:
        raise refuse(404, "That message is not in the review queue. Nothing was changed.")
    await run(services.review.label, item, kind, topic, request["staff"])
    await run(services.audit.record, request["staff"], "review_label", key, f"{kind} {topic}".strip())
    shown = {TOPIC: f"labelled {topic}", NEW_TOPIC: "marked new topic", IGNORE: "ignored"}[kind]
    await flash(request, "ok", f"Message {shown}.")
    raise redirect_back(request, form, "/review")


async def review_export(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    form = await request.post()
    labelled = await run(services.review.topic_labels)
    result = await run(export_training_file, labelled, services.reviewed_path)
    await run(services.audit.record, request["staff"], "review_export", str(result.path), f"{result.written} messages")
    skipped = []
    if result.already_in_training:
        skipped.append(f"{result.already_in_training} already in the training data")
    if result.conflicting:
        skipped.append(f"{result.conflicting} labelled with two topics")
    await flash(
        request,
        "ok",
        f"Exported {result.written} messages in {result.topics} topics to {result.path.name}"
        + (f" (left out: {', '.join(skipped)})" if skipped else "")
        + ". They are learned at the next `make train`.",
    )
    raise redirect_back(request, form, "/review")


async def review_answer(request: web.Request) -> web.StreamResponse:
    """Write the practice's own answer for a question no topic covers: live at once."""
    services = services_of(request)
    form = await request.post()
    question = field(form, "question", MAX_QUESTION_CHARS)
    answer = field(form, "answer", MAX_ANSWER_CHARS)
    sms = field(form, "sms", MAX_SMS_CHARS)
    key = field(form, "key", 64, required=False)
    item = await run(services.review.find, key) if key else None
    if key and item is None:
        raise refuse(404, "That message is not in the review queue. Nothing was changed.")
    try:
        await run(add_own_question, question, answer, sms, services.profile_file())
    except ProfileError as exc:
        raise refuse(400, f"Not saved: {exc}") from None
    if item is not None:
        await run(services.review.label, item, NEW_TOPIC, "", request["staff"])
    await run(services.audit.record, request["staff"], "own_answer_added", question, answer)
    await flash(request, "ok", "Saved. The assistant answers this question from now on.")
    raise redirect_back(request, form, "/answers")


async def answers_page(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    try:
        questions = await run(current_own_questions, services.profile_file())
        problem = ""
    except ProfileError as exc:
        questions, problem = [], str(exc)
    return await render(
        request,
        "answers.html",
        questions=questions,
        problem=problem,
        limits={"question": MAX_QUESTION_CHARS, "answer": MAX_ANSWER_CHARS, "sms": MAX_SMS_CHARS},
    )


async def answers_remove(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    form = await request.post()
    question = field(form, "question", MAX_QUESTION_CHARS)
    try:
        index = int(field(form, "index", 6))
    except ValueError:
        raise refuse(400, "Which answer? Nothing was changed.") from None
    removed = await run(remove_own_question, index, question, services.profile_file())
    if not removed:
        raise refuse(409, "That answer changed or was removed meanwhile. Nothing was changed; reload the page.")
    await run(services.audit.record, request["staff"], "own_answer_removed", question)
    await flash(request, "ok", "Removed.")
    raise web.HTTPSeeOther("/answers")


# -- controls, dashboard, audit ---------------------------------------------------------------


async def controls_page(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    switches = await run(services.controls.switches)
    human = await run(services.controls.human_only)
    return await render(request, "controls.html", switches=switches, labels=CHANNELS, human=human)


async def controls_switch(request: web.Request) -> web.StreamResponse:
    services = services_of(request)
    form = await request.post()
    channel = field(form, "channel", 32)
    if channel not in CHANNELS:
        raise refuse(400, "Unknown channel. Nothing was changed.")
    on = form.get("on") == "1"
    if await run(services.controls.set_assistant, channel, on, request["staff"]):
        await run(services.audit.record, request["staff"], "assistant_on" if on else "assistant_off", channel)
    state = "on" if on else "off: every message gets \u201cthe team will reply soon\u201d and lands in the inbox"
    await flash(request, "ok", f"The assistant is {state} for {CHANNELS[channel]}.")
    raise web.HTTPSeeOther("/controls")


async def dashboard_page(request: web.Request) -> web.StreamResponse:
    try:
        days = int(request.query.get("days", "30"))
    except ValueError:
        days = 0
    if days not in PERIODS:
        raise refuse(400, f"days must be one of {', '.join(map(str, PERIODS))}.")
    data = await run(dashboard, services_of(request), days)
    per_day_chart = charts.stacked_columns(
        data.day_labels, data.per_day or {"Web chat": [0] * days}, "Conversations per day by channel"
    )
    topic_chart = charts.horizontal_bars(
        [(topic_label(row.topic), row.conversations) for row in data.topics], "Top topics"
    )
    share_chart = charts.split_bars(
        [(topic_label(row.topic), (row.answered_alone, row.handed_off)) for row in data.topics],
        ("answered by the assistant", "staff took over"),
        "Per topic: answered by the assistant or by staff",
    )
    kinds = sorted({kind for kind, _ in data.requests})
    request_chart = charts.horizontal_bars(
        [
            (f"{kind} {status}", data.requests[(kind, status)])
            for kind in kinds
            for status in ("pending", "handled")
            if (kind, status) in data.requests
        ],
        "Requests by kind and status",
    )
    return await render(
        request,
        "dashboard.html",
        data=data,
        periods=PERIODS,
        per_day_chart=per_day_chart,
        topic_chart=topic_chart,
        share_chart=share_chart,
        request_chart=request_chart,
    )


async def audit_page(request: web.Request) -> web.StreamResponse:
    entries = await run(services_of(request).audit.recent, 300)
    return await render(request, "audit.html", entries=entries)


# -- the application -------------------------------------------------------------------------


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


def build_app(services: Services, settings: Settings) -> web.Application:
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[
            security_headers,
            session_middleware(_SessionCookies(settings.secret, settings.secure_cookies)),
            error_pages,
            login_required,
        ],
    )
    app["services"], app["settings"], app["throttle"] = services, settings, LoginThrottle()
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
    router = app.router
    router.add_get("/login", login_page)
    router.add_post("/login", login)
    router.add_get("/static/{name}", static_file)
    router.add_post("/logout", logout)
    router.add_get("/", inbox_page)
    router.add_get("/api/inbox", inbox_api)
    router.add_post("/requests/{reference}/{action}", request_action)
    router.add_get("/conversations", conversations_page)
    router.add_get("/conversation", conversation_page)
    router.add_get("/api/conversation", conversation_api)
    router.add_post("/conversation/{action}", conversation_action)
    router.add_get("/review", review_page)
    router.add_post("/review/label", review_label)
    router.add_post("/review/export", review_export)
    router.add_post("/review/answer", review_answer)
    router.add_get("/answers", answers_page)
    router.add_post("/answers/remove", answers_remove)
    router.add_get("/controls", controls_page)
    router.add_post("/controls/switch", controls_switch)
    router.add_get("/dashboard", dashboard_page)
    router.add_get("/audit", audit_page)

    async def close_services(_: web.Application) -> None:
        services.close()

    app.on_cleanup.append(close_services)
    return app


def default_host() -> str:
    return os.environ.get(HOST_ENV) or os.environ.get("BOT_HOST") or "127.0.0.1"


def serve_console(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot console", description="Serve the staff console.")
    parser.add_argument("--host", default=default_host())
    parser.add_argument("--port", type=int, default=int(os.environ.get(PORT_ENV) or DEFAULT_PORT))
    args = parser.parse_args(argv or [])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    services = Services.from_environment()
    app = build_app(services, Settings.from_environment())
    names = services.accounts.names()
    print(f"Staff console on http://{args.host}:{args.port}/", flush=True)
    if not names:
        print("No staff accounts yet: create one with  python -m bot staff add NAME", flush=True)
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        print=None,
        access_log=None,
        handle_signals=threading.current_thread() is threading.main_thread(),
    )
    return 0


__all__ = ["Settings", "build_app", "serve_console", "session_secret"]
