"""The per-sender token bucket (bot.channels.ratelimit), on a fake clock."""

from __future__ import annotations

import pytest

from bot.channels.ratelimit import RateLimit, SenderRateLimiter
from tests.stand_ins import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def allowed_in_a_row(limiter: SenderRateLimiter, sender: str, attempts: int) -> int:
    return sum(limiter.check(sender).allowed for _ in range(attempts))


def test_a_burst_of_ten_then_one_every_two_seconds(clock):
    limiter = SenderRateLimiter(RateLimit(), clock)
    assert allowed_in_a_row(limiter, "ann", 10) == 10
    refused = limiter.check("ann")
    assert not refused.allowed and refused.first_refusal
    assert refused.retry_after == pytest.approx(2.0)
    clock.advance(1.0)
    assert not limiter.check("ann").allowed
    clock.advance(1.0)
    assert limiter.check("ann").allowed
    assert not limiter.check("ann").allowed


def test_a_normal_conversation_is_never_limited(clock):
    # A booking is about 8 messages; people take seconds to read and type.
    limiter = SenderRateLimiter(RateLimit(), clock)
    for _ in range(3):  # three bookings back to back, a message every 1.5 s
        for _ in range(8):
            assert limiter.check("booker").allowed
            clock.advance(1.5)


def test_only_the_first_refusal_asks_to_slow_down_until_allowed_again(clock):
    limiter = SenderRateLimiter(RateLimit(burst=2, refill_seconds=10), clock)
    assert allowed_in_a_row(limiter, "fast", 2) == 2
    first, second, third = (limiter.check("fast") for _ in range(3))
    assert (first.allowed, first.first_refusal) == (False, True)
    assert (second.allowed, second.first_refusal) == (False, False)
    assert (third.allowed, third.first_refusal) == (False, False)
    clock.advance(10)
    assert limiter.check("fast").allowed
    again = limiter.check("fast")
    assert not again.allowed and again.first_refusal  # told once more after a fresh refusal


def test_senders_do_not_share_a_bucket(clock):
    limiter = SenderRateLimiter(RateLimit(burst=3), clock)
    assert allowed_in_a_row(limiter, "flooder", 20) == 3
    assert allowed_in_a_row(limiter, "neighbour", 3) == 3


def test_refused_messages_do_not_use_up_tokens(clock):
    limiter = SenderRateLimiter(RateLimit(burst=1, refill_seconds=2), clock)
    assert limiter.check("x").allowed
    for _ in range(50):  # hammering while empty does not push the next slot back
        assert not limiter.check("x").allowed
    clock.advance(2)
    assert limiter.check("x").allowed


def test_memory_stays_bounded_by_max_senders(clock):
    limiter = SenderRateLimiter(RateLimit(burst=5, max_senders=100), clock)
    for n in range(10_000):
        limiter.check(f"sender-{n}")
    assert len(limiter) == 100
    # The most recently seen senders are the ones kept.
    assert allowed_in_a_row(limiter, "sender-9999", 10) == 4


def test_idle_senders_are_dropped_once_their_bucket_would_be_full(clock):
    limiter = SenderRateLimiter(RateLimit(burst=10, refill_seconds=2), clock)
    for n in range(50):
        limiter.check(f"idle-{n}")
    clock.advance(20)  # 10 tokens x 2 s: every idle bucket is full again
    for _ in range(64):  # enough checks to trigger a sweep
        limiter.check("busy")
        clock.advance(0.01)
    assert len(limiter) == 1


def test_burst_zero_turns_limiting_off(clock):
    limiter = SenderRateLimiter(RateLimit(burst=0), clock)
    assert allowed_in_a_row(limiter, "anyone", 1000) == 1000
    assert len(limiter) == 0


def test_settings_come_from_credentials_then_environment_then_defaults():
    env = {
        "CHANNEL_RATE_LIMIT_BURST": "4",
        "CHANNEL_RATE_LIMIT_REFILL_SECONDS": "0.5",
        "CHANNEL_RATE_LIMIT_MAX_SENDERS": "50",
    }
    assert RateLimit.from_settings(None, {}) == RateLimit(10, 2.0, 10_000)
    assert RateLimit.from_settings({}, env) == RateLimit(4, 0.5, 50)
    mixed = RateLimit.from_settings({"rate_limit": {"burst": 20}}, env)
    assert mixed == RateLimit(20, 0.5, 50)
    assert RateLimit.from_settings({"rate_limit": {"burst": 0}}, env).enabled is False


@pytest.mark.parametrize(
    "block",
    [{"burst": "lots"}, {"burst": -1}, {"refill_seconds": 0}, {"max_senders": 0}, "burst=10"],
)
def test_bad_settings_fail_at_start_with_a_clear_message(block):
    with pytest.raises(ValueError, match="rate_limit"):
        RateLimit.from_settings({"rate_limit": block}, {})
