"""The conversation harness itself, without servers: it recognises every question
and reply the assistant can send, and every script is one a real client could
follow (known questions, bookable times)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.red_flag import safety_reply
from bot.dates.requested_time import session_fits
from bot.nlu.red_flag_patterns import URGENT_KINDS
from bot.practice.profile import current_profile
from tests.live.conversations import checks
from tests.live.conversations.recognise import MARKERS, NOTHING_ASKED, QUESTIONS, read
from tests.live.conversations.report import failure_list, pass_rate_line
from tests.live.conversations.runner import Result
from tests.live.conversations.script import (
    OWN_NUMBER,
    Booking,
    Callback,
    Nothing,
    Window,
    conversation,
    local,
    saw,
)
from tests.live.conversations.scripts import ALL

REPO = Path(__file__).resolve().parents[3]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]

# Which question each domain response asks (web and SMS variants alike).
ASKED_BY_RESPONSE = {
    "utter_ask_client_name": "name",
    "utter_ask_contact": "contact",
    "utter_ask_requested_time": "time",
    "utter_ask_include_glutes": "glutes",
    "utter_ask_booking_note": "note",
    "utter_ask_best_time": "best_time",
    "utter_ask_callback_question": "callback_question",
    "utter_what_to_change": "change",
    "utter_ask_rephrase": "rephrase",
    "utter_default": "offer_person",
}
# Questions the actions word themselves (booking_form, client_details, ask_affirmation in actions/).
ACTION_QUESTIONS = {
    "Which session would you like?": "service",
    "Which session?": "service",
    "Sorry, I didn't recognise that session. We offer: 60-minute massage, 90-minute massage.": "service",
    "What time on Saturday?": "time_of_day",
    "What time tomorrow?": "time_of_day",
    "What time that day?": "time_of_day",
    "We're closed then. Here are the next open times, or tell me another:": "time",
    "That time has already passed. Could you give a day and a time?": "time",
    "Here's your booking request:\n- Name: Jo\nShall I send it to the team?": "confirm",
    "Please check: Jo, +15035550100, Friday 4 December at 2 pm. Send this request?": "confirm",
    "Sorry, I didn't catch a name there. What name should I put the request under?": "name",
    "That doesn't look like a phone number or email I can use. Could you type it again, like 415 555 0142?": "contact",
    "Sorry, I want to be sure I understood. Did you mean how you'll be covered?": "did_you_mean",
    "Thank you for telling me. With numbness or tingling, please see a doctor before having any massage. "
    "Would you like a therapist to call you back?": "offer_person",
}


def variants(response: str):
    return [v["text"] for v in DOMAIN[response]]


@pytest.mark.parametrize("response, question", sorted(ASKED_BY_RESPONSE.items()))
def test_every_form_question_in_the_domain_is_recognised(response, question):
    for text in variants(response):
        assert read(text).asked == question, text


@pytest.mark.parametrize("text, question", sorted(ACTION_QUESTIONS.items()))
def test_questions_worded_by_the_actions_are_recognised(text, question):
    assert read(text).asked == question


def test_answers_and_small_talk_ask_nothing_and_raise_no_alarm():
    quiet = [
        name
        for name in DOMAIN
        if not name.startswith("utter_ask_")
        and name not in ("utter_default", "utter_what_to_change", "utter_inappropriate", "utter_out_of_scope")
    ]
    for name in quiet:
        for text in variants(name):
            reading = read(text)
            assert reading.asked in (None, "offer_person"), (name, text)
            assert not reading.markers & {"safety", "sexual_boundary", "off_topic", "cancelled", "booking_done"}, (
                name,
                text,
            )


def test_boundaries_are_told_apart():
    for text in variants("utter_inappropriate"):
        assert read(text).markers >= {"sexual_boundary"} and not read(text).has("off_topic"), text
    for text in variants("utter_out_of_scope"):
        reading = read(text)
        assert reading.has("off_topic") and not reading.has("practice_facts") and not reading.has("sexual_boundary")
    assert read("We accept credit and debit cards, cash, Apple Pay and Google Pay.").has("practice_facts")


@pytest.mark.parametrize("kind", sorted(URGENT_KINDS | {"numbness_tingling", "surgery_injury", None}, key=str))
def test_every_safety_reply_is_recognised(kind):
    reply = safety_reply(kind, "911")
    for text in (reply.web, reply.sms):
        assert read(text).has("safety"), text
        assert read(text).ended_in == "safety", text


def test_outcomes_are_recognised():
    assert read("Thank you, Jo! Your request is in (reference RB-7K3Q9).").ended_in == "booking_done"
    assert read("Thanks Jo. Callback request in, ref RC-4MX8P. We open on Monday at 9 am.").ended_in == "callback_done"
    assert (
        read(
            "Thanks, Jo. I've passed this to the team (reference RC-4MX8P), and a therapist will contact you "
            "on +15035550100 shortly. I'll step back now so a person can take over."
        ).ended_in
        == "handed_over"
    )
    assert read("Okay, I've cancelled that request. Nothing was sent.").ended_in == "cancelled"
    assert read("a therapist will call you on jo@example.com then").has("call_on_email")
    assert not read("a therapist will call you on +15035550100 then").has("call_on_email")


def test_the_same_question_twice_in_one_reply_is_caught():
    assert read("What time on Friday? What day and time would suit you?").repeated_questions() == ["time"]
    twice = "What name should I put the request under? What name should I put the request under?"
    assert read(twice).repeated_questions() == ["name"]
    assert read("What name should I put the request under?").repeated_questions() == []


def test_a_summary_must_name_the_weekday_and_the_right_date():
    outcome = Booking(name="Jo", start="2026-12-07T10:00")
    now = local("2026-12-02T11:00")
    assert checks.summary_problems("- When: Monday 7 December at 10 am", outcome, now, last=True) == []
    assert checks.summary_problems("- When: tomorrow at 10 am", outcome, now, last=True)
    assert checks.summary_problems("- When: Thursday 3 December at 10 am", outcome, now, last=True)
    window = Booking(name="Jo", start=Window("2026-12-05T10:00", "2026-12-07T10:00"))
    assert checks.summary_problems("- When: Monday 7 December at 9 am", window, now, last=True) == []


def test_stored_requests_are_compared_field_by_field():
    row = {
        "kind": "booking",
        "name": "Name Dana Kowalski",
        "phone": "+15035550100",
        "email": None,
        "requested_start": "2026-12-07T10:00:00-08:00",
        "service_key": "massage_60",
        "include_glutes": False,
        "note": "",
        "prenatal_flag": False,
    }
    expected = Booking(name="Dana Kowalski", phone=OWN_NUMBER, start="2026-12-07T10:00", service="massage_60", note="")
    assert checks.stored_problems(expected, [row], "+15035550100") == [
        "stored name 'Name Dana Kowalski', the client meant 'Dana Kowalski'"
    ]
    assert checks.stored_problems(Nothing("cancelled"), [row], "x")
    assert checks.stored_problems(Callback(name="Jo"), [row], "x")


# -- the scripts ----------------------------------------------------------------------------


def test_there_are_at_least_80_conversations_with_unique_ids():
    assert len(ALL) >= 80
    assert len({c.id for c in ALL}) == len(ALL)


@pytest.mark.parametrize("conv", ALL, ids=[c.id for c in ALL])
def test_each_script_answers_only_questions_the_assistant_asks(conv):
    known = set(QUESTIONS) | {NOTHING_ASKED}
    for client in conv.clients:
        assert set(client.answers) <= known, set(client.answers) - known
        assert set(client.interrupt) <= known, set(client.interrupt) - known
        assert set(client.allow) <= set(checks.UNWANTED), client.allow
        if isinstance(client.outcome, Nothing) and client.outcome.ending != "answered":
            assert client.outcome.ending in MARKERS


@pytest.mark.parametrize(
    "conv", [c for c in ALL if any(isinstance(cl.outcome, Booking) for cl in c.clients)], ids=lambda c: c.id
)
def test_each_expected_booking_is_a_time_the_practice_can_take(conv):
    """A script that expects a closed or past time would test the script, not the assistant."""
    profile = current_profile()
    for client in conv.clients:
        outcome = client.outcome
        if not isinstance(outcome, Booking) or outcome.start is None:
            continue
        service = profile.service(outcome.service or "massage_60")
        starts = [outcome.start] if isinstance(outcome.start, str) else [outcome.start.earliest, outcome.start.latest]
        for wall in starts:
            start = local(wall)
            assert start > conv.pinned, f"{wall} is not after the pinned clock {conv.clock}"
            if isinstance(outcome.start, str):
                assert session_fits(profile, start, service.minutes), (
                    f"{wall}: a {service.minutes}-minute session doesn't fit"
                )


def test_pass_rate_line_counts_per_kind_in_script_order():
    a = conversation("a-one", "first-timer", "2026-12-01T10:00:00-08:00")
    b = conversation("b-one", "names", "2026-12-01T10:00:00-08:00")
    c = conversation("c-one", "first-timer", "2026-12-01T10:00:00-08:00")
    results = [Result(a, [], []), Result(b, [], ["turn 2: cancelled", "nothing stored"]), Result(c, [], [])]
    assert pass_rate_line(results) == "conversations: 2/3 passed (first-timer 2/2, names 0/1)"
    assert "- `b-one` (names): turn 2: cancelled\n  - nothing stored\n" in failure_list(results)


def test_expectations_fail_loudly_on_the_wrong_reply():
    reading = read("We accept credit and debit cards, cash, Apple Pay and Google Pay.")
    assert checks.reply_expectation(saw("safety"), reading, None)
    assert checks.reply_expectation(saw("practice_facts"), reading, None) is None
