"""The inbox (pending requests and held messages), its live update and the actions on a request."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from bot.console.inbox import inbox_snapshot
from bot.console.pages.plumbing import base_context, field, flash, redirect_back, refuse, render, run, services_of
from bot.requests.models import STAFF_NOTE_MAX_CHARS, normalize_reference


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
