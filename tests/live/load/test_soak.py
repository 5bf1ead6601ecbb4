"""Soak: 50 simulated clients at once on loopback for a bounded time.

Every reply must reach the conversation it belongs to, exactly once, and
Rasa's memory must level off: resident memory may grow at most 90 MiB between
the end of the warm-up and the end of the run.

SOAK_SECONDS sets the length (default 300). The simulated clients pause 0.5 to
1.5 s between messages (reading and typing), which also keeps every sender well
inside the channels' per-sender rate limit (a burst of 10, then 1 per 2 s).
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from tests.measurements import REPORT_LINES
from tools.loadgen import LoadResult, run_load

pytestmark = pytest.mark.e2e

CONCURRENCY = 50
SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "300"))
WARM_UP_SECONDS = min(60.0, SOAK_SECONDS / 5)
# In MiB, not a share: serving without TensorFlow took the base from about 850 to
# 510 MiB, while the bounded caches (tracker cache: 2,000 conversations; dialogue
# states) fill by the same 55-60 MiB during a run of 2,000+ short conversations.
# 90 MiB still catches a leak of 14 KB a message over the 6,000 messages of a run.
RSS_GROWTH_LIMIT_MIB = 90


def resident_kib(pid: int) -> int:
    """VmRSS of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def assert_clean(phase: str, result: LoadResult) -> None:
    counts = {k: getattr(result, k) for k in ("errors", "lost", "duplicated", "crossed", "unexpected")}
    assert result.problems == 0, f"{phase}: {counts}\n" + "\n".join(result.samples)
    assert result.messages_answered == result.messages_sent > 0, phase
    assert result.conversations_completed == result.conversations_started, phase


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc (Linux)")
def test_fifty_concurrent_conversations_stay_separate_and_memory_levels_off(make_servers):
    servers = make_servers()
    pid = servers.rasa.pid

    warm_up = asyncio.run(run_load(servers.base_url, CONCURRENCY, duration_s=WARM_UP_SECONDS, seed=1))
    assert_clean("warm-up", warm_up)
    after_warm_up = resident_kib(pid)

    soak = asyncio.run(run_load(servers.base_url, CONCURRENCY, duration_s=SOAK_SECONDS - WARM_UP_SECONDS, seed=2))
    at_end = resident_kib(pid)
    growth = (at_end - after_warm_up) / after_warm_up
    grown_mib = (at_end - after_warm_up) / 1024

    REPORT_LINES.append(
        f"soak ({CONCURRENCY} clients, {SOAK_SECONDS:.0f}s): {json.dumps(soak.summary())}; "
        f"Rasa RSS {after_warm_up // 1024} -> {at_end // 1024} MiB ({growth:+.1%})"
    )
    assert_clean("soak", soak)
    assert grown_mib <= RSS_GROWTH_LIMIT_MIB, (
        f"Rasa RSS grew {grown_mib:.0f} MiB ({growth:.1%}) after warm-up ({after_warm_up} -> {at_end} KiB)"
    )
