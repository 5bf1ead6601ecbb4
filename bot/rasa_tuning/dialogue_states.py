"""Dialogue states worked out once per conversation, not again on every prediction.

Before each prediction, Memoization and RulePolicy ask the domain for the state
after every action so far (`Domain.states_for_tracker_history`). Rasa replays
the whole conversation to get them, five times per message, so a message at
turn 40 spent about 15 ms of CPU there against 3 ms at turn 5.

A state depends only on the events before it, and a conversation only grows
between two predictions. So this keeps, per conversation and set of arguments,
the replayed tracker and the states so far, and replays only the new events.
Whenever the history is not the kept one plus new events (a rewind, a restart,
another model) it starts again from the beginning, exactly as Rasa does. The
loop below follows Domain.states_for_tracker_history of Rasa 3.6 step by step.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

_original = Domain.states_for_tracker_history

CONVERSATIONS_KEPT = 600  # (conversation, arguments) pairs, 3 per conversation; least recently used dropped first


class _Progress:
    """How far one conversation's states have been worked out."""

    def __init__(self, domain: Domain, tracker: DialogueStateTracker) -> None:
        self.domain = domain
        # The applied events replayed so far are its events: it is fed nothing else.
        self.replay = tracker.init_copy()
        self.stamps: List[Tuple[type, float]] = []
        self.states: List[State] = []
        self.last_ml_action_sub_state: Optional[Dict[Text, Text]] = None
        self.turn_was_hidden = False


_kept: OrderedDict[Tuple[Any, ...], _Progress] = OrderedDict()
_kept_lock = threading.Lock()


def _key(tracker: DialogueStateTracker, arguments: Tuple[bool, bool, Optional[Dict[Text, Any]]]) -> Tuple[Any, ...]:
    omit_unset_slots, ignore_rule_only_turns, rule_only_data = arguments
    data = json.dumps(rule_only_data, sort_keys=True, default=str) if rule_only_data else ""
    return (tracker.sender_id, tracker.is_rule_tracker, omit_unset_slots, ignore_rule_only_turns, data)


def _stamp(event: Event) -> Tuple[type, float]:
    return type(event), event.timestamp


def _continues(progress: _Progress, domain: Domain, applied: List[Event]) -> bool:
    """Whether `applied` is what was replayed so far, followed by new events.

    The tracker store hands over new event objects every turn, and comparing
    events field by field would cost more than the replay saved; each event's
    kind and creation time, plus the last one compared in full, tell a history
    that merely grew from one that was rewound or replaced."""
    done = len(progress.stamps)
    if progress.domain is not domain or done > len(applied):
        return False
    if done == 0:
        return True
    if [_stamp(event) for event in applied[:done]] != progress.stamps:
        return False
    return progress.replay.events[-1] == applied[done - 1]


def _state_at(
    domain: Domain,
    replay: DialogueStateTracker,
    hide_rule_turn: bool,
    states: List[State],
    carried: Tuple[Optional[Dict[Text, Text]], bool],
    arguments: Tuple[bool, bool, Optional[Dict[Text, Any]]],
) -> Tuple[Optional[State], Tuple[Optional[Dict[Text, Text]], bool]]:
    """One step of Rasa's loop: the state before an action (None when hidden), and what it carries on."""
    omit_unset_slots, ignore_rule_only_turns, rule_only_data = arguments
    last_ml_action_sub_state, turn_was_hidden = carried
    if ignore_rule_only_turns:
        if not turn_was_hidden:
            last_ml_action_sub_state = domain._get_prev_action_sub_state(replay)
        if not replay.followup_action and not replay.latest_action_name == replay.active_loop_name:
            turn_was_hidden = hide_rule_turn
        if turn_was_hidden:
            return None, (last_ml_action_sub_state, turn_was_hidden)
    state = domain.get_active_state(replay, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = last_ml_action_sub_state
    return domain._clean_state(state), (last_ml_action_sub_state, turn_was_hidden)


def _copy(state: State) -> State:
    # A state is {kind: {feature: str or tuple}}, and its inner dicts can be the
    # tracker's own; callers (TrackerFeaturizer) change the outer two levels.
    return {kind: dict(sub_state) for kind, sub_state in state.items()}


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: Optional[Dict[Text, Any]] = None,
) -> List[State]:
    """Domain.states_for_tracker_history, replaying only the events it has not seen."""
    arguments = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    key = _key(tracker, arguments)
    applied = tracker.applied_events()
    with _kept_lock:
        progress = _kept.pop(key, None)
    if progress is None or not _continues(progress, self, applied):
        progress = _Progress(self, tracker)

    carried = (progress.last_ml_action_sub_state, progress.turn_was_hidden)
    for event in applied[len(progress.stamps) :]:
        if isinstance(event, ActionExecuted):
            state, carried = _state_at(self, progress.replay, event.hide_rule_turn, progress.states, carried, arguments)
            if state is not None:
                progress.states.append(_copy(state))  # its own dicts: the replay goes on changing its tracker
        progress.replay.update(event)
        progress.stamps.append(_stamp(event))
    progress.last_ml_action_sub_state, progress.turn_was_hidden = carried

    # The state now, before the action about to be predicted: not kept, as the
    # next events decide how the loop goes on from here.
    last, _ = _state_at(self, progress.replay, False, progress.states, carried, arguments)
    states = [_copy(state) for state in progress.states]
    if last is not None:
        states.append(_copy(last))

    with _kept_lock:
        _kept[key] = progress
        while len(_kept) > CONVERSATIONS_KEPT:
            _kept.popitem(last=False)
    return states


def apply() -> None:
    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]


def forget() -> None:
    """Drop every kept conversation (tests)."""
    with _kept_lock:
        _kept.clear()
