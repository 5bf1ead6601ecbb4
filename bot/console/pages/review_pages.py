"""The review queue: labelling messages, exporting them as training data, and answering one
with the practice's own answer (/review/answer, also the form on the answers page)."""

from __future__ import annotations

from aiohttp import web

from bot import topics
from bot.answers.own_questions import MAX_ANSWER_CHARS, MAX_QUESTION_CHARS, MAX_SMS_CHARS, add_own_question
from bot.console.pages.plumbing import field, flash, redirect_back, refuse, render, run, services_of
from bot.console.review import IGNORE, KINDS, NEW_TOPIC, TOPIC, export_training_file, topic_choices
from bot.practice.profile import ProfileError


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
