"""Load driver for the assistant's REST channel: many simulated clients at once.

Each simulated conversation follows one scripted, realistic exchange (an FAQ,
a pregnancy question, opening hours, a full booking, small talk) under its own
sender id and its own made-up client name. Every reply is checked against the
conversation it was sent in:

- lost:        the assistant answered a turn with nothing
- duplicated:  one reply holds the same message twice
- crossed:     a reply names another simulated client (it belongs elsewhere)
- unexpected:  a reply that misses what the script expects (wrong answer)
- errors:      HTTP errors, timeouts, refused connections

    result = asyncio.run(run_load("http://127.0.0.1:5005", concurrency=50, duration_s=300))
    print(result.summary())

or from the shell: python -m tools.loadgen http://127.0.0.1:5005 --concurrency 20 --duration 60

Bookings are real requests: point this at a test deployment, not the practice's.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import random
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import aiohttp

REST_PATH = "/webhooks/rest/webhook"
# Short pauses between a client's messages, like a person reading and typing.
# They also keep each sender well inside the channel's per-sender rate limit.
DEFAULT_THINK_TIME_S = (0.5, 1.5)
DEFAULT_REQUEST_TIMEOUT_S = 60.0
MAX_SAMPLES = 20  # problem descriptions kept for a report

# Every simulated client's surname is "Zu" plus five letters: rare enough in
# real replies that finding one in the wrong conversation means a crossed reply.
CLIENT_TOKEN = re.compile(r"\bZu[a-z]{5}\b")
# First names that spaCy's small English model reliably keeps together with such
# a surname as one PERSON (measured on 5,000 booking messages; "Farid", "Iris"
# and "Rosa" were sometimes split off or merged with "Book", so are left out).
FIRST_NAMES = (
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Emma",
    "Grace",
    "Hugo",
    "Jonas",
    "Kate",
    "Laura",
    "Lucy",
    "Maria",
    "Mark",
    "Nina",
    "Paul",
    "Peter",
    "Sam",
    "Sarah",
    "Tom",
)


@dataclass(frozen=True)
class Turn:
    """One client message and what the reply must contain (any of, case-insensitive).

    "{name}" in either is the conversation's client name; "{first}" and
    "{surname}" are its parts.
    """

    message: str
    expect_any: Tuple[str, ...] = ()

    def text_for(self, name: str) -> str:
        return _with_name(self.message, name)

    def expected_for(self, name: str) -> Tuple[str, ...]:
        return tuple(_with_name(expected, name) for expected in self.expect_any)


def _with_name(text: str, name: str) -> str:
    """Fill in {name}, {first} and {surname}; not str.format, as messages may hold JSON braces."""
    first, _, surname = name.partition(" ")
    return text.replace("{name}", name).replace("{first}", first).replace("{surname}", surname)


@dataclass(frozen=True)
class Script:
    name: str
    turns: Tuple[Turn, ...]


# The booking asks for a fixed weekday: against a server on the real clock it
# is refused on that weekday's afternoon (pin the clock, see bot/practice/clock.py).
BOOKING_MESSAGE = "Book {name}, 415 555 0142, Thursday at 4 pm, a 60 minute massage with glutes"

SCRIPTS: Tuple[Script, ...] = (
    Script(
        "faq",
        (
            Turn("hi", ("welcome",)),
            Turn("why glutes?", ("every step",)),
            Turn("how will I be covered?", ("sheet",)),
            Turn("thanks", ("welcome", "anything else")),
        ),
    ),
    Script(
        "pregnancy",
        (
            Turn("is it okay while pregnant?", ("midwife",)),
            Turn("do you do prenatal massage?", ("prenatal",)),
        ),
    ),
    Script(
        "hours",
        (
            Turn("what are your opening hours?", ("9 am",)),
            Turn("are you open on sunday?", ("sunday",)),
        ),
    ),
    Script(
        "booking",
        (
            Turn(BOOKING_MESSAGE, ("therapist to know",)),  # every detail taken: only the note is asked
            # The summary and the confirmation name the client. The model's name
            # finder now and then keeps only one part of a made-up name, so either
            # part counts; a reply naming someone else is caught as crossed.
            Turn("no", ("{surname}", "name: {first}")),
            Turn("/affirm", ("{surname}", "thank you, {first}", "thanks {first}")),
        ),
    ),
    Script(
        "small_talk",
        (
            Turn("hello there", ("welcome",)),
            Turn("are you a bot?", ("assistant",)),
            Turn("bye", ("take care", "bye")),
        ),
    ),
)


_CONSONANTS = "bcdfghklmnprstvz"
_VOWEL_LETTERS = "aeiou"


def _surname_tail(number: int) -> str:
    """Five letters, consonant and vowel by turns ("belot"): a name a person could have,
    never one the assistant would take for key-mash and refuse ("ytrsg" once was)."""
    letters = []
    for position in range(5):
        alphabet = _CONSONANTS if position % 2 == 0 else _VOWEL_LETTERS
        number, rest = divmod(number, len(alphabet))
        letters.append(alphabet[rest])
    return "".join(letters)


SURNAMES = len(_CONSONANTS) ** 3 * len(_VOWEL_LETTERS) ** 2


def client_names(seed: Optional[int] = None) -> Iterator[str]:
    """Endless unique client names such as "Grace Zubelot", in a random order."""
    rng = random.Random(seed)
    # A random start and a stride sharing no factor with the size visit every code once.
    start, stride = rng.randrange(SURNAMES), rng.randrange(1, SURNAMES)
    while math.gcd(stride, SURNAMES) != 1:
        stride = rng.randrange(1, SURNAMES)
    for step in itertools.count():
        code = (start + step * stride) % SURNAMES
        yield f"{FIRST_NAMES[code % len(FIRST_NAMES)]} Zu{_surname_tail(code)}"


# -- results ----------------------------------------------------------------------------


@dataclass
class LoadResult:
    latencies_ms: List[float] = field(default_factory=list)  # one per answered HTTP request
    # The same latencies by script turn ("booking 1"): which turns make the slow tail.
    turn_latencies_ms: Dict[str, List[float]] = field(default_factory=dict)
    messages_sent: int = 0
    messages_answered: int = 0  # HTTP 200 with at least one bot message
    conversations_started: int = 0
    conversations_completed: int = 0
    errors: int = 0
    lost: int = 0
    duplicated: int = 0
    crossed: int = 0
    unexpected: int = 0
    elapsed_s: float = 0.0
    samples: List[str] = field(default_factory=list)  # a few problems, for the report

    def note(self, kind: str, detail: str) -> None:
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append(f"{kind}: {detail}")

    @property
    def problems(self) -> int:
        return self.errors + self.lost + self.duplicated + self.crossed + self.unexpected

    def slowest_turns(self, pct: float = 95) -> List[Dict[str, Any]]:
        """Each script turn's latencies, with its share of the messages above the overall
        `pct` percentile: the turns to make cheaper to bring that percentile down."""
        line = percentile(self.latencies_ms, pct)
        rows = []
        for turn, values in self.turn_latencies_ms.items():
            rows.append(
                {
                    "turn": turn,
                    "messages": len(values),
                    "p50_ms": percentile(values, 50),
                    "p95_ms": percentile(values, 95),
                    "above": sum(1 for value in values if line is not None and value > line),
                }
            )
        return sorted(rows, key=lambda row: (-row["above"], -(row["p95_ms"] or 0)))

    def summary(self) -> Dict[str, Any]:
        """Counts, latency percentiles (ms) and throughput, ready for json.dumps."""
        return {
            "conversations": self.conversations_completed,
            "messages_sent": self.messages_sent,
            "messages_answered": self.messages_answered,
            "errors": self.errors,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "crossed": self.crossed,
            "unexpected": self.unexpected,
            "p50_ms": percentile(self.latencies_ms, 50),
            "p95_ms": percentile(self.latencies_ms, 95),
            "p99_ms": percentile(self.latencies_ms, 99),
            "msgs_per_s": round(self.messages_sent / self.elapsed_s, 2) if self.elapsed_s else 0.0,
            "elapsed_s": round(self.elapsed_s, 1),
        }


def percentile(values: Sequence[float], pct: float) -> Optional[float]:
    """Nearest-rank percentile, rounded to 0.1; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-len(ordered) * pct // 100)))
    return round(ordered[int(rank) - 1], 1)


