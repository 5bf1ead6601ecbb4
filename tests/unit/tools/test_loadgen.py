"""tools.loadgen against a scripted stand-in for Rasa's REST channel (no model needed).

The stand-in answers every scripted turn correctly unless told to misbehave,
so each of the driver's checks is shown to catch exactly its own fault.
"""

from __future__ import annotations

import asyncio
import re
from typing import Callable, Dict, List, Optional

import pytest
from aiohttp import web

from tools.loadgen import SCRIPTS, LoadResult, Turn, check_reply, percentile, run_load

NO_THINKING = (0.0, 0.0)
TURNS_PER_ROUND = sum(len(script.turns) for script in SCRIPTS)

Fault = Callable[[str, str, List[Dict]], Optional[web.Response]]


class ScriptedRasa:
    """Replies with what each scripted turn expects, for the sender's own client name."""

    def __init__(self, fault: Optional[Fault] = None):
        self.fault = fault
        self.names: Dict[str, str] = {}
        self.received = 0

    def correct_reply(self, sender: str, message: str) -> List[Dict]:
        booked = re.match(r"Book (\w+ \w+),", message)
        if booked:
            self.names[sender] = booked.group(1)
        name = self.names.get(sender, "")
        for script in SCRIPTS:
            for turn in script.turns:
                if turn.text_for(name) == message:
                    return [{"recipient_id": sender, "text": turn.expected_for(name)[0]}]
        return [{"recipient_id": sender, "text": "Sorry?"}]

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received += 1
        reply = self.correct_reply(body["sender"], body["message"])
        override = self.fault(body["sender"], body["message"], reply) if self.fault else None
        return override if override is not None else web.json_response(reply)


async def serve(rasa: ScriptedRasa):
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", rasa.webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


def drive(rasa: ScriptedRasa, **kwargs) -> LoadResult:
    async def go() -> LoadResult:
        runner, base = await serve(rasa)
        try:
            return await run_load(base, **kwargs)
        finally:
            await runner.cleanup()

    return asyncio.run(go())


def test_a_correct_server_gives_a_clean_result():
    rasa = ScriptedRasa()
    result = drive(rasa, concurrency=4, conversations=2 * len(SCRIPTS), think_time_s=NO_THINKING, seed=7)

    assert result.problems == 0, result.samples
    assert result.conversations_started == result.conversations_completed == 2 * len(SCRIPTS)
    assert result.messages_sent == result.messages_answered == rasa.received == 2 * TURNS_PER_ROUND
    assert len(result.latencies_ms) == result.messages_sent
    summary = result.summary()
    assert summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"]
    assert summary["msgs_per_s"] > 0


def test_every_conversation_has_its_own_sender_and_client_name():
    senders: Dict[str, set] = {}

    def record(sender, message, reply):
        senders.setdefault(sender, set()).add(message)
        return None

    rasa = ScriptedRasa(record)
    drive(rasa, concurrency=3, conversations=3 * len(SCRIPTS), think_time_s=NO_THINKING)
    assert len(senders) == 3 * len(SCRIPTS)
    booked = [name for name in rasa.names.values()]
    assert len(booked) == len(set(booked)) == 3


def test_each_fault_is_counted_under_its_own_name():
    others: List[str] = []

    def misbehave(sender, message, reply):
        if message.startswith("Book "):
            others.append(message.split(",")[0][5:])
        if message == "/affirm" and len(others) > 1:
            # Hand this client the confirmation meant for someone else.
            stranger = next(n for n in others if n not in reply[0]["text"])
            return web.json_response([{"text": f"Thank you, {stranger}! Your request is in."}])
        if message == "thanks":
            return web.json_response([])
        if message == "why glutes?":
            return web.json_response(reply + reply)
        if message == "are you a bot?":
            return web.Response(status=500, text="boom")
        if message == "are you open on sunday?":
            return web.json_response([{"text": "Our prices start at $60."}])
        return None

    result = drive(ScriptedRasa(misbehave), concurrency=2, conversations=2 * len(SCRIPTS), think_time_s=NO_THINKING)

    assert (result.lost, result.duplicated, result.errors, result.unexpected) == (2, 2, 2, 2), result.samples
    assert result.crossed >= 1  # the first booking has no stranger to be confused with yet
    assert result.conversations_completed == 2 * len(SCRIPTS) - 2  # a server error ends that conversation
    assert any(sample.startswith("crossed:") for sample in result.samples)


def test_a_duration_bound_run_stops_starting_and_lets_conversations_finish():
    result = drive(ScriptedRasa(), concurrency=3, duration_s=0.5, think_time_s=(0.05, 0.1))
    assert result.conversations_started >= 3
    assert result.conversations_completed == result.conversations_started
    assert result.problems == 0
    assert result.elapsed_s < 0.5 + 2.0  # one in-flight script at most after the deadline


