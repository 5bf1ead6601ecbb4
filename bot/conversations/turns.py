"""A conversation's events as staff read them: who said what, and what to notice.

Marks on a client's message:
- red_flag: the safety answer ran (intent medical_red_flag, action_red_flag);
- handoff: the client was handed to a therapist (action_handoff, or the assistant paused);
- fallback: the assistant did not understand (nlu_fallback, the two-stage fallback,
  action_default_fallback);
- low_confidence: the classifier's confidence was under LOW_CONFIDENCE;
- boundary: a boundary reply (off-topic, inappropriate, another language);
- grounded: answered by similarity rather than by a trained topic (GROUNDED_ACTIONS);
- held: the message reached staff only (assistant switched off, or a human-only conversation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Set

from bot.conversations.tracker_reader import StoredEvent

LOW_CONFIDENCE = 0.6
RED_FLAG_INTENTS = frozenset({"medical_red_flag"})
RED_FLAG_ACTIONS = frozenset({"action_red_flag"})
FALLBACK_INTENTS = frozenset({"nlu_fallback"})
FALLBACK_ACTIONS = frozenset(
    {
        "action_default_fallback",
        "action_two_stage_fallback",
        "action_default_ask_affirmation",
        "action_default_ask_rephrase",
    }
)
HANDOFF_ACTIONS = frozenset({"action_handoff"})
BOUNDARY_INTENTS = frozenset({"out_of_scope", "inappropriate_request", "other_language"})
# Answers chosen by similarity, not by a trained topic: the practice's own questions
# (actions/own_question.py) and a grounded "closest passage" answer.
GROUNDED_ACTIONS = frozenset({"action_own_question", "action_grounded_answer"})
# Actions that end a turn without being an answer.
_QUIET_ACTIONS = frozenset({"action_listen", "action_session_start", "action_unlikely_intent"})

CLIENT, ASSISTANT, STAFF, NOTE = "client", "assistant", "staff", "note"


@dataclass
class Turn:
    kind: str  # CLIENT, ASSISTANT, STAFF or NOTE
    text: str
    at: dt.datetime
    event_id: int
    intent: Optional[str] = None
    confidence: Optional[float] = None
    channel: str = ""
    staff: str = ""  # who wrote a STAFF turn
    marks: Set[str] = field(default_factory=set)
    answered_by: List[str] = field(default_factory=list)  # actions run for a CLIENT turn
    closest: Optional[str] = None  # the best-ranked topic other than the fallback
    closest_confidence: Optional[float] = None


def _intent(event: StoredEvent) -> tuple:
    intent = (event.data.get("parse_data") or {}).get("intent") or {}
    name = intent.get("name") or event.intent_name
    confidence = intent.get("confidence")
    return name, (float(confidence) if isinstance(confidence, (int, float)) else None)


def _closest(event: StoredEvent) -> tuple:
    for ranked in (event.data.get("parse_data") or {}).get("intent_ranking") or []:
        name = ranked.get("name")
        if name and name not in FALLBACK_INTENTS:
            confidence = ranked.get("confidence")
            return name, (float(confidence) if isinstance(confidence, (int, float)) else None)
    return None, None


def transcript(events: Iterable[StoredEvent]) -> List[Turn]:
    """The conversation as turns, oldest first, with marks on the client's messages."""
    turns: List[Turn] = []
    last_client: Optional[Turn] = None
    paused = False
    for event in events:
        kind = event.type_name
        if kind == "user":
            text = event.data.get("text") or ""
            name, confidence = _intent(event)
            metadata = event.data.get("metadata") or {}
            turn = Turn(CLIENT, text, event.at, event.id, name, confidence, event.data.get("input_channel") or "")
            turn.closest, turn.closest_confidence = _closest(event)
            if metadata.get("held_for_staff"):
                turn.marks.add("held")
            else:
                if name in RED_FLAG_INTENTS:
                    turn.marks.add("red_flag")
                if name in FALLBACK_INTENTS:
                    turn.marks.add("fallback")
                if name in BOUNDARY_INTENTS:
                    turn.marks.add("boundary")
                if confidence is not None and confidence < LOW_CONFIDENCE and not text.startswith("/"):
                    turn.marks.add("low_confidence")
            turns.append(turn)
            last_client = turn
        elif kind == "bot":
            text = event.data.get("text") or ""
            staff = ((event.data.get("metadata") or {}).get("staff")) or ""
            if text:
                turns.append(Turn(STAFF if staff else ASSISTANT, text, event.at, event.id, staff=str(staff)))
        elif kind == "action":
            name = event.action_name or event.data.get("name") or ""
            if last_client is not None and name not in _QUIET_ACTIONS:
                last_client.answered_by.append(name)
                if name in RED_FLAG_ACTIONS:
                    last_client.marks.add("red_flag")
                if name in FALLBACK_ACTIONS:
                    last_client.marks.add("fallback")
                if name in HANDOFF_ACTIONS:
                    last_client.marks.add("handoff")
                if name in GROUNDED_ACTIONS:
                    last_client.marks.add("grounded")
            if name in HANDOFF_ACTIONS:
                turns.append(Turn(NOTE, "Handed over to a therapist", event.at, event.id))
        elif kind == "pause" and not paused:
            paused = True
            if last_client is not None:
                last_client.marks.add("handoff")
            turns.append(Turn(NOTE, "The assistant paused itself: waiting for staff", event.at, event.id))
        elif kind in ("resume", "restart", "session_started"):
            if paused:
                turns.append(Turn(NOTE, "The assistant is back on", event.at, event.id))
            paused = False
            if kind == "restart":
                turns.append(Turn(NOTE, "The client started over", event.at, event.id))
    return turns


@dataclass
class Summary:
    sender_id: str
    channel: str = ""
    started_at: Optional[dt.datetime] = None
    last_at: Optional[dt.datetime] = None
    client_messages: int = 0
    last_client_text: str = ""
    red_flag: bool = False
    handoff: bool = False
    fallbacks: int = 0
    paused: bool = False
    unanswered: bool = False  # the client's last message got no reply from the assistant or staff
    staff_replied: bool = False
    topics: List[str] = field(default_factory=list)


def summarize(sender_id: str, events: Iterable[StoredEvent]) -> Summary:
    events = list(events)
    summary = Summary(sender_id)
    turns = transcript(events)
    for event in events:
        if summary.started_at is None:
            summary.started_at = event.at
        summary.last_at = event.at
        if event.type_name == "pause":
            summary.paused = True
        elif event.type_name in ("resume", "restart", "session_started"):
            summary.paused = False
    waiting = False
    for turn in turns:
        if turn.kind == CLIENT:
            summary.client_messages += 1
            summary.last_client_text = turn.text
            summary.channel = summary.channel or turn.channel
            summary.red_flag |= "red_flag" in turn.marks
            summary.handoff |= "handoff" in turn.marks
            summary.fallbacks += "fallback" in turn.marks
            if turn.intent and "held" not in turn.marks:
                summary.topics.append(turn.intent)
            waiting = True
        elif turn.kind in (ASSISTANT, STAFF):
            waiting = False
            summary.staff_replied |= turn.kind == STAFF
    summary.unanswered = waiting
    return summary


def summaries(events: Iterable[StoredEvent]) -> Dict[str, Summary]:
    """One Summary per conversation in a mixed list of events."""
    by_sender: Dict[str, List[StoredEvent]] = {}
    for event in events:
        by_sender.setdefault(event.sender_id, []).append(event)
    return {sender: summarize(sender, own) for sender, own in by_sender.items()}
