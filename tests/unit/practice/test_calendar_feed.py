"""Free slots from the practice's calendar feed: the offered times are exactly the free ones.

Every feed here is written by the test (tests/calendar_feeds.py), as a booking
platform would export it; the clock is pinned to Tuesday 13 October 2026,
10:00 in Los Angeles (books up to 60 days ahead, 2 hours' notice).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.server
import random
import threading
from pathlib import Path
from typing import Dict, List, Tuple
from zoneinfo import ZoneInfo

import pytest

from bot.dates import requested_time
from bot.dates.requested_time import BUSY, _day_slots, parse_requested_time
from bot.practice import calendar_feed
from bot.practice.calendar_feed import BusyTimes, CalendarFeed
from bot.practice.profile import CalendarSettings
from tests.calendar_feeds import calendar, event
from tests.net import free_port
from tests.unit.profile_factory import EXCEPTIONS, make_test_profile

LA = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 10, 13, 10, 0, tzinfo=LA)


def at(year, month, day, hour=0, minute=0, tz=LA):
    return dt.datetime(year, month, day, hour, minute, tzinfo=tz)


def wall(slots: List[dt.datetime]) -> List[str]:
    return [s.strftime("%H:%M") for s in slots]


def opening_slots(day: dt.date) -> List[str]:
    """The 60-minute start times inside the test profile's opening hours that day."""
    return wall(_day_slots(make_test_profile(exceptions=_EXCEPTIONS), day, 60))


_EXCEPTIONS = [e for e in EXCEPTIONS if e["reason"] != "Christmas Eve"]


@pytest.fixture(autouse=True)
def clock_and_feeds(pinned_clock):
    pinned_clock(NOW)
    yield
    calendar_feed.forget_feeds()


@pytest.fixture
def practice(tmp_path: Path):
    """practice(feed_text, buffer_minutes=0) -> a test profile reading that feed from a file."""

    made = []

    def make(feed: str, buffer_minutes: int = 0):
        path = tmp_path / f"busy-{len(made)}.ics"
        made.append(path)
        path.write_text(feed)
        calendar_settings = CalendarSettings(url=None, file=path, refresh_minutes=15, buffer_minutes=buffer_minutes)
        return dataclasses.replace(make_test_profile(exceptions=_EXCEPTIONS), calendar=calendar_settings)

    return make


def offered(profile, day: dt.date, minutes: int = 60) -> List[str]:
    return wall(_day_slots(profile, day, minutes))


# -- what counts as busy ----------------------------------------------------------------


def test_a_weekly_series_with_a_skipped_and_a_moved_week(practice):
    saturday_11 = at(2026, 10, 3, 11)
    profile = practice(
        calendar(
            event(
                saturday_11,
                at(2026, 10, 3, 12),
                rrule="FREQ=WEEKLY;BYDAY=SA;COUNT=10",
                exdates=[at(2026, 10, 24, 11)],
                uid="standing-client",
            ),
            # That week's visit moved to 12:30.
            event(
                at(2026, 10, 31, 12, 30),
                at(2026, 10, 31, 13, 30),
                recurrence_id=at(2026, 10, 31, 11),
                uid="standing-client",
            ),
        )
    )
    # Saturday hours are 10:00-14:00; 60-minute sessions start on the half hour.
    assert offered(profile, dt.date(2026, 10, 17)) == ["10:00", "12:00", "12:30", "13:00"]
    assert offered(profile, dt.date(2026, 10, 24)) == opening_slots(dt.date(2026, 10, 24))  # skipped week
    assert offered(profile, dt.date(2026, 10, 31)) == ["10:00", "10:30", "11:00", "11:30"]
    assert offered(profile, dt.date(2026, 12, 5)) == ["10:00", "12:00", "12:30", "13:00"]  # 10th and last
    assert offered(profile, dt.date(2026, 12, 12)) == opening_slots(dt.date(2026, 12, 12))  # the series ended


