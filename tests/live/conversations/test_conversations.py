"""Every scripted client conversation, played against the live servers.

One test per conversation. The pass rate, with a count per client kind, is
printed as one line in the run's "assistant measurements". Set
CONVERSATION_FAILURES=/path/to/file.md to also write the failures, one line
each with its first cause (the to-do list for fixing the forms).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from tests.live.conversations.report import failure_list, pass_rate_line
from tests.live.conversations.runner import Result, judge, play, senders
from tests.live.conversations.script import Conversation
from tests.live.conversations.scripts import ALL
from tests.live.conversations.servers import Assistant
from tests.measurements import REPORT_LINES

pytestmark = pytest.mark.e2e

RESULTS: Dict[str, Result] = {}


@pytest.fixture(scope="module", autouse=True)
def report_pass_rate() -> Iterator[None]:
    yield
    if not RESULTS:
        return
    ordered = [RESULTS[c.id] for c in ALL if c.id in RESULTS]
    REPORT_LINES.append(pass_rate_line(ordered))
    target = os.environ.get("CONVERSATION_FAILURES")
    if target:
        Path(target).write_text(failure_list(ordered))


class Played:
    """Plays the selected conversations in order, a batch at a time, and judges each.

    What staff find is read with one `python -m bot requests --json --all` per
    batch instead of one per conversation: each run of it costs a second of CPU
    on a busy machine. Every conversation still gets its own test and verdict.
    """

    BATCH = 10

    def __init__(self, assistant: Assistant, selected: List[Conversation]) -> None:
        self.assistant = assistant
        self.selected = selected
        self.results: Dict[str, Result] = {}

    def result(self, conversation: Conversation) -> Result:
        if conversation.id not in self.results:
            start = next((i for i, c in enumerate(self.selected) if c.id == conversation.id), None)
            batch = (
                [conversation]
                if start is None
                else [c for c in self.selected[start : start + self.BATCH] if c.id not in self.results]
            )
            self._play(batch)
        return self.results[conversation.id]

    def _play(self, batch: List[Conversation]) -> None:
        runs = {}
        for conversation in batch:
            self.assistant.pin_clock(conversation.clock)
            runs[conversation.id] = play(conversation, self.assistant.channels())
        rows = self.assistant.stored_requests()
        for conversation in batch:
            stored = {sender: [r for r in rows if r.get("sender_id") == sender] for sender in senders(conversation)}
            self.results[conversation.id] = judge(conversation, runs[conversation.id], stored)


@pytest.fixture(scope="module")
def played(assistant: Assistant, request: pytest.FixtureRequest) -> Played:
    chosen = {
        item.callspec.params["conversation"].id
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_conversation" and hasattr(item, "callspec")
    }
    return Played(assistant, [c for c in ALL if c.id in chosen])


@pytest.mark.parametrize("conversation", ALL, ids=[c.id for c in ALL])
def test_conversation(conversation, played):
    result = played.result(conversation)
    RESULTS[conversation.id] = result
    assert result.passed, (
        f"{conversation.id} ({conversation.kind}; {conversation.why}):\n- "
        + "\n- ".join(result.problems)
        + f"\n\ntranscript:\n{result.transcript()}"
    )
