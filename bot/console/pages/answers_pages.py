"""The practice's own answers: the list and removing one (new ones come in via /review/answer)."""

from __future__ import annotations

from aiohttp import web

from bot.answers.own_questions import (
    MAX_ANSWER_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SMS_CHARS,
    current_own_questions,
    remove_own_question,
)
from bot.console.pages.plumbing import field, flash, refuse, render, run, services_of
from bot.practice.profile import ProfileError


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
