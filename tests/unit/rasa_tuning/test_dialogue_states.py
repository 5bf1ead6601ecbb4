"""bot/rasa_tuning/dialogue_states.py: the same states as Rasa's replay of the whole
conversation, as it grows, rewinds and restarts, for every set of arguments."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_tuning import dialogue_states

ROOT = Path(__file__).resolve().parents[3]
ARGUMENTS = [
    {},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True},
    {"ignore_rule_only_turns": True, "rule_only_data": {"slots": ["person_offered"], "loops": ["callback_form"]}},
]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture(autouse=True)
def fresh():
    dialogue_states.forget()
    yield
    dialogue_states.forget()


def said(intent: str, text: str = "") -> UserUttered:
    return UserUttered(text or intent, {"name": intent, "confidence": 0.9})


def listen() -> ActionExecuted:
    return ActionExecuted("action_listen")


def conversation() -> List[Event]:
    """A booking with an interruption, a rule-only turn, a rewind, a restart and a new session."""
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        listen(),
        said("greet", "hi"),
        ActionExecuted("utter_greet"),
        listen(),
        said("book_appointment", "can I come thursday?"),
        ActionExecuted("booking_form"),
        ActiveLoop("booking_form"),
        SlotSet("requested_slot", "client_name"),
        listen(),
        said("inform", "Name's Jo"),
        ActionExecuted("booking_form"),
        SlotSet("client_name", "Jo"),
        SlotSet("requested_slot", "contact"),
        listen(),
        said("pricing", "wait how much is it"),
        ActionExecuted("utter_pricing", hide_rule_turn=True),
        ActionExecuted("booking_form", hide_rule_turn=True),
        SlotSet("requested_slot", "contact"),
        listen(),
        said("nlu_fallback", "asdf"),
        ActionExecuted("action_default_ask_affirmation"),
        listen(),
        said("deny", "no"),
        UserUtteranceReverted(),
        ActionReverted(),
        listen(),
        said("inform", "415 555 0142"),
        ActionExecuted("booking_form"),
        SlotSet("contact", "+14155550142"),
        SlotSet("person_offered", True),
        ActiveLoop(None),
        SlotSet("requested_slot", None),
        ActionExecuted("utter_thanks"),
        listen(),
        said("restart", "/restart"),
        ActionExecuted("action_restart"),
        Restarted(),
        ActionExecuted("action_session_start"),
        SessionStarted(),
        listen(),
        said("why_glutes", "why glutes?"),
        ActionExecuted("utter_why_glutes"),
        listen(),
        said("thanks", "thanks"),
    ]


def tracker(domain: Domain, events: List[Event], sender: str = "client") -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, events, domain.slots)


@pytest.mark.parametrize("arguments", ARGUMENTS)
def test_states_match_rasas_at_every_length(domain, arguments):
    events = conversation()
    for length in range(1, len(events) + 1):
        grown = tracker(domain, events[:length])
        expected = dialogue_states._original(domain, grown, **arguments)
        assert dialogue_states.states_for_tracker_history(domain, grown, **arguments) == expected, length
        # asked again at the same length (Memoization, then RulePolicy)
        assert dialogue_states.states_for_tracker_history(domain, grown, **arguments) == expected, length


def test_a_history_that_does_not_continue_is_replayed_from_the_start(domain):
    events = conversation()
    long = tracker(domain, events[:30])
    dialogue_states.states_for_tracker_history(domain, long)
    # the same conversation id, another history (a different model's tracker, or one rebuilt)
    other = events[:6] + [said("pricing", "how much?"), ActionExecuted("utter_pricing"), listen()]
    assert dialogue_states.states_for_tracker_history(domain, tracker(domain, other)) == dialogue_states._original(
        domain, tracker(domain, other)
    )


def test_callers_changing_the_states_do_not_change_the_kept_ones(domain):
    events = conversation()[:20]
    first = dialogue_states.states_for_tracker_history(domain, tracker(domain, events))
    for state in first:  # TrackerFeaturizer drops the text or the intent of the last user turn in place
        state.pop("user", None)
        state.get("prev_action", {}).clear()
    assert dialogue_states.states_for_tracker_history(domain, tracker(domain, events)) == dialogue_states._original(
        domain, tracker(domain, events)
    )


def test_conversations_are_kept_apart_and_bounded(domain, monkeypatch):
    monkeypatch.setattr(dialogue_states, "CONVERSATIONS_KEPT", 3)
    events = conversation()
    for index in range(5):
        sender = f"client-{index}"
        length = 10 + 5 * index
        got = dialogue_states.states_for_tracker_history(domain, tracker(domain, events[:length], sender))
        assert got == dialogue_states._original(domain, tracker(domain, events[:length], sender))
    assert len(dialogue_states._kept) == 3


def test_a_longer_history_that_replaced_events_is_replayed_from_the_start(domain):
    events = conversation()
    dialogue_states.states_for_tracker_history(domain, tracker(domain, events[:10]))
    replaced = events[:5] + [listen(), said("pricing", "how much?"), ActionExecuted("utter_pricing")] * 3
    assert len(replaced) > 10
    assert dialogue_states.states_for_tracker_history(domain, tracker(domain, replaced)) == dialogue_states._original(
        domain, tracker(domain, replaced)
    )
