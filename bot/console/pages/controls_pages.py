"""Administration: the assistant's on/off switch per channel, and the audit log of staff actions."""

from __future__ import annotations

from aiohttp import web

from bot.console.pages.plumbing import field, flash, refuse, render, run, services_of
from bot.conversations.controls import CHANNELS


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


async def audit_page(request: web.Request) -> web.StreamResponse:
    entries = await run(services_of(request).audit.recent, 300)
    return await render(request, "audit.html", entries=entries)
