"""The practice's busy times, read from its calendar feed (an .ics URL or file).

Every booking platform and calendar exports iCalendar, so this is the one way
in. `icalendar` parses the feed and `recurring-ical-events` expands recurring
events, exceptions and time zones; we only turn the events into merged busy
intervals and answer "is anything booked between these two moments?" with a
binary search, so a feed with thousands of events stays fast.

A worker thread reads the feed every `refresh_minutes` (a file also when it
changes), so a slow or large feed never holds up a conversation. When the feed
cannot be read or parsed, busy_times() returns None and the assistant works on
the opening hours alone, as it does with no feed at all (a URL's last good copy
still counts through a short outage). The staff notifications say when the
feed stops working, and why, and when it works again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Tuple
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import requests

from bot.practice.profile import CalendarSettings, PracticeProfile
from bot.requests.notifier import notify_staff

log = logging.getLogger(__name__)

UTC = dt.timezone.utc
FETCH_TIMEOUT_SECONDS = (3.05, 10)  # connect, read
MAX_FEED_BYTES = 20 * 1024 * 1024
FIRST_LOAD_WAIT_SECONDS = 5.0  # the first conversation after start waits this long for a URL feed, at most
STALE_AFTER_REFRESHES = 3  # a copy older than this many refresh periods is no longer trusted
DAYS_BEFORE = 1  # busy times kept from the day before today (a late event the night before)
DAYS_AFTER_HORIZON = 2  # ... to a little beyond the last bookable day

Notify = Callable[[str, str], None]
_NEVER_READ = object()


class FeedError(RuntimeError):
    """The feed could not be read or is not a calendar; the message says why, for staff."""


# -- busy intervals ---------------------------------------------------------------------


def merge_intervals(intervals: Iterable[Tuple[float, float]]) -> List[Tuple[float, float]]:
    """Sorted, non-overlapping intervals; touching ones are joined (10-11 + 11-12 = 10-12)."""
    merged: List[Tuple[float, float]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class BusyTimes:
    """Busy intervals (UTC seconds) between window_start and window_end, searchable in O(log n)."""

    starts: Tuple[float, ...]
    ends: Tuple[float, ...]
    window_start: dt.datetime
    window_end: dt.datetime
    buffer: dt.timedelta

    @classmethod
    def build(
        cls,
        intervals: Iterable[Tuple[float, float]],
        window_start: dt.datetime,
        window_end: dt.datetime,
        buffer_minutes: int = 0,
    ) -> BusyTimes:
        merged = merge_intervals(intervals)
        return cls(
            tuple(s for s, _ in merged),
            tuple(e for _, e in merged),
            window_start,
            window_end,
            dt.timedelta(minutes=buffer_minutes),
        )

    def __len__(self) -> int:
        return len(self.starts)

    def is_free(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Nothing booked from `start - buffer` to `end + buffer` (half-open).

        Outside the window the feed was read for, nothing is known, so nothing
        counts as booked; callers never offer times that far ahead anyway.
        """
        low = (start - self.buffer).timestamp()
        high = (end + self.buffer).timestamp()
        # The last interval starting before `high` is the only one that can overlap:
        # merged intervals end in the same order as they start.
        i = bisect.bisect_left(self.starts, high) - 1
        return i < 0 or self.ends[i] <= low

    def covers(self, moment: dt.datetime) -> bool:
        return self.window_start <= moment < self.window_end


# -- reading a feed ----------------------------------------------------------------------


def _as_utc(value: object, tz: ZoneInfo, end: bool = False) -> Optional[dt.datetime]:
    """An event boundary as an aware UTC datetime; dates are local midnights, floating times local."""
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo is not None and value.utcoffset() is not None else value.replace(tzinfo=tz)
        return aware.astimezone(UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), tzinfo=tz).astimezone(UTC)
    return None


