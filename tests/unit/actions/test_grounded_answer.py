"""action_closest_passage and action_grounded_answer on tracker fixtures (no servers).

An unclear message with a close answer gets that answer, said to be the closest
thing the assistant knows, with a therapist offered; with nothing close, the
slots send the rules to the two-stage fallback. Messages written for this test.
"""

from __future__ import annotations

import pytest

import actions.closest_passage
import bot.nlu.nearest_passage as nearest
from actions.closest_passage import ActionClosestPassage, warm_up
from actions.grounded_answer import SMS_LEADS, WEB_LEAD, ActionGroundedAnswer, passage_answer, passages
from bot import topics
from bot.channels.sms_text import fits_with_options, to_sms_text
from bot.practice import clock
from bot.practice.profile import current_profile
from tests.unit.actions.action_helpers import (
    assert_sms_text,
    only_message,
    payloads,
    slot_values,
)


def unsure(*guesses):
    return [{"name": "nlu_fallback", "confidence": 0.3}] + [{"name": n, "confidence": c} for n, c in guesses]


def find(make_tracker, run_action, text, ranking, channel="rest"):
    tracker = make_tracker(text, intent_ranking=ranking, channel=channel)
    events, dispatcher = run_action(ActionClosestPassage(), tracker)
    assert dispatcher.messages == []  # it only decides; the next action speaks
    return slot_values(events)


def test_a_close_answer_is_found_for_an_unclear_message(make_tracker, run_action):
    slots = find(
        make_tracker,
        run_action,
        "is there a trick with a ball I can do on my own hip between visits",
        unsure(("self_massage", 0.25), ("technique", 0.2)),
    )
    assert slots == {"passage_found": True, "closest_passage": "self_massage"}


def test_an_off_topic_message_finds_nothing(make_tracker, run_action):
    slots = find(make_tracker, run_action, "who won the football last night", unsure(("hours", 0.15)))
    assert slots == {"passage_found": False, "closest_passage": None}


def test_a_possible_warning_sign_is_left_to_the_two_stage_fallback(make_tracker, run_action):
    slots = find(
        make_tracker,
        run_action,
        "is massage safe in my third trimester",
        unsure(("medical_red_flag", 0.28), ("pregnancy", 0.27)),
    )
    assert slots["passage_found"] is False


def test_a_failing_search_still_leaves_the_fallback(make_tracker, run_action, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("encoder missing")

    monkeypatch.setattr(actions.closest_passage, "closest_passage", broken)
    slots = find(make_tracker, run_action, "which muscles make up the buttock", unsure(("glute_muscles", 0.2)))
    assert slots == {"passage_found": False, "closest_passage": None}


def answer(make_tracker, run_action, key, text="which muscles make up the buttock exactly", channel="rest"):
    tracker = make_tracker(
        text,
        intent_ranking=unsure(("glute_muscles", 0.2)),
        channel=channel,
        slots={"passage_found": True, "closest_passage": key},
    )
    events, dispatcher = run_action(ActionGroundedAnswer(), tracker)
    assert slot_values(events) == {"passage_found": None, "closest_passage": None}
    return only_message(dispatcher)


@pytest.mark.parametrize("channel", ["rest", "socketio"])
def test_the_web_answer_says_it_is_the_closest_thing_and_offers_a_therapist(make_tracker, run_action, domain, channel):
    message = answer(make_tracker, run_action, "glute_muscles", channel=channel)
    article = passage_answer("glute_muscles", "", domain, clock.now()).web
    assert message["text"].startswith(WEB_LEAD)
    assert article in message["text"]
    assert "therapist" in message["text"].split(article)[-1]
    assert payloads(message)[0] == "/talk_to_therapist"


@pytest.mark.parametrize("key", [*topics.ARTICLE_TOPICS, *topics.PRACTICE_TOPICS])
def test_the_sms_answer_is_whole_and_fits_two_segments_with_its_option(make_tracker, run_action, domain, key):
    message = answer(make_tracker, run_action, key, channel="sms")
    whole = to_sms_text(passage_answer(key, "which muscles make up the buttock exactly", domain, clock.now()).sms)
    # Health answers end with "check with your doctor": never cut off by the lead.
    assert message["text"] in {f"{lead} {whole}" for lead in SMS_LEADS}
    assert_sms_text(message["text"])
    assert fits_with_options(message["text"])
    # The SMS channel turns it into "Reply 1 for Talk to a therapist."
    assert payloads(message) == ["/talk_to_therapist"]


def test_a_lengthened_sms_answer_is_cut_to_fit_keeping_the_lead(make_tracker, run_action, edit_profile):
    # As long as the profile allows (it checks the answer alone fits with the options).
    long = "Every few weeks suits most people."
    while fits_with_options(long + " Every few weeks suits most people."):
        long += " Every few weeks suits most people."
    edit_profile(lambda raw: raw["answers"]["frequency"].update(sms=long))
    message = answer(make_tracker, run_action, "frequency", channel="sms")
    assert message["text"].startswith(SMS_LEADS[-1])
    assert fits_with_options(message["text"])


def test_a_practice_passage_is_answered_from_the_profile(make_tracker, run_action, edit_profile):
    edit_profile(lambda raw: raw["answers"]["frequency"].update(web="Every few weeks suits most people here."))
    message = answer(make_tracker, run_action, "frequency", text="how many times a year should I come")
    assert "Every few weeks suits most people here." in message["text"]


def test_without_a_passage_the_client_is_asked_to_rephrase(make_tracker, run_action):
    tracker = make_tracker("hmm", intent_ranking=unsure(), slots={"closest_passage": None})
    events, dispatcher = run_action(ActionGroundedAnswer(), tracker)
    assert only_message(dispatcher)["response"] == "utter_ask_rephrase"


def test_warming_up_builds_the_index_the_action_searches(domain, monkeypatch):
    monkeypatch.setattr(nearest, "_indexes", type(nearest._indexes)())
    warm_up()
    [key] = list(nearest._indexes)
    assert key == tuple(p.search_text for p in passages(domain, current_profile()))
