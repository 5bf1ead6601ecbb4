"""A small static server for the demo practice page and the chat widget.

Serves, on 127.0.0.1:8080 by default:
  /                         the demo page, filled in from the practice profile
  /config.js                the widget's settings (Rasa socket URL, greeting)
  /widget/chat-widget.js    the widget, plus its stylesheet and the page's
  /vendor/socket.io.min.js  socket.io-client from node_modules (`npm ci` installs it)
  /chat-token               a short-lived signed token for the chat socket, only when
                            env WEBCHAT_JWT_SECRET is set (Rasa's channel then requires one)

Nothing comes from a CDN. A Content-Security-Policy lets the page load scripts only
from here and connect only to here and to Rasa.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import json
import logging
import os
import threading
from pathlib import Path
from string import Template
from typing import Any, Callable, Dict, Optional
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.chat_token import JWT_SECRET_ENV_VAR, TOKEN_LIFETIME_SECONDS, mint_chat_token
from bot.paths import REPO_ROOT
from bot.practice.profile import WEEKDAYS, current_profile

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
SOCKET_IO_DIST = REPO_ROOT / "node_modules" / "socket.io-client" / "dist"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
RASA_URL_ENV_VAR = "RASA_URL"
CHAT_TOKEN_PATH = "/chat-token"

# Only these files are served: nothing else under the package can leak.
WIDGET_FILES = {
    "chat-widget.js": "application/javascript",
    "chat-widget.css": "text/css",
    "page.css": "text/css",
}
VENDOR_FILES = {
    "socket.io.min.js": "application/javascript",
    "socket.io.min.js.map": "application/json",
}

# The three questions that define the product, offered before the client types anything.
STARTER_QUESTIONS = [
    ("Why include the glutes?", "Why should a massage include the glutes?"),
    ("How will I be covered?", "How will I be covered?"),
    ("Is it okay while pregnant?", "Is massage okay while I'm pregnant?"),
]


def normalize_rasa_url(rasa_url: str) -> str:
    """'http://host:port' with no path; raises ValueError for anything else."""
    parts = urlsplit((rasa_url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"Rasa URL must look like http://127.0.0.1:5005, got {rasa_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _content_security_policy(rasa_url: str) -> str:
    socket_origin = ("wss://" if rasa_url.startswith("https://") else "ws://") + urlsplit(rasa_url).netloc
    return "; ".join(
        [
            "default-src 'self'",
            f"connect-src 'self' {rasa_url} {socket_origin}",
            "img-src 'self' https: data:",
            "style-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


def _clock(value: dt.time) -> str:
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes} {'am' if value.hour < 12 else 'pm'}"


def _page_values(profile_loader: Callable[[], Any]) -> Dict[str, str]:
    """HTML-escaped values for the demo page; generic ones if the profile can't be read."""
    values = {
        "practice_name": "Our massage practice",
        "phone": "",
        "phone_link": "",
        "address": "",
        "directions": "",
        "booking_url": "#",
        "hours_rows": "",
    }
    try:
        profile = profile_loader()
    except Exception:
        logger.exception("web: could not read the practice profile; serving a generic page")
        return values
    rows = []
    for day in WEEKDAYS:
        ranges = profile.weekly_hours.get(day) or ()
        text = ", ".join(f"{_clock(start)} - {_clock(end)}" for start, end in ranges) or "Closed"
        rows.append(f'<tr><th scope="row">{html.escape(day.title())}</th><td>{html.escape(text)}</td></tr>')
    directions = " ".join(
        str(profile.address.get(key, "")) for key in ("directions", "parking", "accessibility")
    ).strip()
    values.update(
        practice_name=html.escape(profile.name),
        phone=html.escape(profile.phone),
        phone_link=html.escape("tel:" + "".join(ch for ch in profile.phone if ch.isdigit() or ch == "+")),
        address=html.escape(profile.address_line),
        directions=html.escape(directions),
        booking_url=html.escape(profile.booking_url),
        hours_rows="\n".join(rows),
    )
    return values


def widget_config(rasa_url: str, profile_loader: Callable[[], Any], token_url: str = "") -> Dict[str, Any]:
    try:
        profile = profile_loader()
        name, phone = profile.name, profile.phone
    except Exception:
        name, phone = "", ""
    short_name = name.split()[0] if name else "us"
    return {
        "socketUrl": rasa_url,
        "socketPath": "/socket.io",
        "title": f"Ask {short_name}" if name else "Ask us",
        "phone": phone,
        "storagePrefix": "massage-chat",
        "tokenUrl": token_url,  # empty: the socket needs no token
        "welcome": {
            "text": (f"Hi! I'm the {name} assistant. " if name else "Hi! I'm the practice's assistant. ")
            + "Ask me about your massage, our hours, prices or booking.",
            "quickReplies": [{"title": title, "payload": payload} for title, payload in STARTER_QUESTIONS],
        },
    }


