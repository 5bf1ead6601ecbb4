"""The booking form with the practice's calendar feed: busy times refused, free ones offered."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.booking_form import ValidateBookingForm
from bot.practice import calendar_feed
from tests.calendar_feeds import calendar, event
from tests.unit.actions.action_helpers import PRACTICE_TZ, assert_sms_text, only_message, slot_values, titles

# The pinned clock says Wednesday 10 June 2026, 10:30 am; Saturday the 13th is open 10 am to 4 pm.
SATURDAY = dt.date(2026, 6, 13)


def at(hour, minute=0, day=SATURDAY):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PRACTICE_TZ)


@pytest.fixture(autouse=True)
def no_shared_feeds():
    yield
    calendar_feed.forget_feeds()


@pytest.fixture
def busy_saturday(edit_profile, tmp_path):
    """The profile reads a feed in which Saturday 10:30 am to 12:30 pm is booked."""
    feed = tmp_path / "busy.ics"
    feed.write_text(calendar(event(at(10, 30), at(12, 30))))
    edit_profile(lambda raw: raw.update(calendar={"file": str(feed)}))
    return feed


@pytest.fixture
def ask(make_tracker, run_action):
    def turn(text, channel="rest", requested_day=None):
        tracker = make_tracker(
            text,
            "inform",
            slots={"client_name": "Jane", "contact": "+14155550142", "requested_day": requested_day},
            requested_slot="requested_time",
            channel=channel,
            active_loop="booking_form",
        )
        events, dispatcher = run_action(ValidateBookingForm(), tracker)
        return slot_values(events), dispatcher

    return turn


def test_a_booked_time_is_refused_with_the_nearest_free_ones(busy_saturday, ask):
    slots, dispatcher = ask("Saturday at 11")
    message = only_message(dispatcher)
    assert slots["requested_time"] is None and slots["invalid_answers"] == 1
    assert message["text"] == "Sorry, that time is already booked. These times are free, or tell me another:"
    assert titles(message) == [
        "Saturday 13 June at 12:30 pm",
        "Saturday 13 June at 1 pm",
        "Saturday 13 June at 1:30 pm",
    ]


def test_sms_names_two_free_times(busy_saturday, ask):
    _, dispatcher = ask("Saturday at 11", channel="sms")
    text = only_message(dispatcher)["text"]
    assert text == "Sorry, that time is already booked. Free: Saturday 13 June at 12:30 pm; Saturday 13 June at 1 pm"
    assert_sms_text(text)


def test_a_free_time_is_taken(busy_saturday, ask):
    slots, dispatcher = ask("Saturday at 1pm")
    assert dt.datetime.fromisoformat(slots["requested_time"]) == at(13)
    assert dispatcher.messages == []


def test_a_day_alone_lists_its_free_times(busy_saturday, ask):
    slots, dispatcher = ask("any time Saturday")
    message = only_message(dispatcher)
    assert slots["requested_day"] == SATURDAY.isoformat()
    assert message["text"] == "What time on Saturday? Free then: 12:30 pm, 1 pm or 1:30 pm."
    assert titles(message) == [
        "Saturday 13 June at 12:30 pm",
        "Saturday 13 June at 1 pm",
        "Saturday 13 June at 1:30 pm",
    ]


def test_without_a_readable_feed_nothing_is_called_free(busy_saturday, ask):
    busy_saturday.write_text("not a calendar")
    slots, dispatcher = ask("Saturday at 11")
    assert dt.datetime.fromisoformat(slots["requested_time"]) == at(11)  # opening hours alone
    _, dispatcher = ask("any time Saturday")
    assert only_message(dispatcher)["text"] == "What time on Saturday?"