# -- checking one reply ---------------------------------------------------------------------


def reply_text(messages: Iterable[Dict[str, Any]]) -> str:
    parts = []
    for message in messages:
        parts.append(message.get("text") or "")
        parts.extend(str(button.get("title", "")) for button in message.get("buttons") or [])
    return "\n".join(parts)


def check_reply(messages: List[Dict[str, Any]], turn: Turn, name: str, result: LoadResult, where: str) -> None:
    """Count what is wrong with one reply to one turn of one conversation."""
    if not messages:
        result.lost += 1
        result.note("lost", f"{where}: no reply to {turn.message!r}")
        return
    result.messages_answered += 1
    keys = [json.dumps(m, sort_keys=True) for m in messages]
    if len(set(keys)) < len(keys):
        result.duplicated += 1
        result.note("duplicated", f"{where}: {reply_text(messages)[:200]!r}")
    text = reply_text(messages)
    own = name.split()[-1]
    strangers = {token for token in CLIENT_TOKEN.findall(text) if token != own}
    if strangers:
        result.crossed += 1
        result.note("crossed", f"{where} ({own}) got a reply naming {sorted(strangers)}")
        return
    lowered = text.lower()
    if turn.expect_any and not any(expected.lower() in lowered for expected in turn.expected_for(name)):
        result.unexpected += 1
        result.note("unexpected", f"{where}: {turn.text_for(name)!r} -> {text[:200]!r}")


