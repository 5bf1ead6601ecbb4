"""The demo practice page and the embeddable chat widget, with the small static
server that hosts them (`python -m bot.web`, or serve_web(host, port, rasa_url))."""

from bot.web.page_server import build_app, serve_web, start_web

__all__ = ["build_app", "serve_web", "start_web"]
