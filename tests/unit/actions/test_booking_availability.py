"""The booking form with the practice's calendar feed: busy times refused, free ones offered."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.booking_form import ActionAskRequestedTime, ValidateBookingForm
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
    # The time question follows ("Which other day and time would suit you?"): the refusal asks nothing itself.
    assert message["text"] == "Sorry, that time is already booked. These times are free."
    assert titles(message) == [
        "Saturday 13 June at 12:30 pm",
        "Saturday 13 June at 1 pm",
        "Saturday 13 June at 1:30 pm",
    ]


def test_sms_names_two_free_times(busy_saturday, ask):
    _, dispatcher = ask("Saturday at 11", channel="sms")
    message = only_message(dispatcher)
    # The SMS channel numbers the two free times after the text ("Reply 1 for Saturday 13 June at 12:30 pm, ...").
    assert message["text"] == "Sorry, that time is already booked. These times are free."
    assert titles(message) == ["Saturday 13 June at 12:30 pm", "Saturday 13 June at 1 pm"]
    assert_sms_text(message["text"])


def test_a_free_time_is_taken(busy_saturday, ask):
    slots, dispatcher = ask("Saturday at 1pm")
    assert dt.datetime.fromisoformat(slots["requested_time"]) == at(13)
    assert dispatcher.messages == []


def ask_the_time(run_action, make_tracker, requested_day, channel="rest"):
    tracker = make_tracker(
        "",
        slots={"client_name": "Jane", "contact": "+14155550142", "requested_day": requested_day},
        requested_slot="requested_time",
        channel=channel,
        active_loop="booking_form",
    )
    _, dispatcher = run_action(ActionAskRequestedTime(), tracker)
    return only_message(dispatcher)


def test_a_day_alone_is_kept_and_the_time_question_lists_its_free_times(busy_saturday, ask, run_action, make_tracker):
    slots, dispatcher = ask("Saturday")
    assert slots["requested_day"] == SATURDAY.isoformat() and dispatcher.messages == []
    message = ask_the_time(run_action, make_tracker, slots["requested_day"])
    assert message["text"] == "What time on Saturday 13 June would suit you? Free then: 12:30 pm, 1 pm or 1:30 pm."
    assert titles(message) == [
        "Saturday 13 June at 12:30 pm",
        "Saturday 13 June at 1 pm",
        "Saturday 13 June at 1:30 pm",
    ]


def test_any_time_on_a_day_keeps_the_day_for_the_time_question(busy_saturday, ask):
    slots, dispatcher = ask("any time Saturday")
    assert slots["requested_day"] == SATURDAY.isoformat() and dispatcher.messages == []


def test_the_earliest_on_a_day_takes_its_first_free_time(busy_saturday, ask):
    slots, dispatcher = ask("Saturday, the earliest you have")
    assert dt.datetime.fromisoformat(slots["requested_time"]) == at(12, 30)  # 10:30 to 12:30 is booked
    assert dispatcher.messages == []


def test_without_a_readable_feed_nothing_is_called_free(busy_saturday, ask, run_action, make_tracker):
    busy_saturday.write_text("not a calendar")
    slots, dispatcher = ask("Saturday at 11")
    assert dt.datetime.fromisoformat(slots["requested_time"]) == at(11)  # opening hours alone
    message = ask_the_time(run_action, make_tracker, SATURDAY.isoformat())
    assert "free" not in message["text"].lower()
    assert message["text"] == "What time on Saturday 13 June would suit you? The first open times are below."
