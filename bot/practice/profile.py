"""Load and validate the practice profile (practice/profile.yml).

The profile is the only source of hours, prices, contact details and policies.
A bad or missing value raises ProfileError naming the field, so a practice that
edits the file sees exactly what to fix.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.channels.sms_text import fits_with_options, is_gsm7
from bot.paths import REPO_ROOT

DEFAULT_PROFILE_PATH = REPO_ROOT / "practice" / "profile.yml"
PROFILE_ENV_VAR = "PRACTICE_PROFILE"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class ProfileError(ValueError):
    """The practice profile is missing, unreadable, or has a bad field."""

    def __init__(self, field_name: str, problem: str, path: Optional[Path] = None):
        self.field_name = field_name
        self.problem = problem
        self.path = path
        where = f"{path}: " if path else ""
        super().__init__(f"practice profile {where}field '{field_name}': {problem}")


TimeRange = Tuple[dt.time, dt.time]


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    minutes: int
    price: float
    # What a text message calls it, beside its price ("60 min prenatal"); the
    # length alone ("60 min") unless the profile's `sms_name` says otherwise.
    sms_name: str = ""

    @property
    def short_name(self) -> str:
        return self.sms_name or f"{self.minutes} min"


@dataclass(frozen=True)
class Therapist:
    name: str
    gender: str
    specialties: Tuple[str, ...]


@dataclass(frozen=True)
class WrittenAnswer:
    """A practice's own answer to a topic: full text for the web, plain short text for SMS."""

    web: str
    sms: str


@dataclass(frozen=True)
class SpecialDay:
    date: dt.date
    hours: Tuple[TimeRange, ...]  # empty means closed
    reason: str


@dataclass(frozen=True)
class CalendarSettings:
    """Where the practice's busy times come from (an .ics feed) and how they are used."""

    url: Optional[str]  # http(s):// or webcal:// (read as https://)
    file: Optional[Path]  # a local .ics file, when there is no URL
    refresh_minutes: int
    buffer_minutes: int  # kept free between a booked event and a session, both sides

    @property
    def source(self) -> str:
        return self.url or str(self.file)


# The placeholders a prefilled booking link may use (booking.link_template).
LINK_PLACEHOLDERS = frozenset({"name", "phone", "email", "date", "time", "service"})


@dataclass(frozen=True)
class PracticeProfile:
    name: str
    timezone: ZoneInfo
    phone: str
    sms: str
    email: str
    website: str
    address: Dict[str, str]
    mobile_service: str
    booking_url: str
    max_days_ahead: int
    min_notice_hours: int
    weekly_hours: Dict[str, Tuple[TimeRange, ...]]
    special_days: Dict[dt.date, SpecialDay]
    services: Tuple[Service, ...]
    currency: str
    packages: str
    policies: Dict[str, Any]
    first_visit: Dict[str, Any]
    therapists: Tuple[Therapist, ...]
    etiquette: str
    emergency_number: str
    # Topic key -> the practice's written answer (practice/profile.yml `answers:`).
    answers: Dict[str, WrittenAnswer] = field(default_factory=dict)
    raw: Dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    calendar: Optional[CalendarSettings] = None  # no feed: offer any time inside opening hours
    booking_link_template: str = ""  # the online booking page with {name}, {date}, ... filled in

    # -- small conveniences used by answers -------------------------------
    @property
    def address_line(self) -> str:
        a = self.address
        return f"{a['street']}, {a['city']}, {a['region']} {a['postcode']}".strip()

    def price_text(self, amount: float) -> str:
        symbol = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "GBP": "£", "EUR": "€"}.get(self.currency, "")
        number = f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"
        return f"{symbol}{number}" if symbol else f"{number} {self.currency}"

    def service(self, key: str) -> Optional[Service]:
        return next((s for s in self.services if s.key == key), None)

    def hours_on(self, day: dt.date) -> Tuple[TimeRange, ...]:
        """Opening ranges on a local calendar date (holidays and exceptions applied)."""
        special = self.special_days.get(day)
        if special is not None:
            return special.hours
        return self.weekly_hours[WEEKDAYS[day.weekday()]]