def _blocks_time(event: icalendar.cal.Component) -> bool:
    """Cancelled events and ones marked 'free' (TRANSP:TRANSPARENT) leave the time open."""
    if str(event.get("STATUS") or "").upper() == "CANCELLED":
        return False
    return str(event.get("TRANSP") or "OPAQUE").upper() != "TRANSPARENT"


def parse_feed(data: bytes) -> icalendar.Calendar:
    """Parse feed bytes; FeedError says why they are not a calendar."""
    if not data.strip():
        raise FeedError("the feed is empty")
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise FeedError(f"the feed is not a valid iCalendar file ({_short(exc)})") from None
    if getattr(calendar, "name", "") != "VCALENDAR":
        raise FeedError("the feed is not a VCALENDAR")
    return calendar


def busy_intervals(
    calendar: icalendar.Calendar, tz: ZoneInfo, window_start: dt.datetime, window_end: dt.datetime
) -> List[Tuple[float, float]]:
    """Busy intervals in UTC seconds; a broken recurring series is skipped, the rest still count."""
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    intervals: List[Tuple[float, float]] = []
    try:
        occurrences = query.between(window_start.astimezone(tz), window_end.astimezone(tz))
    except Exception as exc:  # the library raises assorted errors on odd input
        raise FeedError(f"the feed's events could not be read ({_short(exc)})") from None
    for event in occurrences:
        if not _blocks_time(event):
            continue
        try:
            start, end = _as_utc(event.start, tz), _as_utc(event.end, tz)
        except (ValueError, KeyError, AttributeError, TypeError):
            continue  # an event without a usable start or end blocks nothing
        if start is not None and end is not None and end > start:
            intervals.append((start.timestamp(), end.timestamp()))
    return intervals


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = text[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def fetch_url(url: str) -> bytes:
    """The feed's bytes over HTTP(S); FeedError says why not."""
    try:
        with requests.get(
            url, timeout=FETCH_TIMEOUT_SECONDS, stream=True, headers={"Accept": "text/calendar, */*;q=0.5"}
        ) as response:
            if response.status_code != 200:
                raise FeedError(f"the feed address answered HTTP {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > MAX_FEED_BYTES:
                    raise FeedError(f"the feed is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
                chunks.append(chunk)
            return b"".join(chunks)
    except requests.Timeout:
        raise FeedError("the feed address did not answer in time") from None
    except requests.RequestException as exc:
        raise FeedError(f"the feed address could not be reached ({type(exc).__name__})") from None


# -- the feed and its cache ------------------------------------------------------------


class CalendarFeed:
    """One practice calendar: the last good copy, re-read on a schedule by a worker thread.

    Reading and expanding a big feed takes seconds, so it never happens in a
    conversation: the worker does it, and busy_times() hands out the latest
    result. Only the very first read, a changed file, or a clock that moved
    past what was expanded is waited for, and then for FIRST_LOAD_WAIT_SECONDS
    at most. `notify(subject, body)` tells staff when the feed stops or starts
    working again (once per change, not once per attempt).
    """

    def __init__(
        self,
        settings: CalendarSettings,
        timezone: ZoneInfo,
        days_ahead: int,
        notify: Optional[Notify] = None,
        fetch: Callable[[str], bytes] = fetch_url,
    ):
        self.settings = settings
        self.timezone = timezone
        self.days_ahead = days_ahead
        self._notify = notify
        self._fetch = fetch
        self._lock = threading.Lock()
        self._turn_done = threading.Condition(self._lock)
        self._turn_lock = threading.Lock()  # one read-and-expand at a time
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._calendar: Optional[icalendar.Calendar] = None  # the last good parse
        self._loaded_at: Optional[float] = None  # time.monotonic() of the last good read
        self._file_stamp: object = _NEVER_READ
        self._reload = True  # read the source on the next turn
        self._wanted_day: Optional[dt.date] = None  # the local date busy times are wanted around
        self._busy: Optional[BusyTimes] = None
        self._busy_day: Optional[dt.date] = None
        self._turns = 0
        self.last_error: Optional[str] = None

    def __repr__(self) -> str:
        return f"CalendarFeed({self.settings.source!r})"

    # -- answers ----------------------------------------------------------------------
    def busy_times(self, now: dt.datetime) -> Optional[BusyTimes]:
        """Busy times around `now` for the booking horizon, or None when the feed can't be trusted."""
        today = now.astimezone(self.timezone).date()
        with self._lock:
            turn = self._turns
            self._wanted_day = today
            changed = self.settings.file is not None and self._file_changed()
            if changed:
                self._reload = True
            must_wait = changed or not self._covers(today)
            if must_wait or self._busy_day != today:
                self._wake.set()
        self.start()
        with self._lock:
            if must_wait:
                self._turn_done.wait_for(lambda: self._turns > turn, timeout=FIRST_LOAD_WAIT_SECONDS)
            if not self._covers(today) or self._stale():
                return None
            return self._busy

    def _covers(self, today: dt.date) -> bool:
        """The expanded busy times reach from today to the last bookable day."""
        busy = self._busy
        if busy is None:
            return False
        first = dt.datetime.combine(today, dt.time(0), tzinfo=self.timezone)
        last = dt.datetime.combine(today + dt.timedelta(days=self.days_ahead + 1), dt.time(0), tzinfo=self.timezone)
        return busy.window_start <= first and last <= busy.window_end

    def _stale(self) -> bool:
        # A URL keeps its last good copy through a short outage; after a few missed refreshes it
        # no longer speaks for the calendar.
        if self.settings.url is None or self._loaded_at is None:
            return False
        return time.monotonic() - self._loaded_at > STALE_AFTER_REFRESHES * self.settings.refresh_minutes * 60

    # -- the worker -----------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker thread (once); busy_times() calls it."""
        with self._lock:
            if self._thread is not None or self._stop.is_set():
                return
            self._thread = threading.Thread(target=self._run, name=f"calendar-feed {self.settings.source}", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            self._turn()
            if not self._wake.wait(self.settings.refresh_minutes * 60):
                with self._lock:  # the schedule: read the source again
                    self._reload = True

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=sum(FETCH_TIMEOUT_SECONDS) + 1)

    def refresh(self, now: Optional[dt.datetime] = None) -> bool:
        """Read the feed now, in this thread; True when it worked. A failure keeps a URL's last good copy."""
        with self._lock:
            self._reload = True
            if now is not None:
                self._wanted_day = now.astimezone(self.timezone).date()
        return self._turn()

    def _turn(self) -> bool:
        """Read the source if due, then expand busy times around the wanted day if needed."""
        with self._turn_lock:
            try:
                with self._lock:
                    reload, self._reload = self._reload, False
                    if self.settings.file is not None and self._file_changed():
                        reload = True
                ok = self._read() if reload else self.last_error is None
                with self._lock:
                    calendar, day = self._calendar, self._wanted_day
                    expand = calendar is not None and day is not None and (reload or self._busy_day != day)
                if expand:
                    busy = self._expand(calendar, day)
                    with self._lock:
                        if busy is None:
                            self._calendar = self._busy = self._busy_day = None
                        elif self._calendar is calendar:
                            self._busy, self._busy_day = busy, day
                    ok = ok and busy is not None
                return ok
            finally:
                with self._lock:
                    self._turns += 1
                    self._turn_done.notify_all()

    # -- reading -----------------------------------------------------------------------
    def _source_bytes(self) -> bytes:
        if self.settings.url:
            return self._fetch(self.settings.url)
        path = self.settings.file
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FeedError(f"the feed file {path} could not be read ({type(exc).__name__})") from None
        if len(data) > MAX_FEED_BYTES:
            raise FeedError(f"the feed file is larger than {MAX_FEED_BYTES // (1024 * 1024)} MB")
        return data

    def _read(self) -> bool:
        try:
            calendar = parse_feed(self._source_bytes())
        except FeedError as exc:
            self._failed(str(exc))
            return False
        except Exception as exc:  # never let a feed problem reach a client
            self._failed(f"the feed could not be read ({_short(exc)})")
            return False
        with self._lock:
            self._calendar = calendar
            self._loaded_at = time.monotonic()
            recovered = self.last_error is not None
            self.last_error = None
        if recovered:
            log.info("calendar feed %s works again", self.settings.source)
            self._tell_staff("Calendar feed working again", f"The calendar feed {self.settings.source} works again.")
        return True

    def _failed(self, why: str) -> None:
        with self._lock:
            first_failure = self.last_error is None
            self.last_error = why
            if self.settings.file is not None:
                # The file changed into something unreadable: the old copy no longer speaks for it.
                self._calendar = self._loaded_at = self._busy = self._busy_day = None
        log.warning("calendar feed %s: %s", self.settings.source, why)
        if first_failure:
            self._tell_staff(
                "Calendar feed problem",
                f"The calendar feed {self.settings.source} could not be used: {why}.\n"
                "Until it works, the assistant offers any time inside the opening hours and "
                "does not say whether a time is free.",
            )

    def _tell_staff(self, subject: str, body: str) -> None:
        if self._notify is None:
            return
        try:
            self._notify(subject, body)
        except Exception:
            log.exception("could not tell staff about the calendar feed")

    def _file_changed(self) -> bool:
        """Whether the feed file changed since last looked at (call with the lock held)."""
        try:
            stat = self.settings.file.stat()
            stamp: object = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp == self._file_stamp:
            return False
        self._file_stamp = stamp
        return True

    def _expand(self, calendar: icalendar.Calendar, today: dt.date) -> Optional[BusyTimes]:
        first = today - dt.timedelta(days=DAYS_BEFORE)
        last = today + dt.timedelta(days=self.days_ahead + DAYS_AFTER_HORIZON)
        window_start = dt.datetime.combine(first, dt.time(0), tzinfo=self.timezone)
        window_end = dt.datetime.combine(last, dt.time(0), tzinfo=self.timezone)
        started = time.perf_counter()
        try:
            intervals = busy_intervals(calendar, self.timezone, window_start, window_end)
        except FeedError as exc:
            self._failed(str(exc))
            return None
        busy = BusyTimes.build(intervals, window_start, window_end, self.settings.buffer_minutes)
        log.info(
            "calendar feed %s: %d busy intervals from %d events, %s to %s (%.0f ms)",
            self.settings.source,
            len(busy),
            len(intervals),
            first,
            last,
            (time.perf_counter() - started) * 1000,
        )
        return busy


# -- one feed per configured calendar -------------------------------------------------------

_feeds: Dict[Tuple[CalendarSettings, str, int], CalendarFeed] = {}
_feeds_lock = threading.Lock()


def _staff_notifier(profile: PracticeProfile) -> Notify:
    def notify(subject: str, body: str) -> None:
        notify_staff(profile.raw, subject, body)

    return notify


def feed_for(profile: PracticeProfile) -> Optional[CalendarFeed]:
    """The shared feed for the profile's calendar settings (None: no feed configured).

    Shared per process, so an edited profile with the same feed keeps its cache.
    """
    settings = profile.calendar
    if settings is None:
        return None
    key = (settings, profile.timezone.key, profile.max_days_ahead)
    with _feeds_lock:
        feed = _feeds.get(key)
        if feed is None:
            feed = CalendarFeed(settings, profile.timezone, profile.max_days_ahead, notify=_staff_notifier(profile))
            _feeds[key] = feed
        return feed


def busy_times(profile: PracticeProfile, now: dt.datetime) -> Optional[BusyTimes]:
    """The practice's busy times now, or None: no feed, or one that can't be used (opening hours only)."""
    feed = feed_for(profile)
    return feed.busy_times(now) if feed is not None else None


def forget_feeds() -> None:
    """Stop and drop every shared feed (tests, and a process that reloads its settings)."""
    with _feeds_lock:
        feeds = list(_feeds.values())
        _feeds.clear()
    for feed in feeds:
        feed.close()