def test_all_day_events_block_whole_local_days(practice):
    profile = practice(
        calendar(
            event(dt.date(2026, 10, 14), dt.date(2026, 10, 15), summary="Studio deep clean"),
            # Two days off: DTEND is the first day back.
            event(dt.date(2026, 10, 19), dt.date(2026, 10, 21), summary="Maya away"),
            # No DTEND: one day.
            event(dt.date(2026, 10, 22), summary="Inspection"),
        )
    )
    for day in (14, 19, 20, 22):
        assert offered(profile, dt.date(2026, 10, day)) == [], day
    for day in (15, 21, 23):
        assert offered(profile, dt.date(2026, 10, day)) == opening_slots(dt.date(2026, 10, day)), day

    whole_day = parse_requested_time("wednesday", profile, NOW)
    assert whole_day.problem == BUSY and whole_day.date_only
    # The next free times are the following (open, unbooked) day's.
    assert [s.isoformat() for s in whole_day.suggestions] == [
        at(2026, 10, 15, h, m).isoformat() for h, m in ((9, 0), (9, 30), (10, 0))
    ]


def test_dst_changes_are_followed_for_local_and_foreign_time_zones(practice):
    profile = practice(
        calendar(
            # Mondays at 10 am Los Angeles time, before and after the clocks go back on 1 November.
            event(at(2026, 10, 19, 10), at(2026, 10, 19, 11), rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=4"),
            # A London video call at 18:00 daily: London changes on 25 October, Los Angeles a week later,
            # so for one week it falls at 11 am here instead of 10 am.
            event(
                dt.datetime(2026, 10, 20, 18, 0),
                dt.datetime(2026, 10, 20, 18, 30),
                tzid="Europe/London",
                rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
            ),
            # Written in UTC: 19:00Z is noon before the change and 11 am after it.
            event(at(2026, 10, 30, 19, tz=dt.timezone.utc), at(2026, 10, 30, 20, tz=dt.timezone.utc), tzid="UTC"),
            event(at(2026, 11, 6, 19, tz=dt.timezone.utc), at(2026, 11, 6, 20, tz=dt.timezone.utc), tzid="UTC"),
        )
    )
    monday = set(opening_slots(dt.date(2026, 11, 2)))
    assert set(offered(profile, dt.date(2026, 11, 2))) == monday - {"09:30", "10:00", "10:30"}  # still 10 am
    assert set(offered(profile, dt.date(2026, 10, 26))) == monday - {"09:30", "10:00", "10:30"}
    tuesday = set(opening_slots(dt.date(2026, 10, 20)))
    assert set(offered(profile, dt.date(2026, 10, 20))) == tuesday - {"09:30", "10:00"}  # 10:00-10:30 here
    assert set(offered(profile, dt.date(2026, 10, 27))) == tuesday - {"10:30", "11:00"}  # 11:00-11:30 here
    assert set(offered(profile, dt.date(2026, 11, 3))) == tuesday - {"09:30", "10:00"}  # 10:00-10:30 again
    friday = set(opening_slots(dt.date(2026, 10, 30)))
    assert set(offered(profile, dt.date(2026, 10, 30))) == friday - {"11:30", "12:00", "12:30"}  # noon PDT
    assert set(offered(profile, dt.date(2026, 11, 6))) == friday - {"10:30", "11:00", "11:30"}  # 11 am PST


def test_an_event_across_midnight_blocks_both_days(practice):
    profile = practice(
        calendar(
            # An overnight retreat, Monday 20:00 to Tuesday 10:30, written in floating local time.
            event(dt.datetime(2026, 10, 19, 20, 0), dt.datetime(2026, 10, 20, 10, 30), tzid=None),
            # Thursday 19:30 to Friday 01:00 (Thursday is open until 20:00).
            event(at(2026, 10, 22, 19, 30), at(2026, 10, 23, 1, 0)),
        )
    )
    assert offered(profile, dt.date(2026, 10, 19)) == opening_slots(dt.date(2026, 10, 19))
    assert offered(profile, dt.date(2026, 10, 20)) == [s for s in opening_slots(dt.date(2026, 10, 20)) if s >= "10:30"]
    assert offered(profile, dt.date(2026, 10, 22), 30) == [
        s for s in wall(_day_slots(make_test_profile(exceptions=_EXCEPTIONS), dt.date(2026, 10, 22), 30)) if s < "19:30"
    ]
    assert offered(profile, dt.date(2026, 10, 23)) == opening_slots(dt.date(2026, 10, 23))


def test_the_buffer_keeps_time_free_on_both_sides(practice):
    booked = calendar(event(at(2026, 10, 14, 12), at(2026, 10, 14, 13)))
    assert offered(practice(booked), dt.date(2026, 10, 14)) == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"
    ]  # fmt: skip
    assert offered(practice(booked, buffer_minutes=15), dt.date(2026, 10, 14)) == [
        "09:00", "09:30", "10:00", "10:30", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00"
    ]  # fmt: skip


