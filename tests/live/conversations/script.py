"""A conversation as data: who the client is, how they reach us, when, what they
open with, how they answer each question the assistant asks, and what they and
staff should end up with.

    Conversation(
        id="desk-worker-first-visit", kind="first-timer", channel="rest", clock=WED_MORNING,
        opening=["hi, I've never had a massage, can I book one?"],
        answers={"name": "Name's Dana Kowalski", "contact": "503 555 0148", "time": "fri 2pm",
                 "service": "the regular hour", "glutes": "no thanks",
                 "note": "desk job, my lower back gets really tight", "confirm": "yes please"},
        outcome=Booking(name="Dana Kowalski", phone="+15035550148", start="2026-12-04T14:00",
                        service="massage_60", glutes=False, note="lower back gets really tight"),
    )

Answers are keyed by the question (see recognise.QUESTIONS). A list gives the
answers for the first, second... time that question is asked; a client asked
more often than they have answers for has been made to repeat themselves, and
the conversation fails there. An answer is plain text, a Say (text with checks
on the reply), a Click (a button or SMS option, by title) or a Seq (several
messages sent one after another, whatever comes back in between).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple, Union
from zoneinfo import ZoneInfo

PRACTICE_ZONE = ZoneInfo("America/Los_Angeles")

# -- pinned clocks (the practice's local time; the week of Monday 30 November 2026) -------
MON_MORNING = "2026-11-30T09:30:00-08:00"
TUE_MORNING = "2026-12-01T10:00:00-08:00"
TUE_AFTERNOON = "2026-12-01T15:00:00-08:00"
TUE_EVENING = "2026-12-01T20:15:00-08:00"  # closed since 7 pm
WED_MORNING = "2026-12-02T11:00:00-08:00"
THU_AFTERNOON = "2026-12-03T14:30:00-08:00"
FRI_NOON = "2026-12-04T12:00:00-08:00"
SAT_MORNING = "2026-12-05T11:00:00-08:00"
SAT_NIGHT = "2026-12-05T21:30:00-08:00"  # closed until Monday 9 am
SUN_AFTERNOON = "2026-12-06T14:00:00-08:00"  # closed all day
MON_BEFORE_CHRISTMAS = "2026-12-14T10:00:00-08:00"
# Daylight saving time: it ends on Sunday 1 November 2026 and starts on Sunday 8 March 2026.
FRI_BEFORE_FALL_BACK = "2026-10-30T10:00:00-07:00"
SAT_BEFORE_FALL_BACK = "2026-10-31T12:00:00-07:00"
FRI_BEFORE_SPRING_FORWARD = "2026-03-06T11:00:00-08:00"
SAT_BEFORE_SPRING_FORWARD = "2026-03-07T10:30:00-08:00"


# -- what the client sends -----------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """A check on the reply to one message. kind:

    - "saw": the reply is recognised as `value` (a marker of recognise.MARKERS)
    - "not": the reply is not recognised as `value`
    - "said": the reply contains at least one of the phrases in `value` (any case)
    - "asks": the reply asks question `value` (recognise.QUESTIONS), e.g. the form resumes
    - "off_topic": the polite boundary, with no practice or article facts in it
    - "offer_person": an offer to have a person contact them
    """

    kind: str
    value: Union[str, Tuple[str, ...]] = ""


def saw(marker: str) -> Expect:
    return Expect("saw", marker)


def never(marker: str) -> Expect:
    return Expect("not", marker)


def said(*phrases: str) -> Expect:
    return Expect("said", tuple(phrases))


def asks(question: str) -> Expect:
    return Expect("asks", question)


OFF_TOPIC = Expect("off_topic")
OFFER_PERSON = Expect("offer_person")
RESUMES = Expect("resumes")  # the question the client was interrupted on is asked again
CLEAR_REPLY = Expect("clear")  # bad input: no guessing at a topic, no boundary, the question again


@dataclass(frozen=True)
class Say:
    text: str
    expect: Tuple[Expect, ...] = ()

    def __init__(self, text: str, *expect: Expect) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "expect", tuple(expect))


@dataclass(frozen=True)
class Click:
    """Pick the offered choice whose title contains `title` (case-insensitive)."""

    title: str
    expect: Tuple[Expect, ...] = ()

    def __init__(self, title: str, *expect: Expect) -> None:
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "expect", tuple(expect))


@dataclass(frozen=True)
class Seq:
    """Several messages in a row, sent whatever the assistant says in between."""

    steps: Tuple[Union[str, Say, Click], ...]

    def __init__(self, *steps: Union[str, Say, Click]) -> None:
        object.__setattr__(self, "steps", tuple(steps))


Step = Union[str, Say, Click, Seq]


def as_steps(answer: Step) -> List[Union[Say, Click]]:
    if isinstance(answer, Seq):
        return [s for step in answer.steps for s in as_steps(step)]
    if isinstance(answer, str):
        return [Say(answer)]
    return [answer]


# -- what staff should find -----------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A requested start anywhere from `earliest` to `latest` (local wall times), for a
    client who was vague ("sat morning", "after work") and let the assistant choose."""

    earliest: str
    latest: str


