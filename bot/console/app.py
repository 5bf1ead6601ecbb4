"""The staff console's aiohttp application: its route table (build_app) and its server (serve_console).

The handlers live in bot/console/pages/ (one module per page group), the security
middlewares and session settings in bot/console/pages/plumbing.py.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
from typing import List, Optional

from aiohttp import web
from aiohttp_session import session_middleware

from bot.console.pages import (
    answers_pages,
    controls_pages,
    conversation_pages,
    dashboard_pages,
    inbox_pages,
    login_pages,
    review_pages,
)
from bot.console.pages.plumbing import (
    MAX_BODY_BYTES,
    SessionCookies,
    Settings,
    error_pages,
    login_required,
    security_headers,
    session_secret,
    setup_templates,
)
from bot.console.services import Services

DEFAULT_PORT = 8081
PORT_ENV, HOST_ENV = "STAFF_PORT", "STAFF_HOST"


def build_app(services: Services, settings: Settings) -> web.Application:
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[
            security_headers,
            session_middleware(SessionCookies(settings.secret, settings.secure_cookies)),
            error_pages,
            login_required,
        ],
    )
    app["services"], app["settings"], app["throttle"] = services, settings, login_pages.LoginThrottle()
    setup_templates(app, services)
    router = app.router
    router.add_get("/login", login_pages.login_page)
    router.add_post("/login", login_pages.login)
    router.add_get("/static/{name}", login_pages.static_file)
    router.add_post("/logout", login_pages.logout)
    router.add_get("/", inbox_pages.inbox_page)
    router.add_get("/api/inbox", inbox_pages.inbox_api)
    router.add_post("/requests/{reference}/{action}", inbox_pages.request_action)
    router.add_get("/conversations", conversation_pages.conversations_page)
    router.add_get("/conversation", conversation_pages.conversation_page)
    router.add_get("/api/conversation", conversation_pages.conversation_api)
    router.add_post("/conversation/{action}", conversation_pages.conversation_action)
    router.add_get("/review", review_pages.review_page)
    router.add_post("/review/label", review_pages.review_label)
    router.add_post("/review/export", review_pages.review_export)
    router.add_post("/review/answer", review_pages.review_answer)
    router.add_get("/answers", answers_pages.answers_page)
    router.add_post("/answers/remove", answers_pages.answers_remove)
    router.add_get("/controls", controls_pages.controls_page)
    router.add_post("/controls/switch", controls_pages.controls_switch)
    router.add_get("/dashboard", dashboard_pages.dashboard_page)
    router.add_get("/audit", controls_pages.audit_page)

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


# Settings and session_secret live in pages/plumbing.py; other code imports them from here.
__all__ = ["Settings", "build_app", "serve_console", "session_secret"]