def test_cancelled_and_free_marked_events_leave_the_time_open(practice):
    profile = practice(
        calendar(
            event(at(2026, 10, 14, 12), at(2026, 10, 14, 13), status="CANCELLED"),
            event(at(2026, 10, 14, 14), at(2026, 10, 14, 15), transparent=True, summary="Maya's birthday"),
            event(at(2026, 10, 14, 9), duration="PT2H"),
        )
    )
    assert offered(profile, dt.date(2026, 10, 14)) == [s for s in opening_slots(dt.date(2026, 10, 14)) if s >= "11:00"]


def test_thousands_of_events_give_exactly_the_free_slots(practice):
    # A platform export with a year of history and months ahead: 3,000 visits, about 7 a day.
    rng = random.Random(20261013)
    events: List[Tuple[dt.datetime, dt.datetime]] = []
    for _ in range(3000):
        day = dt.date(2025, 12, 17) + dt.timedelta(days=rng.randrange(400))
        start = dt.datetime.combine(day, dt.time(8), tzinfo=LA) + dt.timedelta(minutes=15 * rng.randrange(52))
        events.append((start, start + dt.timedelta(minutes=rng.choice((15, 30, 45, 60, 90)))))
    profile = practice(calendar(*(event(s, e) for s, e in events)), buffer_minutes=10)
    assert calendar_feed.feed_for(profile).refresh(NOW)  # read here: a loaded machine may take seconds
    plain = make_test_profile(exceptions=_EXCEPTIONS)
    buffer = dt.timedelta(minutes=10)
    checked = 0
    for offset in range(60):
        day = NOW.date() + dt.timedelta(days=offset)
        expected = [
            slot
            for slot in _day_slots(plain, day, 60)
            if all(slot + dt.timedelta(hours=1) + buffer <= s or e <= slot - buffer for s, e in events)
        ]
        assert _day_slots(profile, day, 60) == expected, day
        checked += len(expected)
    assert checked > 100


# -- the booking time check ------------------------------------------------------------------


def test_a_busy_time_is_refused_with_the_nearest_free_times(practice):
    profile = practice(calendar(event(at(2026, 10, 17, 10, 30), at(2026, 10, 17, 12, 30))))
    asked = parse_requested_time("can I come Saturday at 11?", profile, NOW)
    assert asked.problem == BUSY and asked.calendar_checked
    assert asked.start == at(2026, 10, 17, 11)
    # Free that Saturday (10:00-14:00): 12:30 and 13:00 only; then Monday's first.
    assert asked.suggestions == [at(2026, 10, 17, 12, 30), at(2026, 10, 17, 13), at(2026, 10, 19, 9)]
    assert parse_requested_time("Saturday at 1pm", profile, NOW).ok


def test_any_time_on_a_day_gets_that_days_free_slots(practice):
    profile = practice(calendar(event(at(2026, 10, 17, 10), at(2026, 10, 17, 11, 30))))
    anytime = parse_requested_time("any time saturday", profile, NOW)
    assert anytime.ok and anytime.date_only and anytime.calendar_checked
    assert wall(anytime.suggestions) == ["11:30", "12:00", "12:30"]
    morning = parse_requested_time("saturday morning", profile, NOW)
    assert wall(morning.suggestions) == ["11:30"]


def test_a_fully_booked_day_is_busy_not_closed(practice):
    profile = practice(calendar(event(at(2026, 10, 17, 9), at(2026, 10, 17, 15))))
    result = parse_requested_time("saturday", profile, NOW)
    assert result.problem == BUSY
    assert result.suggestions[0] == at(2026, 10, 19, 9)
    assert parse_requested_time("sunday", profile, NOW).problem == requested_time.CLOSED


# -- a feed that can't be used -------------------------------------------------------------------


class Told:
    def __init__(self):
        self.messages: List[Tuple[str, str]] = []

    def __call__(self, subject: str, body: str) -> None:
        self.messages.append((subject, body))


