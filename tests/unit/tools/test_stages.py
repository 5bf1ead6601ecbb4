"""tools/stages.py and tools/stage_probe.py without servers: stage accounting, records, the table."""

from __future__ import annotations

import asyncio
import json
import time

from tools import stage_probe, stages
from tools.stage_probe import ProbeResult, Turn


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_stage_counts_only_its_own_time_nested_stages_are_taken_out():
    ledger = stages.Ledger()
    ledger.enter("outer")
    _spin(0.02)
    ledger.enter("inner")
    _spin(0.03)
    ledger.leave()
    ledger.leave()
    assert 0.018 <= ledger.cpu["outer"] < 0.03
    assert 0.028 <= ledger.cpu["inner"] < 0.04
    assert ledger.calls == {"outer": 1, "inner": 1}


def test_wrapped_functions_count_only_inside_a_request():
    class Thing:
        def work(self):
            _spin(0.005)
            return "done"

        async def later(self):
            return self.work()

    stages._wrap(Thing, "work", "work")
    stages._wrap(Thing, "later", "later")
    assert Thing().work() == "done"  # no ledger: just runs

    async def request():
        ledger = stages.Ledger()
        token = stages._ledger.set(ledger)
        try:
            assert await Thing().later() == "done"
        finally:
            stages._ledger.reset(token)
        return ledger

    ledger = asyncio.run(request())
    assert ledger.calls == {"later": 1, "work": 1}
    assert ledger.cpu["work"] >= 0.004 and ledger.cpu["later"] < 0.004


def test_records_are_read_from_an_offset_and_a_half_written_line_waits(tmp_path):
    path = tmp_path / "stages.jsonl"
    assert stages.read_records(path) == ([], 0)
    path.write_text(json.dumps({"n": 1}) + "\n" + '{"n": ')
    records, offset = stages.read_records(path)
    assert records == [{"n": 1}]
    with open(path, "a") as handle:
        handle.write("2}\n")
    assert stages.read_records(path, offset)[0] == [{"n": 2}]


def _rasa(started: float, wall: float, **cpu: float) -> dict:
    return {"path": "/webhooks/rest/webhook", "alone": True, "started": started, "wall_s": wall, "cpu": cpu}


def test_action_calls_belong_to_the_message_being_answered_when_they_started():
    rasa = [_rasa(100.0, 0.2, http=0.001), _rasa(101.0, 0.3, http=0.001)]
    calls = [
        {"started": 101.1, "cpu": {"http": 0.002}, "request_bytes": 3000},
        {"started": 101.2, "cpu": {"action code": 0.001}, "request_bytes": 1000},
    ]
    first, second = stage_probe._match(rasa, calls)
    assert first.actions == [] and len(second.actions) == 2
    assert second.request_kb == 4.0
    assert second.stages() == {
        "http": 1.0,
        "action server: HTTP and JSON": 2.0,
        "action server: action code": 1.0,
    }


def test_the_table_gives_each_stage_per_kind_of_turn_and_the_totals():
    faq = [Turn(_rasa(0, 0.05, http=0.001, **{"NLU: SpacyNLP": 0.004 + i / 1000})) for i in range(3)]
    practice = [
        Turn(
            {**_rasa(0, 0.08, http=0.002, **{"tracker store: read": 0.003}), "tracker_events": 12},
            [{"started": 0, "cpu": {"action code": 0.001}, "request_bytes": 2500}],
        )
    ]
    table = stage_probe.stage_table([ProbeResult({"faq": faq, "practice": practice}, clean=True)])
    assert table[0] == "| stage (ms of CPU, median) | faq | practice |"
    assert "| HTTP server and REST channel | 1.00 | 2.00 |" in table
    assert "| NLU: SpacyNLP | 5.00 |  |" in table  # the median of 4, 5 and 6 ms
    assert "| action server: action code |  | 1.00 |" in table
    assert "| **CPU per message** | 6.0 | 6.0 |" in table
    assert "| KB sent to the action server | 0.0 | 2.5 |" in table
    # Rows follow a message's path: the channel first, the tracker read before the NLU.
    rows = [line.split("|")[1].strip() for line in table[2:]]
    assert rows.index("HTTP server and REST channel") < rows.index("tracker store: read") < rows.index("NLU: SpacyNLP")
    assert stage_probe.summary([ProbeResult({"faq": faq}, clean=True)])["faq"]["cpu_ms"] == 6.0
