"""Plays a conversation against the running assistant, the way its client would.

Each client sends its opening, then reads every reply, recognises the question
it asks and sends that client's answer to it, until the conversation reaches an
outcome (a stored request, a cancellation, a safety answer...), the assistant
asks something the client has no (more) answers for, or the turns run out.
Several clients in one conversation take turns, one message each.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import Deque, Dict, List, Optional, Protocol, Set, Tuple, Union

from tests.live.conversations import checks
from tests.live.conversations.channels import Reply
from tests.live.conversations.recognise import NOTHING_ASKED, QUESTION_LABELS, Reading, read, shorten, summary_of
from tests.live.conversations.script import Booking, Callback, Click, Client, Conversation, Nothing, Say, as_steps


class Channel(Protocol):
    name: str

    def send(self, sender: str, text: str) -> Reply: ...


@dataclass
class Turn:
    said: str
    reply: Reading


@dataclass
class ClientRun:
    """One client's side of a conversation as it is played."""

    client: Client
    channel: Channel
    max_turns: int
    pending: Deque[Union[Say, Click]] = field(default_factory=deque)
    answered: Dict[str, int] = field(default_factory=dict)
    interrupted: Set[str] = field(default_factory=set)
    turns: List[Turn] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)
    seen: Set[str] = field(default_factory=set)  # every marker seen in any reply
    summaries: List[str] = field(default_factory=list)
    ended: Optional[str] = None
    phase: str = "talking"  # then "after" (the closing messages), then "done"
    last_answer: Dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for step in self.client.opening:
            self.pending.extend(as_steps(step))
        self.allowed = set(self.client.allow)
        outcome = self.client.outcome
        if isinstance(outcome, Nothing) and outcome.ending != "answered":
            self.allowed.add(outcome.ending)  # e.g. "cancelled" or "safety" is what this client came to

    @property
    def done(self) -> bool:
        return self.phase == "done"

    @property
    def last(self) -> Optional[Reading]:
        return self.turns[-1].reply if self.turns else None

    def problem(self, text: str) -> None:
        self.problems.append(f"turn {len(self.turns)}: {text}")

    # -- choosing what to say next ----------------------------------------------------------
    def _plan_next(self) -> None:
        """Queue what the client says to the latest reply, or finish."""
        reading = self.last
        if reading is None:
            self.phase = "done"
            return
        if self.phase == "after":
            self.phase = "done"
            return
        ending = reading.ended_in
        if ending:
            self.ended = ending
            self.phase = "after"
            for step in self.client.after:
                self.pending.extend(as_steps(step))
            if not self.pending:
                self.phase = "done"
            return
        # Nothing asked and no outcome yet: the client may take a next step the script gives
        # (e.g. click "Book" under an answer), or has said all they came to say.
        question = reading.asked or NOTHING_ASKED
        if question == NOTHING_ASKED and not self.client.answers_for(NOTHING_ASKED):
            self.phase = "done"
            return
        if question in self.client.interrupt and question not in self.interrupted:
            self.interrupted.add(question)
            self.pending.extend(as_steps(self.client.interrupt[question]))
            return
        answers = self.client.answers_for(question)
        count = self.answered.get(question, 0)
        if count < len(answers):
            self.answered[question] = count + 1
            self.pending.extend(as_steps(answers[count]))
            return
        label = QUESTION_LABELS[question]
        if question == NOTHING_ASKED:
            self.problem(f"stalled: nothing asked after {self.turns[-1].said!r}: {shorten(reading.text)}")
        elif count:
            self.problem(
                f"asked for {label} again after the client answered {self.last_answer.get(question, '')!r}: "
                f"{shorten(reading.text)}"
            )
        else:
            self.problem(
                f"asked for {label}, which this client had no reason to be asked "
                f"(after {self.turns[-1].said!r}): {shorten(reading.text)}"
            )
        self.phase = "done"

    def step(self) -> None:
        """Send one message (if there is anything left to say) and read the reply."""
        if self.done:
            return
        if not self.pending:
            self._plan_next()
            if not self.pending:
                return
        if len(self.turns) >= self.max_turns:
            self.problem(f"still going after {self.max_turns} messages, no outcome")
            self.phase = "done"
            return
        step = self.pending.popleft()
        asked_before = self.last.asked if self.last else None
        text = step.text if isinstance(step, Say) else self._choice(step)
        if text is None:
            self.phase = "done"
            return
        if asked_before:
            self.last_answer[asked_before] = text
        reply = self.channel.send(self.client.sender, text)
        reading = read(reply.text)
        reading.choices = reply.choices
        self.turns.append(Turn(text, reading))
        self.seen |= reading.markers
        self._check_reply(reply, reading, step, asked_before)

    def _choice(self, click: Click) -> Optional[str]:
        choices = self.last.choices if self.last else []
        for title, value in choices:
            if click.title.lower() in title.lower():
                return value
        self.problem(f"no choice {click.title!r} was offered (choices: {[t for t, _ in choices]})")
        return None

    # -- checks on each reply -------------------------------------------------------------------
    def _check_reply(
        self, reply: Reply, reading: Reading, step: Union[Say, Click], asked_before: Optional[str]
    ) -> None:
        said = f"{shorten(self.turns[-1].said, 60)!r}"
        if reply.status != 200:
            self.problem(f"{said} got HTTP {reply.status}: {shorten(reply.text)}")
        elif not reading.text.strip():
            self.problem(f"{said} got no reply at all")
        for expect in step.expect:
            wrong = checks.reply_expectation(expect, reading, asked_before)
            if wrong:
                self.problem(f"{said}: {wrong}")
        for wrong in checks.unwanted_markers(reading, sorted(self.allowed)):
            self.problem(f"{said} got {wrong}")
        for wrong in checks.repeated_questions(reading):
            self.problem(f"{said} got {wrong}")
        summary = summary_of(reading.text)
        if summary:
            self.summaries.append(summary)

    # -- after the conversation -------------------------------------------------------------------
    def outcome_problems(self, pinned: dt.datetime) -> List[str]:
        problems: List[str] = []
        outcome = self.client.outcome
        for index, summary in enumerate(self.summaries):
            problems += checks.summary_problems(summary, outcome, pinned, last=index == len(self.summaries) - 1)
        wanted: Tuple[str, ...] = ()
        if isinstance(outcome, Booking):
            wanted = ("booking_done",)
        elif isinstance(outcome, Callback):
            wanted = ("handed_over",) if outcome.open_now else ("callback_done",)
        if wanted and self.ended not in wanted:
            last = shorten(self.last.text) if self.last else "(nothing)"
            problems.append(f"never reached a stored {outcome.kind} ({' or '.join(wanted)}); last reply: {last}")
        if isinstance(outcome, Nothing) and outcome.ending != "answered" and outcome.ending not in self.seen:
            last = shorten(self.last.text) if self.last else "(nothing)"
            problems.append(f"never saw {outcome.ending}; last reply: {last}")
        if isinstance(outcome, Nothing) and outcome.mentioned:
            everything = "\n".join(turn.reply.text for turn in self.turns).lower()
            if not any(phrase.lower() in everything for phrase in outcome.mentioned):
                problems.append(f"no reply mentioned {' or '.join(repr(p) for p in outcome.mentioned)}")
        return problems

    def transcript(self) -> str:
        lines = []
        for turn in self.turns:
            lines.append(f"  {self.client.sender} > {turn.said[:300]}")
            for line in turn.reply.text.splitlines() or [""]:
                lines.append(f"  assistant < {line}")
        return "\n".join(lines)


@dataclass
class Result:
    conversation: Conversation
    runs: List[ClientRun]
    problems: List[str]

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def cause(self) -> str:
        return self.problems[0] if self.problems else ""

    def transcript(self) -> str:
        return "\n\n".join(run.transcript() for run in self.runs)


def play(conversation: Conversation, channels: Dict[str, Channel]) -> List[ClientRun]:
    runs = [ClientRun(c, channels[c.channel], conversation.max_turns) for c in conversation.clients]
    while not all(run.done for run in runs):
        for run in runs:
            run.step()
    return runs


def judge(conversation: Conversation, runs: List[ClientRun], stored: Dict[str, List[dict]]) -> Result:
    """All problems, in the order a reader would meet them: per client, the
    conversation first, then the outcome, then what staff find."""
    problems: List[str] = []
    several = len(runs) > 1
    for run in runs:
        who = f"[{run.client.sender}] " if several else ""
        found = run.problems + run.outcome_problems(conversation.pinned)
        found += checks.stored_problems(run.client.outcome, stored.get(run.client.sender, []), run.client.sender)
        problems += [who + p for p in found]
    return Result(conversation, runs, problems)


def senders(conversation: Conversation) -> Tuple[str, ...]:
    return tuple(c.sender for c in conversation.clients)