# -- driving conversations -----------------------------------------------------------------


async def _say(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> List[Dict[str, Any]]:
    async with session.post(url, json={"sender": sender, "message": message}) as response:
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {(await response.text())[:200]}")
        body = await response.json(content_type=None)
        if not isinstance(body, list):
            raise RuntimeError(f"unexpected body {str(body)[:200]}")
        return body


async def run_conversation(
    session: aiohttp.ClientSession,
    url: str,
    script: Script,
    name: str,
    result: LoadResult,
    think_time_s: Tuple[float, float] = DEFAULT_THINK_TIME_S,
    rng: Optional[random.Random] = None,
) -> None:
    """One simulated client works through one script under a fresh sender id."""
    rng = rng or random.Random()
    sender = f"load-{script.name}-{uuid.uuid4().hex[:12]}"
    result.conversations_started += 1
    for number, turn in enumerate(script.turns, start=1):
        if number > 1 and think_time_s[1] > 0:
            await asyncio.sleep(rng.uniform(*think_time_s))
        where = f"{sender} turn {number}"
        result.messages_sent += 1
        started = time.perf_counter()
        try:
            messages = await _say(session, url, sender, turn.text_for(name))
        except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError, ValueError) as exc:
            result.errors += 1
            result.note("error", f"{where}: {type(exc).__name__}: {exc}")
            return  # the rest of this script would only pile up follow-on errors
        elapsed_ms = (time.perf_counter() - started) * 1000
        result.latencies_ms.append(elapsed_ms)
        result.turn_latencies_ms.setdefault(f"{script.name} {number}", []).append(elapsed_ms)
        check_reply(messages, turn, name, result, where)
    result.conversations_completed += 1


async def run_load(
    base_url: str,
    concurrency: int,
    duration_s: Optional[float] = None,
    conversations: Optional[int] = None,
    *,
    scripts: Sequence[Script] = SCRIPTS,
    think_time_s: Tuple[float, float] = DEFAULT_THINK_TIME_S,
    request_timeout_s: float = DEFAULT_REQUEST_TIMEOUT_S,
    seed: Optional[int] = None,
) -> LoadResult:
    """Run `concurrency` simulated clients against Rasa's REST channel.

    Stops starting conversations once duration_s has passed or `conversations`
    have been started (whichever comes first; at least one must be given), and
    lets the ones under way finish. Scripts are used in turn.
    """
    if duration_s is None and conversations is None:
        raise ValueError("give duration_s, conversations, or both")
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    url = base_url.rstrip("/") + REST_PATH
    result = LoadResult()
    names = client_names(seed)
    plan = itertools.cycle(scripts)
    rng = random.Random(seed)
    started = time.monotonic()
    deadline = started + duration_s if duration_s is not None else None

    async def client(index: int) -> None:
        # Clients arrive spread over one pause, not all in the same instant: ten first
        # messages at once measure a burst at start-up, not ten conversations under way.
        # (Without pauses, the capacity run, they start together.)
        if think_time_s[1] > 0 and index > 0:
            await asyncio.sleep(rng.uniform(0, think_time_s[1]))
        while True:
            if deadline is not None and time.monotonic() >= deadline:
                return
            if conversations is not None and result.conversations_started >= conversations:
                return
            # run_conversation counts itself as started before its first await,
            # so no other client can slip past the check above meanwhile.
            await run_conversation(
                session, url, next(plan), next(names), result, think_time_s, random.Random(rng.random())
            )

    timeout = aiohttp.ClientTimeout(total=request_timeout_s)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(client(index) for index in range(concurrency)))
    result.elapsed_s = time.monotonic() - started
    return result


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.loadgen", description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="Rasa's base URL, e.g. http://127.0.0.1:5005")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--duration", type=float, help="seconds to keep starting conversations")
    parser.add_argument("--conversations", type=int, help="how many conversations to run")
    args = parser.parse_args(argv)
    if args.duration is None and args.conversations is None:
        args.duration = 60
    result = asyncio.run(run_load(args.base_url, args.concurrency, args.duration, args.conversations))
    print(json.dumps(result.summary(), indent=2))
    for sample in result.samples:
        print(sample, file=sys.stderr)
    return 0 if result.problems == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
