"""The suite's pass rate as one line, and the list of failures with their first cause."""

from __future__ import annotations

from typing import Dict, Iterable

from tests.live.conversations.recognise import shorten
from tests.live.conversations.runner import Result

MORE_PROBLEMS = 3  # listed under each failure's first cause


def pass_rate_line(results: Iterable[Result]) -> str:
    """'conversations: 57/84 passed (first-timer 10/12, pregnant 6/8, ...)', kinds in script order."""
    per_kind: Dict[str, list] = {}
    for result in results:
        tally = per_kind.setdefault(result.conversation.kind, [0, 0])
        tally[0] += result.passed
        tally[1] += 1
    passed = sum(t[0] for t in per_kind.values())
    total = sum(t[1] for t in per_kind.values())
    kinds = ", ".join(f"{kind} {done}/{count}" for kind, (done, count) in per_kind.items())
    return f"conversations: {passed}/{total} passed ({kinds})"


def failure_list(results: Iterable[Result]) -> str:
    results = list(results)
    failed = [r for r in results if not r.passed]
    lines = [
        f"# Conversation failures: {len(failed)} of {len(results)}",
        "",
        pass_rate_line(results),
        "",
        "One line per failed conversation: its id (client kind), then the first thing that went wrong;",
        "what else went wrong after it, indented below.",
        "",
    ]
    for result in failed:
        lines.append(f"- `{result.conversation.id}` ({result.conversation.kind}): {result.cause}")
        lines += [f"  - {shorten(problem, 200)}" for problem in result.problems[1 : MORE_PROBLEMS + 1]]
    return "\n".join(lines) + "\n"
