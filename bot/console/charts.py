"""Small charts as inline SVG, drawn on the server: no chart library, nothing from a CDN.

Each returns markup ready for a template (labels escaped here). Every chart has a
text alternative; the dashboard also shows the numbers in a table beside it.
"""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

from markupsafe import Markup, escape

PALETTE = ("#2f6f73", "#d9822b", "#7a5c99", "#3d8f4f", "#b04a4a", "#6b7b8c")
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _svg(width: int, height: int, label: str, body: List[str]) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">' + "".join(body) + "</svg>"
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4 if value > step * 2 else step * 2 if value > step else step
    return value


def stacked_columns(labels: Sequence[str], series: Dict[str, Sequence[int]], title: str) -> Markup:
    """One column per label, stacked by series (e.g. conversations per day by channel)."""
    width, height, left, bottom, top = 640, 220, 34, 34, 24
    plot_w, plot_h = width - left - 10, height - bottom - top
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    peak = _nice_max(max(totals or [0]))
    step = plot_w / max(1, len(labels))
    bar = max(2.0, step * 0.7)
    body = []
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        body.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {FONT}>{peak * fraction:g}</text>')
    for i, label in enumerate(labels):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for (name, values), color in zip(series.items(), PALETTE):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{escape(label)}: {escape(name)} {value}</title></rect>"
            )
        every = max(1, len(labels) // 10)
        if i % every == 0:
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" {FONT}>'
                f"{escape(label)}</text>"
            )
    x = left
    for (name, _), color in zip(series.items(), PALETTE):
        body.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{x + 14}" y="15" {FONT}>{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return _svg(width, height, title, body)


def horizontal_bars(rows: Sequence[Tuple[str, int]], title: str) -> Markup:
    """One bar per row (e.g. the top topics), longest first as given."""
    width, row_h, label_w = 640, 22, 210
    height = max(40, row_h * len(rows) + 10)
    peak = max([value for _, value in rows] or [1]) or 1
    body = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * row_h
        w = (width - label_w - 50) * value / peak
        body.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" {FONT}>{escape(label)}</text>')
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 7}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        body.append(f'<text x="{label_w + w + 5:.1f}" y="{y + 14}" {FONT}>{value}</text>')
    return _svg(width, height, title, body)


def split_bars(rows: Sequence[Tuple[str, Sequence[int]]], parts: Sequence[str], title: str) -> Markup:
    """One full-width bar per row, split into parts by share (e.g. answered alone / handed off)."""
    width, row_h, label_w = 640, 22, 210
    height = max(40, row_h * len(rows) + 28)
    plot_w = width - label_w - 10
    body = []
    x = label_w
    for name, color in zip(parts, PALETTE[2:]):
        body.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{x + 14}" y="13" {FONT}>{escape(name)}</text>')
        x += 24 + 7 * len(name)
    for i, (label, values) in enumerate(rows):
        y = 22 + i * row_h
        total = sum(values) or 1
        body.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" {FONT}>{escape(label)}</text>')
        x = float(label_w)
        for name, value, color in zip(parts, values, PALETTE[2:]):
            w = plot_w * value / total
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 7}" fill="{color}">'
                    f"<title>{escape(label)}: {escape(name)} {value} of {sum(values)}</title></rect>"
                )
            x += w
    return _svg(width, height, title, body)
