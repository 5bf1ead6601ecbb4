"""Per-sender rate limiting for the public channels: an in-memory token bucket.

Each channel (REST, SMS, web chat) keeps its own limiter, so the bucket is per
(channel, sender). A sender starts with `burst` messages and earns one more every
`refill_seconds`, up to `burst` again. The defaults (10 at once, then one every
2 seconds) never touch a person typing; a booking is about 8 messages.

Settings, per channel block in credentials.yml (each key optional):

    rate_limit:
      burst: 10            # messages a sender may send at once; 0 turns limiting off
      refill_seconds: 2    # one more message allowed every this many seconds
      max_senders: 10000   # buckets kept in memory; the least recently seen go first

or for every channel at once from the environment: CHANNEL_RATE_LIMIT_BURST,
CHANNEL_RATE_LIMIT_REFILL_SECONDS, CHANNEL_RATE_LIMIT_MAX_SENDERS. A key in
credentials.yml wins over the environment.

Memory stays bounded: a bucket that has refilled completely is the same as no
bucket, so idle senders are dropped as new ones arrive, and never more than
`max_senders` buckets are kept. The state is per process and lost on restart,
which is fine for smoothing bursts.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Mapping, Optional

ENV_PREFIX = "CHANNEL_RATE_LIMIT_"
DEFAULT_BURST = 10
DEFAULT_REFILL_SECONDS = 2.0
DEFAULT_MAX_SENDERS = 10_000
# Idle buckets are looked for every this many checks (cheap: oldest first).
_PRUNE_EVERY = 64


@dataclass(frozen=True)
class RateLimit:
    burst: int = DEFAULT_BURST
    refill_seconds: float = DEFAULT_REFILL_SECONDS
    max_senders: int = DEFAULT_MAX_SENDERS

    def __post_init__(self) -> None:
        if self.burst < 0:
            raise ValueError(f"rate_limit burst must be 0 (off) or more, got {self.burst}")
        if self.refill_seconds <= 0:
            raise ValueError(f"rate_limit refill_seconds must be above 0, got {self.refill_seconds}")
        if self.max_senders < 1:
            raise ValueError(f"rate_limit max_senders must be 1 or more, got {self.max_senders}")

    @property
    def enabled(self) -> bool:
        return self.burst > 0

    @property
    def seconds_to_full(self) -> float:
        return self.burst * self.refill_seconds

    @classmethod
    def from_settings(
        cls, credentials: Optional[Mapping[str, Any]], environ: Optional[Mapping[str, str]] = None
    ) -> RateLimit:
        """From a channel's `rate_limit:` block, else the environment, else the defaults."""
        environ = os.environ if environ is None else environ
        block = (credentials or {}).get("rate_limit") or {}
        if not isinstance(block, Mapping):
            raise ValueError("rate_limit in credentials.yml must be a mapping (burst, refill_seconds, max_senders)")

        def setting(key: str, convert: Callable[[Any], Any], default: Any) -> Any:
            value = block.get(key)
            if value is None or value == "":
                value = environ.get(ENV_PREFIX + key.upper())
            if value is None or value == "":
                return default
            try:
                return convert(value)
            except (TypeError, ValueError):
                raise ValueError(f"rate_limit {key} must be a number, got {value!r}") from None

        return cls(
            burst=setting("burst", int, DEFAULT_BURST),
            refill_seconds=setting("refill_seconds", float, DEFAULT_REFILL_SECONDS),
            max_senders=setting("max_senders", int, DEFAULT_MAX_SENDERS),
        )


@dataclass(frozen=True)
class Decision:
    allowed: bool
    # Refused, and the first refusal since the sender was last allowed: the one
    # time the client is told to slow down (later refusals stay quiet on SMS).
    first_refusal: bool = False
    retry_after: float = 0.0  # seconds until the next message would be allowed


class _Bucket:
    __slots__ = ("tokens", "updated_at", "warned")

    def __init__(self, tokens: float, now: float) -> None:
        self.tokens = tokens
        self.updated_at = now
        self.warned = False


class SenderRateLimiter:
    """Token buckets keyed by sender, for one channel. Thread-safe."""

    def __init__(self, limit: Optional[RateLimit] = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit or RateLimit()
        self._clock = clock
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()  # least recently seen first
        self._lock = threading.Lock()
        self._checks = 0

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, sender: Hashable) -> Decision:
        """Take one message's token for `sender`, or say why not."""
        limit = self.limit
        if not limit.enabled:
            return Decision(allowed=True)
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(sender)
            if bucket is None:
                bucket = self._buckets[sender] = _Bucket(float(limit.burst), now)
                self._evict_over_capacity()
            else:
                self._buckets.move_to_end(sender)
                earned = (now - bucket.updated_at) / limit.refill_seconds
                bucket.tokens = min(float(limit.burst), bucket.tokens + earned)
                bucket.updated_at = now
            self._checks += 1
            if self._checks % _PRUNE_EVERY == 0:
                self._drop_idle(now)

            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                bucket.warned = False
                return Decision(allowed=True)
            first_refusal = not bucket.warned
            bucket.warned = True
            return Decision(
                allowed=False,
                first_refusal=first_refusal,
                retry_after=(1.0 - bucket.tokens) * limit.refill_seconds,
            )

    def _evict_over_capacity(self) -> None:
        while len(self._buckets) > self.limit.max_senders:
            self._buckets.popitem(last=False)

    def _drop_idle(self, now: float) -> None:
        # Oldest first: stop at the first bucket that has not had time to refill.
        full_after = self.limit.seconds_to_full
        while self._buckets:
            oldest = next(iter(self._buckets.values()))
            if now - oldest.updated_at < full_after:
                break
            self._buckets.popitem(last=False)