def build_app(
    rasa_url: str = DEFAULT_RASA_URL,
    profile_loader: Optional[Callable[[], Any]] = None,
    chat_token_secret: Optional[str] = None,
) -> web.Application:
    """The aiohttp application (no sockets opened). `rasa_url` is Rasa's base URL;
    with `chat_token_secret` it also mints tokens for the chat socket."""
    rasa_url = normalize_rasa_url(rasa_url)
    token_url = CHAT_TOKEN_PATH if chat_token_secret else ""
    profile_loader = profile_loader or current_profile
    page_template = Template((STATIC_DIR / "index.html").read_text(encoding="utf-8"))
    csp = _content_security_policy(rasa_url)

    @web.middleware
    async def security_headers(request: web.Request, handler):
        response = await handler(request)
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-cache")
        return response

    async def index(_: web.Request) -> web.Response:
        values = await asyncio.to_thread(_page_values, profile_loader)
        return web.Response(text=page_template.safe_substitute(values), content_type="text/html")

    async def config_js(_: web.Request) -> web.Response:
        config = await asyncio.to_thread(widget_config, rasa_url, profile_loader, token_url)
        # json.dumps output is a valid JS literal; "<" is escaped so it can't end a script block.
        literal = json.dumps(config, ensure_ascii=True).replace("<", "\\u003c")
        return web.Response(text=f"window.MASSAGE_CHAT_CONFIG = {literal};\n", content_type="application/javascript")

    async def chat_token(request: web.Request) -> web.Response:
        # Browsers say where a request comes from; only our own page gets tokens.
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            raise web.HTTPForbidden(text="tokens are for this site's own page")
        token = mint_chat_token(chat_token_secret)
        return web.json_response(
            {"token": token, "expires_in": TOKEN_LIFETIME_SECONDS}, headers={"Cache-Control": "no-store"}
        )

    def file_route(folder: Path, allowed: Dict[str, str], missing_hint: str):
        async def serve(request: web.Request) -> web.StreamResponse:
            name = request.match_info["name"]
            if name not in allowed:
                raise web.HTTPNotFound()
            path = folder / name
            if not path.is_file():
                raise web.HTTPServiceUnavailable(text=missing_hint)
            return web.FileResponse(path, headers={"Content-Type": allowed[name]})

        return serve

    app = web.Application(middlewares=[security_headers])
    app.router.add_get("/", index)
    app.router.add_get("/index.html", index)
    app.router.add_get("/config.js", config_js)
    if chat_token_secret:
        app.router.add_get(CHAT_TOKEN_PATH, chat_token)
    app.router.add_get("/widget/{name}", file_route(STATIC_DIR, WIDGET_FILES, "widget file missing"))
    app.router.add_get(
        "/vendor/{name}",
        file_route(SOCKET_IO_DIST, VENDOR_FILES, "socket.io-client is not installed: run `npm ci` in the repo root"),
    )
    return app


async def start_web(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    rasa_url: str = DEFAULT_RASA_URL,
    profile_loader: Optional[Callable[[], Any]] = None,
    chat_token_secret: Optional[str] = None,
) -> web.AppRunner:
    """Start serving inside the running event loop. Port 0 picks a free port
    (read it from `runner.addresses`). Stop with `await runner.cleanup()`."""
    runner = web.AppRunner(build_app(rasa_url, profile_loader, chat_token_secret), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def serve_web(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, rasa_url: Optional[str] = None) -> None:
    """Serve the page and widget until interrupted (blocking). `rasa_url` defaults to
    env RASA_URL, else http://127.0.0.1:5005. Env WEBCHAT_JWT_SECRET turns on tokens."""
    rasa_url = normalize_rasa_url(rasa_url or os.environ.get(RASA_URL_ENV_VAR) or DEFAULT_RASA_URL)
    chat_token_secret = os.environ.get(JWT_SECRET_ENV_VAR) or None
    if not (SOCKET_IO_DIST / "socket.io.min.js").is_file():
        logger.warning("socket.io-client is missing from node_modules; run `npm ci` in %s", REPO_ROOT)
    print(f"Demo page and chat widget on http://{host}:{port}/ (talking to Rasa at {rasa_url})", flush=True)
    web.run_app(
        build_app(rasa_url, chat_token_secret=chat_token_secret),
        host=host,
        port=port,
        print=None,
        access_log=None,
        # Signal handlers can only be installed from the main thread.
        handle_signals=threading.current_thread() is threading.main_thread(),
    )
