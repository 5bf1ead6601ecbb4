"""The practice profile loader: the demo file loads; bad files name the field."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.practice.profile import DEFAULT_PROFILE_PATH, ProfileError, current_profile, load_profile, parse_profile

DEMO = yaml.safe_load(DEFAULT_PROFILE_PATH.read_text())


def with_change(path: str, value):
    data = copy.deepcopy(DEMO)
    node = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is KeyError:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return data


def test_demo_profile_loads_with_sensible_values():
    profile = load_profile()
    assert profile.timezone.key == "America/Los_Angeles"
    assert profile.booking_url.startswith("https://")
    assert profile.hours_on(dt.date(2026, 11, 29)) == ()  # a Sunday
    assert profile.hours_on(dt.date(2026, 12, 25)) == ()  # Christmas Day
    assert profile.hours_on(dt.date(2026, 12, 24)) == ((dt.time(9), dt.time(13)),)
    assert profile.service("massage_60").price == 95
    assert profile.price_text(95) == "$95"
    # texts name a service by its length, and the prenatal hour apart from the regular one
    assert [s.short_name for s in profile.services] == ["60 min", "90 min", "30 min", "60 min prenatal"]


@pytest.mark.parametrize(
    "path, value, field",
    [
        ("timezone", "Mars/Olympus", "timezone"),
        ("hours.monday", "9-5", "hours.monday"),
        ("hours.tuesday", "17:00-09:00", "hours.tuesday"),
        ("hours.friday", KeyError, "hours.friday"),
        ("booking.online_url", "riverside.example/book", "booking.online_url"),
        ("services.1.price", -5, "services[1].price"),
        ("services.0.minutes", "an hour", "services[0].minutes"),
        ("services.3.sms_name", ["60 min"], "services[3].sms_name"),
        ("contact.phone", KeyError, "contact.phone"),
        ("policies.payment_methods", [], "policies.payment_methods"),
        ("holidays.0.date", "Christmas", "holidays[0].date"),
        ("first_visit.arrive_early_minutes", 0, "first_visit.arrive_early_minutes"),
        ("answers", "ask us", "answers"),
        ("answers.frequency.sms", KeyError, "answers.frequency.sms"),
        ("answers.services.web", "", "answers.services.web"),
        ("answers.benefits.sms", "Massage helps \u2014 tell us \U0001f60a", "answers.benefits.sms"),
        ("answers.credentials.sms", "All our therapists are licensed. " * 8, "answers.credentials.sms"),
    ],
)
def test_bad_field_is_named(path, value, field):
    with pytest.raises(ProfileError) as error:
        parse_profile(with_change(path, value))
    assert error.value.field_name == field
    assert field in str(error.value)


def test_missing_and_unreadable_files_say_so(tmp_path: Path):
    with pytest.raises(ProfileError, match="no profile file"):
        load_profile(tmp_path / "nope.yml")
    broken = tmp_path / "broken.yml"
    broken.write_text("name: [unclosed\n")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(broken)


def test_edits_are_picked_up_without_restart(tmp_path: Path, monkeypatch):
    path = tmp_path / "profile.yml"
    path.write_text(yaml.safe_dump(DEMO))
    monkeypatch.setenv("PRACTICE_PROFILE", str(path))
    assert current_profile().service("massage_60").price == 95
    changed = with_change("services.0.price", 99)
    path.write_text(yaml.safe_dump(changed))
    import os

    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    assert current_profile().service("massage_60").price == 99


def test_a_calendar_feed_and_a_booking_link_template_are_read(tmp_path: Path):
    data = with_change("calendar", {"url": "webcal://cal.example/p.ics", "refresh_minutes": 5, "buffer_minutes": 10})
    profile = parse_profile(data)
    assert profile.calendar.url == "https://cal.example/p.ics"  # webcal:// is https:// for a program
    assert (profile.calendar.refresh_minutes, profile.calendar.buffer_minutes) == (5, 10)
    from_file = parse_profile(with_change("calendar", {"file": "busy.ics"}), tmp_path / "profile.yml")
    assert from_file.calendar.file == tmp_path / "busy.ics"  # beside the profile
    assert (from_file.calendar.refresh_minutes, from_file.calendar.buffer_minutes) == (15, 0)
    assert load_profile().calendar is None  # the demo has none: opening hours alone
    assert "{name}" in load_profile().booking_link_template


@pytest.mark.parametrize(
    "path, value, field",
    [
        ("calendar", "https://cal.example/p.ics", "calendar"),
        ("calendar", {"refresh_minutes": 5}, "calendar"),
        ("calendar", {"url": "https://a.example/x.ics", "file": "x.ics"}, "calendar"),
        ("calendar", {"url": "ftp://cal.example/p.ics"}, "calendar.url"),
        ("calendar", {"url": "https://cal.example/p.ics", "refresh_minutes": 0}, "calendar.refresh_minutes"),
        ("calendar", {"file": "busy.ics", "buffer_minutes": "15m"}, "calendar.buffer_minutes"),
        ("booking.link_template", "book.example/?n={name}", "booking.link_template"),
        ("booking.link_template", "https://book.example/?n={nickname}", "booking.link_template"),
        ("booking.link_template", "https://book.example/?d={date:%d}", "booking.link_template"),
        ("booking.link_template", "https://book.example/?n={name", "booking.link_template"),
    ],
)
def test_bad_calendar_and_link_settings_are_named(path, value, field):
    with pytest.raises(ProfileError) as error:
        parse_profile(with_change(path, value))
    assert error.value.field_name == field


def test_answers_are_optional_and_keep_their_text():
    assert parse_profile(with_change("answers", KeyError)).answers == {}
    answer = load_profile().answers["frequency"]
    assert answer.web != answer.sms and answer.sms.isascii()


def test_an_sms_answer_may_fill_what_two_texts_hold_beside_the_options():
    # 306 characters fit two texts; the reply options take a line of their own.
    parse_profile(with_change("answers.frequency.sms", "x" * 250))
    with pytest.raises(ProfileError, match="too long for two text messages"):
        parse_profile(with_change("answers.frequency.sms", "x" * 260))