def test_an_unreachable_url_means_opening_hours_alone_and_staff_are_told_why(monkeypatch):
    told = Told()
    monkeypatch.setattr(calendar_feed, "_staff_notifier", lambda profile: told)
    url = f"http://127.0.0.1:{free_port()}/busy.ics"  # nothing listens there
    settings = CalendarSettings(url=url, file=None, refresh_minutes=15, buffer_minutes=0)
    profile = dataclasses.replace(make_test_profile(exceptions=_EXCEPTIONS), calendar=settings)

    result = parse_requested_time("Saturday at 11", profile, NOW)
    assert result.ok and not result.calendar_checked  # nothing said about being free
    assert offered(profile, dt.date(2026, 10, 17)) == opening_slots(dt.date(2026, 10, 17))
    parse_requested_time("Saturday at 12", profile, NOW)
    assert len(told.messages) == 1  # once per failure, not once per question
    subject, body = told.messages[0]
    assert subject == "Calendar feed problem"
    assert url in body and "could not be reached" in body and "opening hours" in body


def test_a_malformed_file_is_reported_and_a_fixed_one_is_used_again(practice, monkeypatch):
    told = Told()
    monkeypatch.setattr(calendar_feed, "_staff_notifier", lambda profile: told)
    profile = practice("<html><body>Please sign in</body></html>")
    assert calendar_feed.busy_times(profile, NOW) is None
    assert offered(profile, dt.date(2026, 10, 17)) == opening_slots(dt.date(2026, 10, 17))
    assert told.messages[0][0] == "Calendar feed problem" and "not a valid iCalendar" in told.messages[0][1]

    profile.calendar.file.write_text(calendar(event(at(2026, 10, 17, 10), at(2026, 10, 17, 14))))
    assert offered(profile, dt.date(2026, 10, 17)) == []
    assert told.messages[-1][0] == "Calendar feed working again"


def test_a_url_feed_is_fetched_in_the_background_and_kept_through_a_short_outage(monkeypatch):
    feed_text = calendar(event(at(2026, 10, 17, 10), at(2026, 10, 17, 14)))
    served: Dict[str, object] = {"status": 200, "hits": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            served["hits"] += 1
            body = feed_text.encode()
            self.send_response(served["status"])
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    told = Told()
    url = f"http://127.0.0.1:{server.server_address[1]}/practice.ics"
    feed = CalendarFeed(CalendarSettings(url=url, file=None, refresh_minutes=15, buffer_minutes=0), LA, 60, notify=told)
    try:
        busy = feed.busy_times(NOW)
        assert busy is not None and not busy.is_free(at(2026, 10, 17, 11), at(2026, 10, 17, 12))
        assert served["hits"] == 1

        served["status"] = 503  # the platform has a bad minute: the last good copy still counts
        assert feed.refresh() is False
        assert feed.busy_times(NOW) is not None
        assert told.messages[0][0] == "Calendar feed problem" and "HTTP 503" in told.messages[0][1]

        # Three refresh periods later without a good read, it no longer speaks for the calendar.
        loaded = feed._loaded_at
        monkeypatch.setattr(calendar_feed.time, "monotonic", lambda: loaded + 3 * 15 * 60 + 1)
        assert feed.busy_times(NOW) is None
    finally:
        feed.close()
        server.shutdown()


def test_busy_times_search_merged_intervals():
    start = at(2026, 10, 13, 0)
    hour = 3600.0
    base = start.timestamp()
    busy = BusyTimes.build(
        [
            (base + 10 * hour, base + 11 * hour),
            (base + 10.5 * hour, base + 12 * hour),
            (base + 12 * hour, base + 13 * hour),
        ],
        start,
        start + dt.timedelta(days=2),
    )
    assert len(busy) == 1  # overlapping and touching events merge
    assert busy.is_free(at(2026, 10, 13, 9), at(2026, 10, 13, 10))
    assert not busy.is_free(at(2026, 10, 13, 12, 59), at(2026, 10, 13, 14))
    assert busy.is_free(at(2026, 10, 13, 13), at(2026, 10, 13, 14))
    assert busy.covers(at(2026, 10, 14, 23)) and not busy.covers(at(2026, 10, 15, 0))


def test_an_edited_file_is_read_again_before_the_next_answer(practice):
    profile = practice(calendar(event(at(2026, 10, 17, 10), at(2026, 10, 17, 12))))
    assert offered(profile, dt.date(2026, 10, 17)) == ["12:00", "12:30", "13:00"]
    profile.calendar.file.write_text(calendar(event(at(2026, 10, 17, 12), at(2026, 10, 17, 14))))
    assert offered(profile, dt.date(2026, 10, 17)) == ["10:00", "10:30", "11:00"]
