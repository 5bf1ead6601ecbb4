"""The dashboard: a period's conversations, topics and requests as figures and charts."""

from __future__ import annotations

from aiohttp import web

from bot.console import charts
from bot.console.dashboard import PERIODS, dashboard
from bot.console.pages.plumbing import refuse, render, run, services_of, topic_label


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