# -- parsing helpers ---------------------------------------------------------


def _get(data: Mapping[str, Any], name: str, path: Optional[Path], prefix: str = "") -> Any:
    full = f"{prefix}{name}"
    if not isinstance(data, Mapping) or name not in data or data[name] in (None, ""):
        raise ProfileError(full, "is missing", path)
    return data[name]


def _text(data: Mapping[str, Any], name: str, path: Optional[Path], prefix: str = "") -> str:
    value = _get(data, name, path, prefix)
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise ProfileError(f"{prefix}{name}", f"must be text, got {type(value).__name__}", path)
    return str(value).strip()


def parse_hours(value: Any, field_name: str, path: Optional[Path] = None) -> Tuple[TimeRange, ...]:
    """Parse 'HH:MM-HH:MM[, HH:MM-HH:MM]' or 'closed' into ordered time ranges."""
    if isinstance(value, str) and value.strip().lower() == "closed":
        return ()
    if not isinstance(value, str):
        raise ProfileError(field_name, "must be 'HH:MM-HH:MM' or 'closed'", path)
    ranges: List[TimeRange] = []
    for part in value.split(","):
        match = _RANGE.match(part)
        if not match:
            raise ProfileError(field_name, f"'{part.strip()}' is not 'HH:MM-HH:MM' (or 'closed')", path)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError:
            raise ProfileError(field_name, f"'{part.strip()}' is not a real time of day", path) from None
        if end <= start:
            raise ProfileError(field_name, f"'{part.strip()}' closes before it opens", path)
        if ranges and start < ranges[-1][1]:
            raise ProfileError(field_name, "ranges overlap or are out of order", path)
        ranges.append((start, end))
    return tuple(ranges)


def _date(value: Any, field_name: str, path: Optional[Path]) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ProfileError(field_name, f"'{value}' is not a date like 2026-12-25", path) from None


def _positive_number(value: Any, field_name: str, path: Optional[Path]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ProfileError(field_name, f"must be a positive number, got {value!r}", path)
    return value


def _whole_minutes(section: Mapping[str, Any], key: str, default: int, low: int, path: Optional[Path]) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ProfileError(f"calendar.{key}", f"must be a whole number of minutes, {low} or more, got {value!r}", path)
    return value


def parse_calendar(data: Any, path: Optional[Path] = None) -> Optional[CalendarSettings]:
    """The optional `calendar:` section: a feed `url` or `file`, refresh and buffer minutes."""
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise ProfileError("calendar", "must be a mapping with a url or a file", path)
    url = str(data.get("url") or "").strip() or None
    file_text = str(data.get("file") or "").strip() or None
    if bool(url) == bool(file_text):
        raise ProfileError("calendar", "needs exactly one of 'url' or 'file'", path)
    if url:
        if url.lower().startswith("webcal://"):
            url = "https://" + url[len("webcal://") :]
        if not url.lower().startswith(("http://", "https://")) or not urlsplit(url).hostname:
            raise ProfileError("calendar.url", "must be an http://, https:// or webcal:// address", path)
    file = None
    if file_text:
        file = Path(file_text).expanduser()
        if not file.is_absolute():
            # Relative to the profile file, so a profile kept elsewhere can keep its feed beside it.
            file = (path.parent if path else REPO_ROOT) / file
    return CalendarSettings(
        url=url,
        file=file,
        refresh_minutes=_whole_minutes(data, "refresh_minutes", 15, 1, path),
        buffer_minutes=_whole_minutes(data, "buffer_minutes", 0, 0, path),
    )


def parse_link_template(value: Any, path: Optional[Path] = None) -> str:
    """booking.link_template: an http(s) address using only the known {placeholders}."""
    if value in (None, ""):
        return ""
    text = str(value).strip()
    if not text.startswith(("http://", "https://")):
        raise ProfileError("booking.link_template", "must start with http:// or https://", path)
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)]
    except ValueError:
        raise ProfileError("booking.link_template", "has an unmatched { or }", path) from None
    if any(spec or conversion for name, spec, conversion in fields if name is not None):
        raise ProfileError("booking.link_template", "placeholders take no format, e.g. {date}, not {date:%d}", path)
    names = {name for name, _, _ in fields if name is not None}
    unknown = sorted(names - LINK_PLACEHOLDERS)
    if unknown:
        known = ", ".join("{" + n + "}" for n in sorted(LINK_PLACEHOLDERS))
        raise ProfileError("booking.link_template", f"unknown placeholder {{{unknown[0]}}} (use {known})", path)
    return text


