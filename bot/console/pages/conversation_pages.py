"""Conversations: the search list, one transcript, its live update, and staff replies,
hand-back and human-only on it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from bot.console.pages.plumbing import base_context, field, flash, refuse, render, run, services_of
from bot.console.services import SmsNotConfigured
from bot.console.transcripts import (
    FILTERS,
    MAX_REPLY_CHARS,
    StaffActionRefused,
    conversation_view,
    find_conversations,
    hand_back,
    send_staff_reply,
)
from bot.conversations.rasa_api import RasaApiError, looks_like_reference
from bot.requests.models import normalize_reference


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