# Booking.phone or Callback.contact for an SMS client reached on the number they text from.
OWN_NUMBER = "(the number they texted from)"


@dataclass(frozen=True)
class Booking:
    """One booking request stored for this client. None means "not checked"; note is
    text the stored note must contain ("" means no note at all)."""

    name: str
    phone: Optional[str] = None
    email: Optional[str] = None
    start: Union[str, Window, None] = None  # local wall time "2026-12-07T10:00"
    service: Optional[str] = None
    glutes: Optional[bool] = None
    note: Optional[str] = None
    prenatal: Optional[bool] = None
    kind = "booking"


@dataclass(frozen=True)
class Callback:
    """One callback request stored: after hours (best_time given) or a person now (open_now)."""

    name: str
    contact: Optional[str] = None
    best_time: Optional[str] = None  # text the stored best time must contain
    question: Optional[str] = None  # text the stored question must contain
    open_now: bool = False
    kind = "callback"


@dataclass(frozen=True)
class Nothing:
    """Nothing stored; the conversation ends in `ending` (a recognise marker such as
    "cancelled" or "safety", or "answered" when the client only asked questions),
    and, if `mentioned` is given, one of its replies said one of those phrases."""

    ending: str = "answered"
    mentioned: Tuple[str, ...] = ()  # some reply in the conversation says one of these (any case)
    kind = "nothing"


Outcome = Union[Booking, Callback, Nothing]


@dataclass(frozen=True)
class Client:
    """One simulated client inside a conversation."""

    sender: str  # REST sender id, or the client's phone number by SMS
    channel: str  # "rest" or "sms"
    opening: Tuple[Step, ...]
    answers: Dict[str, Union[Step, Sequence[Step]]]
    interrupt: Dict[str, Step]  # before the first answer to that question, say this first
    outcome: Outcome
    after: Tuple[Step, ...] = ()  # said once the conversation has reached its outcome
    allow: Tuple[str, ...] = ()  # markers this client may see (e.g. "sexual_boundary")

    def answers_for(self, question: str) -> List[Step]:
        given = self.answers.get(question)
        if given is None:
            return []
        if isinstance(given, (list, tuple)):
            return list(given)
        return [given]


@dataclass(frozen=True)
class Conversation:
    id: str
    kind: str  # the client kind, for the per-kind count
    clock: str  # pinned "now" with a UTC offset
    clients: Tuple[Client, ...]
    why: str = ""  # what this conversation is about, in a few words
    max_turns: int = 16  # per client

    @property
    def pinned(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.clock)


_SMS_NUMBERS: Dict[str, str] = {}


def sms_number(conversation_id: str, index: int = 0) -> str:
    """A fictional US number (555-01xx) of its own for each SMS client."""
    key = f"{conversation_id}/{index}"
    if key not in _SMS_NUMBERS:
        _SMS_NUMBERS[key] = f"+1503555{100 + len(_SMS_NUMBERS):04d}"
        if len(_SMS_NUMBERS) > 100:
            raise ValueError("more SMS clients than fictional 555-01xx numbers")
    return _SMS_NUMBERS[key]


def client(
    conversation_id: str,
    channel: str = "rest",
    index: int = 0,
    *,
    opening: Sequence[Step] = (),
    answers: Optional[Dict[str, Union[Step, Sequence[Step]]]] = None,
    interrupt: Optional[Dict[str, Step]] = None,
    outcome: Outcome = Nothing(),
    after: Sequence[Step] = (),
    allow: Sequence[str] = (),
) -> Client:
    sender = sms_number(conversation_id, index) if channel == "sms" else f"convo-{conversation_id}-{index}"
    return Client(
        sender, channel, tuple(opening), dict(answers or {}), dict(interrupt or {}), outcome, tuple(after), tuple(allow)
    )


def conversation(
    id: str,
    kind: str,
    clock: str,
    *,
    channel: str = "rest",
    why: str = "",
    opening: Sequence[Step] = (),
    answers: Optional[Dict[str, Union[Step, Sequence[Step]]]] = None,
    interrupt: Optional[Dict[str, Step]] = None,
    outcome: Outcome = Nothing(),
    after: Sequence[Step] = (),
    allow: Sequence[str] = (),
    max_turns: int = 16,
) -> Conversation:
    """One client, the common case."""
    if not re.fullmatch(r"[a-z0-9-]+", id):
        raise ValueError(f"conversation id {id!r}: lowercase words and hyphens only")
    return Conversation(
        id,
        kind,
        clock,
        (
            client(
                id,
                channel,
                opening=opening,
                answers=answers,
                interrupt=interrupt,
                outcome=outcome,
                after=after,
                allow=allow,
            ),
        ),
        why,
        max_turns,
    )


def interleaved(id: str, kind: str, clock: str, *clients: Client, why: str = "", max_turns: int = 16) -> Conversation:
    """Several clients taking turns, one message each, on the same servers."""
    return Conversation(id, kind, clock, tuple(clients), why, max_turns)


def local(wall: str) -> dt.datetime:
    """'2026-12-07T10:00' as an aware time in the practice's zone."""
    return dt.datetime.fromisoformat(wall).replace(tzinfo=PRACTICE_ZONE)
