"""Checks on what a client saw and on what staff find stored.

Each check returns problems as short sentences (empty when all is well), so a
failed conversation can name its first problem in one line.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional, Sequence

from tests.live.conversations.recognise import MONTH_NAMES, QUESTION_LABELS, WEEKDAY_NAMES, Reading, shorten
from tests.live.conversations.script import (
    OWN_NUMBER,
    PRACTICE_ZONE,
    Booking,
    Expect,
    Nothing,
    Outcome,
    Window,
    local,
)

# Markers no client should see unless their script says so (Client.allow or the outcome).
UNWANTED = {
    "sexual_boundary": "the sexual-boundary reply",
    "safety": "the see-a-doctor safety reply",
    "cancelled": "the booking cancelled",
    "gave_up": "the assistant giving up",
    "trouble": "a 'having trouble' notice",
    "call_on_email": "an offer to call them on an email address",
    "goodbye": "a goodbye",
}
_MONTH = "|".join(m[:3] for m in MONTH_NAMES)
# "7 December" or "December 7th"; groups 1 and 4 hold the day of the month.
_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})[a-z]*\b|"
    rf"\b({_MONTH})[a-z]*\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b",
    re.I,
)
_WEEKDAY = re.compile(r"\b(" + "|".join(f"{d[:3]}(?:{d[3:]})?" for d in WEEKDAY_NAMES) + r")\b", re.I)


def _normal(text: str) -> str:
    return " ".join((text or "").lower().split())


# -- one reply -----------------------------------------------------------------------------


def reply_expectation(expect: Expect, reading: Reading, asked_before: Optional[str]) -> Optional[str]:
    """None when the reply meets the expectation, else what was wrong."""
    text = shorten(reading.text)
    if expect.kind == "saw":
        return None if reading.has(str(expect.value)) else f"expected {expect.value}, got: {text}"
    if expect.kind == "not":
        return f"did not expect {expect.value}: {text}" if reading.has(str(expect.value)) else None
    if expect.kind == "said":
        lowered = reading.text.lower()
        if any(phrase.lower() in lowered for phrase in expect.value):
            return None
        return f"expected it to mention {' or '.join(repr(p) for p in expect.value)}, got: {text}"
    if expect.kind == "asks":
        label = QUESTION_LABELS.get(str(expect.value), expect.value)
        return None if reading.asked == expect.value else f"expected a question about {label}, got: {text}"
    if expect.kind == "off_topic":
        if not reading.has("off_topic"):
            return f"expected the polite off-topic boundary, got: {text}"
        if reading.has("practice_facts"):
            return f"the off-topic boundary came with practice facts: {text}"
        return None
    if expect.kind == "offer_person":
        asked = [kind for _, kind in reading.questions]
        return None if "offer_person" in asked else f"expected an offer of a person, got: {text}"
    if expect.kind == "resumes":
        if asked_before and reading.asked == asked_before:
            return None
        label = QUESTION_LABELS.get(asked_before or "", asked_before)
        return f"expected the form to come back to {label}, got: {text}"
    if expect.kind == "clear":
        confusing = [
            m
            for m in ("sexual_boundary", "safety", "cancelled", "goodbye", "trouble", "off_topic", "deny_ack")
            if reading.has(m)
        ]
        if confusing or any(kind == "did_you_mean" for _, kind in reading.questions):
            return f"expected a plain 'didn't get that' and the question again, got: {text}"
        if not asked_before or reading.asked != asked_before:
            label = QUESTION_LABELS.get(asked_before or "", asked_before)
            return f"expected the form to ask {label} again, got: {text}"
        return None
    raise ValueError(f"unknown expectation {expect.kind!r}")


def unwanted_markers(reading: Reading, allowed: Sequence[str]) -> List[str]:
    return [f"{UNWANTED[m]}: {shorten(reading.text)}" for m in UNWANTED if reading.has(m) and m not in allowed]


def repeated_questions(reading: Reading) -> List[str]:
    return [
        f"the same question twice in one reply ({QUESTION_LABELS[k]}): {shorten(reading.text)}"
        for k in reading.repeated_questions()
    ]


def summary_problems(summary: str, outcome: Outcome, now: dt.datetime, last: bool) -> List[str]:
    """A booking summary names the weekday and the date; the last one names the right ones."""
    problems = []
    weekday, date = _WEEKDAY.search(summary), _DATE.search(summary)
    if not weekday or not date:
        missing = " and ".join(part for part, found in (("weekday", weekday), ("date", date)) if not found)
        return [f"the summary has no {missing}: {shorten(summary)}"]
    if not last or not isinstance(outcome, Booking) or outcome.start is None:
        return problems
    if isinstance(outcome.start, Window):
        first, last_day = local(outcome.start.earliest).date(), local(outcome.start.latest).date()
        days = [first + dt.timedelta(days=n) for n in range((last_day - first).days + 1)]
    else:
        days = [local(outcome.start).date()]
    shown_weekday, shown_day = weekday.group(1).lower()[:3], int(date.group(1) or date.group(4))
    matching = [day for day in days if WEEKDAY_NAMES[day.weekday()].startswith(shown_weekday) and day.day == shown_day]
    meant = " or ".join(f"{day:%A %-d %B}" for day in days)
    if not matching:
        problems.append(
            f"the summary shows {weekday.group(1)} the {shown_day}, the client meant {meant}: {shorten(summary)}"
        )
        return problems
    today = now.astimezone(PRACTICE_ZONE).date()
    for word, offset in (("today", 0), ("tomorrow", 1)):
        if re.search(rf"\b{word}\b", summary, re.I) and matching[0] != today + dt.timedelta(days=offset):
            problems.append(f"the summary says {word!r} for {matching[0]:%A %-d %B}: {shorten(summary)}")
    return problems


# -- what staff find -----------------------------------------------------------------------


def _local_wall(iso: Optional[str]) -> Optional[str]:
    if not iso:
        return None
    return dt.datetime.fromisoformat(iso).astimezone(PRACTICE_ZONE).strftime("%Y-%m-%dT%H:%M")


def stored_problems(outcome: Outcome, rows: List[Dict[str, Any]], sender: str) -> List[str]:
    """Problems with the requests stored for one client (rows from `python -m bot requests --json --all`)."""
    if isinstance(outcome, Nothing):
        return [
            f"a {r['kind']} request was stored ({r.get('reference')}, name {r.get('name')!r}) "
            "though the client never asked for one"
            for r in rows
        ]
    mine = [r for r in rows if r["kind"] == outcome.kind]
    if len(mine) != 1 or len(rows) != 1:
        kinds = ", ".join(r["kind"] for r in rows) or "nothing"
        return [f"expected one {outcome.kind} request stored, found: {kinds}"]
    row = mine[0]
    problems = []

    def differs(field: str, expected: Any, actual: Any) -> None:
        if expected == OWN_NUMBER:
            expected = sender
        if expected is not None and expected != actual:
            problems.append(f"stored {field} {actual!r}, the client meant {expected!r}")

    def lacks(field: str, expected: Optional[str], actual: Optional[str]) -> None:
        if expected is None:
            return
        if expected == "":
            if actual:
                problems.append(f"stored {field} {shorten(actual, 80)!r}, the client gave none")
        elif _normal(expected) not in _normal(actual or ""):
            problems.append(f"stored {field} {shorten(actual or '', 80)!r}, should hold {shorten(expected, 60)!r}")

    differs("name", outcome.name, row.get("name"))
    if isinstance(outcome, Booking):
        differs("phone", outcome.phone, row.get("phone"))
        differs("email", outcome.email.lower() if outcome.email else None, (row.get("email") or "").lower() or None)
        start = _local_wall(row.get("requested_start"))
        if isinstance(outcome.start, Window):
            if start is None or not outcome.start.earliest <= start <= outcome.start.latest:
                problems.append(
                    f"stored start {start or row.get('requested_text')!r}, "
                    f"the client meant {outcome.start.earliest} to {outcome.start.latest}"
                )
        else:
            differs("start", outcome.start, start)
        differs("service", outcome.service, row.get("service_key"))
        differs("glutes", outcome.glutes, row.get("include_glutes"))
        lacks("note", outcome.note, row.get("note"))
        differs("prenatal flag", outcome.prenatal, row.get("prenatal_flag"))
    else:
        # A callback keeps a phone number in `phone` and an e-mail address in `email`.
        differs("contact", outcome.contact, row.get("phone") or row.get("email"))
        if not outcome.open_now:
            lacks("best time", outcome.best_time, row.get("best_time"))
        lacks("question", outcome.question, row.get("question"))
    return problems