def test_run_load_needs_a_bound():
    with pytest.raises(ValueError):
        asyncio.run(run_load("http://127.0.0.1:9", concurrency=1))


def test_a_refused_connection_is_an_error_not_a_crash():
    from tests.net import free_port

    result = asyncio.run(
        run_load(f"http://127.0.0.1:{free_port()}", concurrency=2, conversations=2, think_time_s=NO_THINKING)
    )
    assert result.errors == 2 and result.messages_answered == 0


def test_a_reply_naming_someone_else_is_crossed_even_when_it_also_names_the_client():
    result = LoadResult()
    check_reply(
        [{"text": "Name: Anna Zuabcde, and Ben Zuqwert"}], Turn("no", ("{surname}",)), "Anna Zuabcde", result, "here"
    )
    assert (result.crossed, result.unexpected) == (1, 0)


def test_percentiles_use_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([], 50) is None
    assert percentile([3.0], 99) == 3.0


def test_a_summary_keeping_only_part_of_the_name_is_still_this_clients():
    summary_turn = next(s for s in SCRIPTS if s.name == "booking").turns[1]
    result = LoadResult()
    check_reply([{"text": "Here's your booking request:\n- Name: Kate"}], summary_turn, "Kate Zuabcde", result, "a")
    check_reply([{"text": "Here's your booking request:\n- Name: Zuabcde"}], summary_turn, "Kate Zuabcde", result, "b")
    assert result.problems == 0
    check_reply([{"text": "Here's your booking request:\n- Name: Zuqwert"}], summary_turn, "Kate Zuabcde", result, "c")
    check_reply([{"text": "Here's your booking request:\n- Name: Tom"}], summary_turn, "Kate Zuabcde", result, "d")
    assert (result.crossed, result.unexpected) == (1, 1)


def test_every_simulated_client_name_is_read_as_that_name():
    # A made-up surname the assistant takes for key-mash ("Zuytrsg") once made the soak
    # report a booking that asked for the name again; simulated clients must be people.
    import itertools

    from bot.requests.names import name_in_message
    from tools.loadgen import BOOKING_MESSAGE, CLIENT_TOKEN, client_names

    names = list(itertools.islice(client_names(11), 2000))
    assert len(set(names)) == len(names)
    assert all(CLIENT_TOKEN.search(name) for name in names)
    misread = [n for n in names if name_in_message(BOOKING_MESSAGE.replace("{name}", n)) != n]
    assert misread == []


def test_the_slow_tail_is_told_by_script_turn():
    result = LoadResult()
    # Twenty messages: nineteen quick greetings and one slow booking turn.
    result.turn_latencies_ms = {"faq 1": [10.0] * 19, "booking 1": [300.0]}
    result.latencies_ms = [10.0] * 19 + [300.0]
    rows = result.slowest_turns(pct=90)
    assert [row["turn"] for row in rows] == ["booking 1", "faq 1"]
    assert rows[0] == {"turn": "booking 1", "messages": 1, "p50_ms": 300.0, "p95_ms": 300.0, "above": 1}
    assert rows[1]["above"] == 0 and rows[1]["messages"] == 19


def test_every_latency_is_kept_under_its_script_turn():
    result = drive(ScriptedRasa(), concurrency=2, conversations=len(SCRIPTS), think_time_s=NO_THINKING, seed=3)
    expected = {f"{script.name} {number}" for script in SCRIPTS for number in range(1, len(script.turns) + 1)}
    assert set(result.turn_latencies_ms) == expected
    assert sum(len(values) for values in result.turn_latencies_ms.values()) == len(result.latencies_ms)


def test_paced_clients_arrive_spread_over_a_pause_not_in_one_instant():
    arrivals: List[float] = []
    firsts = {turn.message for turn in (script.turns[0] for script in SCRIPTS)}

    def record(sender, message, reply):
        if message in firsts or message.startswith("Book "):
            arrivals.append(asyncio.get_event_loop().time())
        return None

    drive(ScriptedRasa(record), concurrency=8, conversations=8, think_time_s=(0.05, 0.4), seed=5)
    arrivals.sort()
    assert len(arrivals) == 8
    assert arrivals[-1] - arrivals[0] > 0.1  # spread over the pause
    # without pauses (the capacity run) they start together
    together: List[float] = []
    firsts_only = ScriptedRasa(
        lambda s, m, r: together.append(asyncio.get_event_loop().time()) if m in firsts else None
    )
    drive(firsts_only, concurrency=4, conversations=4, think_time_s=NO_THINKING, seed=5)
    assert max(together[:4]) - min(together[:4]) < 0.1
