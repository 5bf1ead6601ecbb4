"""Conversations written with Rasa's own SQLTrackerStore, for tests that read them back."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

BASE = dt.datetime(2026, 6, 2, 17, 0, tzinfo=dt.timezone.utc).timestamp()  # Tuesday 10:00 in Portland


def user(text: str, intent: str, confidence: float = 0.95, channel: str = "socketio", **extra: Any) -> UserUttered:
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
    parse["intent_ranking"] = [{"name": intent, "confidence": confidence}] + extra.pop("ranking", [])
    return UserUttered(text, intent=parse["intent"], parse_data=parse, input_channel=channel, **extra)


def action(name: str) -> ActionExecuted:
    return ActionExecuted(name)


def bot(text: str, **metadata: Any) -> BotUttered:
    return BotUttered(text, metadata=metadata or None)


def stamped(events: List[Event], start: float = BASE, step: float = 5.0) -> List[Event]:
    for index, event in enumerate(events):
        event.timestamp = start + index * step
    return events


def write_conversations(path: Path, conversations: Dict[str, List[Event]]) -> str:
    """Save each conversation as Rasa does; returns the SQLAlchemy URL."""

    async def save_all() -> None:
        store = SQLTrackerStore(dialect="sqlite", db=str(path))
        for sender, events in conversations.items():
            await store.save(DialogueStateTracker.from_events(sender, events))
        store.engine.dispose()

    asyncio.run(save_all())
    return f"sqlite:///{path}"


def handoff_conversation(start: float = BASE, channel: str = "socketio") -> List[Event]:
    return stamped(
        [
            action("action_session_start"),
            SessionStarted(),
            action("action_listen"),
            user("does glute work help a stiff hip?", "conditions_helped", 0.41, channel),
            action("utter_conditions_helped"),
            bot("It may help."),
            action("action_listen"),
            user("my calf is swollen and hot", "medical_red_flag", 1.0, channel),
            action("action_red_flag"),
            bot("Please see a doctor first."),
            action("action_listen"),
            user("qwxz blorp", "nlu_fallback", 0.3, channel),
            action("action_two_stage_fallback"),
            bot("Sorry, I want to be sure I understood."),
            action("action_listen"),
            user("can I talk to a person", "talk_to_therapist", 0.99, channel),
            action("action_handoff"),
            bot("Of course. A therapist will get back to you shortly."),
            ConversationPaused(),
            user("<script>alert(1)</script> hello?", "greet", 0.9, channel),
        ],
        start,
    )


def resumed(events: List[Event], start: Optional[float] = None) -> List[Event]:
    last = events[-1].timestamp
    return events + stamped(
        [bot("Hi, it's Maya from the studio.", staff="maya"), ConversationResumed(), action("action_listen")],
        start or last + 5,
    )