def _answers(data: Any, path: Optional[Path]) -> Dict[str, WrittenAnswer]:
    """The `answers:` section: per topic key, a `web:` and an `sms:` text."""
    if data in (None, ""):
        return {}
    if not isinstance(data, Mapping):
        raise ProfileError("answers", "must map topic keys to a web and an sms answer", path)
    answers = {}
    for key, item in data.items():
        prefix = f"answers.{key}."
        web, sms = _text(item, "web", path, prefix), _text(item, "sms", path, prefix)
        if not (sms.isascii() and is_gsm7(sms)):
            raise ProfileError(f"{prefix}sms", "must be plain text (no curly quotes, dashes or emoji)", path)
        if not fits_with_options(sms):
            raise ProfileError(
                f"{prefix}sms", "is too long for two text messages with the reply options: shorten it", path
            )
        answers[str(key)] = WrittenAnswer(web, sms)
    return answers


def parse_profile(data: Any, path: Optional[Path] = None) -> PracticeProfile:
    """Validate a profile mapping (as read from YAML) and build a PracticeProfile."""
    if not isinstance(data, Mapping):
        raise ProfileError("(top level)", "the file must be a mapping of fields", path)

    tz_name = _text(data, "timezone", path)
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ProfileError("timezone", f"'{tz_name}' is not an IANA time zone name", path) from None

    contact = _get(data, "contact", path)
    address = _get(data, "address", path)
    address_fields = {key: _text(address, key, path, "address.") for key in ("street", "city", "region", "postcode")}
    for optional in ("directions", "parking", "accessibility"):
        if address.get(optional):
            address_fields[optional] = str(address[optional]).strip()

    booking = _get(data, "booking", path)
    url = _text(booking, "online_url", path, "booking.")
    if not url.startswith(("http://", "https://")):
        raise ProfileError("booking.online_url", "must start with http:// or https://", path)

    hours_data = _get(data, "hours", path)
    weekly = {day: parse_hours(_get(hours_data, day, path, "hours."), f"hours.{day}", path) for day in WEEKDAYS}
    if not any(weekly.values()):
        raise ProfileError("hours", "the practice is closed every day of the week", path)

    special: Dict[dt.date, SpecialDay] = {}
    for i, item in enumerate(data.get("holidays") or []):
        day = _date(_get(item, "date", path, f"holidays[{i}]."), f"holidays[{i}].date", path)
        special[day] = SpecialDay(day, (), str(item.get("name") or "holiday"))
    for i, item in enumerate(data.get("exceptions") or []):
        name = f"exceptions[{i}]"
        day = _date(_get(item, "date", path, f"{name}."), f"{name}.date", path)
        hours = parse_hours(_get(item, "hours", path, f"{name}."), f"{name}.hours", path)
        special[day] = SpecialDay(day, hours, str(item.get("reason") or "special hours"))

    services_data = _get(data, "services", path)
    if not isinstance(services_data, list):
        raise ProfileError("services", "must be a list", path)
    services = []
    for i, item in enumerate(services_data):
        prefix = f"services[{i}]."
        services.append(
            Service(
                key=_text(item, "key", path, prefix),
                name=_text(item, "name", path, prefix),
                minutes=int(_positive_number(_get(item, "minutes", path, prefix), prefix + "minutes", path)),
                price=float(_positive_number(_get(item, "price", path, prefix), prefix + "price", path)),
                sms_name=_text(item, "sms_name", path, prefix) if item.get("sms_name") is not None else "",
            )
        )
    keys = [s.key for s in services]
    if len(set(keys)) != len(keys):
        raise ProfileError("services", "two services share the same key", path)

    policies = _get(data, "policies", path)
    for key in ("cancellation", "late_arrival", "sick", "tipping", "insurance", "hsa_fsa", "gift_cards"):
        _text(policies, key, path, "policies.")
    methods = _get(policies, "payment_methods", path, "policies.")
    if not isinstance(methods, list) or not methods:
        raise ProfileError("policies.payment_methods", "must be a non-empty list", path)

    first_visit = _get(data, "first_visit", path)
    for key in ("what_to_wear", "what_to_bring", "eating"):
        _text(first_visit, key, path, "first_visit.")
    arrive = _get(first_visit, "arrive_early_minutes", path, "first_visit.")
    _positive_number(arrive, "first_visit.arrive_early_minutes", path)

    therapists = []
    for i, item in enumerate(_get(data, "therapists", path)):
        prefix = f"therapists[{i}]."
        therapists.append(
            Therapist(
                name=_text(item, "name", path, prefix),
                gender=_text(item, "gender", path, prefix).lower(),
                specialties=tuple(str(s).lower() for s in (item.get("specialties") or [])),
            )
        )

    return PracticeProfile(
        name=_text(data, "name", path),
        timezone=timezone,
        phone=_text(contact, "phone", path, "contact."),
        sms=str(contact.get("sms") or contact["phone"]).strip(),
        email=_text(contact, "email", path, "contact."),
        website=str(contact.get("website") or "").strip(),
        address=address_fields,
        mobile_service=_text(data, "mobile_service", path),
        booking_url=url,
        max_days_ahead=int(booking.get("max_days_ahead") or 90),
        min_notice_hours=int(booking.get("min_notice_hours") or 0),
        weekly_hours=weekly,
        special_days=special,
        services=tuple(services),
        currency=str(data.get("currency") or "USD").upper(),
        packages=str(data.get("packages") or "").strip(),
        policies=dict(policies),
        first_visit=dict(first_visit),
        therapists=tuple(therapists),
        etiquette=_text(data, "etiquette", path),
        emergency_number=str(data.get("emergency_number") or "911").strip(),
        answers=_answers(data.get("answers"), path),
        raw=dict(data),
        calendar=parse_calendar(data.get("calendar"), path),
        booking_link_template=parse_link_template(booking.get("link_template"), path),
    )


def profile_path() -> Path:
    return Path(os.environ.get(PROFILE_ENV_VAR) or DEFAULT_PROFILE_PATH)


def load_profile(path: Optional[Path] = None) -> PracticeProfile:
    """Read and validate the profile file (PRACTICE_PROFILE or practice/profile.yml)."""
    path = Path(path) if path else profile_path()
    if not path.is_file():
        raise ProfileError("(file)", f"no profile file at {path}", path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ProfileError("(file)", f"is not valid YAML: {exc}", path) from None
    return parse_profile(data, path)


_cache: Dict[Path, Tuple[float, PracticeProfile]] = {}


def current_profile() -> PracticeProfile:
    """The profile as it is on disk now; re-read only when the file changes.

    Lets the practice edit the file while the action server runs.
    """
    path = profile_path().resolve()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise ProfileError("(file)", f"no profile file at {path}", path) from None
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    profile = load_profile(path)
    _cache[path] = (mtime, profile)
    return profile
