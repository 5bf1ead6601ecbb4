"""Constants and small helpers shared by the action tests (fixtures live in conftest.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterable, List, Optional, Sequence
from zoneinfo import ZoneInfo

from rasa_sdk.executor import CollectingDispatcher

from bot.requests.store import RequestStore

PRACTICE_TZ = ZoneInfo("America/Los_Angeles")
# Wednesday 10 June 2026, 10:30 am in the practice's time zone: open 09:00-19:00.
OPEN_MOMENT = dt.datetime(2026, 6, 10, 10, 30, tzinfo=PRACTICE_TZ).astimezone(dt.timezone.utc)
# The same Wednesday at 9:30 pm: closed; the next opening is Thursday 9 am.
CLOSED_MOMENT = dt.datetime(2026, 6, 10, 21, 30, tzinfo=PRACTICE_TZ).astimezone(dt.timezone.utc)

WEB_CHANNELS = ("rest", "socketio")
CHANNELS = (*WEB_CHANNELS, "sms")
WEB_SENDER = "web-visitor-1"
SMS_SENDER = "+14155550199"  # an SMS conversation's sender_id is the client's number
SMS_MAX_CHARS = 306  # two GSM-7 segments


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(PRACTICE_TZ)


# -- events and entities as Rasa sends them --------------------------------------------


def entity(text: str, label: str, phrase: str, value: Any = None) -> Dict[str, Any]:
    """An entity as an NLU extractor reports it, located in `text`."""
    start = text.index(phrase)
    return {
        "entity": label,
        "start": start,
        "end": start + len(phrase),
        "value": phrase if value is None else value,
        "extractor": "SpacyEntityExtractor" if label in ("PERSON", "DATE", "TIME") else "RedFlagDetector",
    }


def parse_data(
    text: str,
    intent: Optional[str],
    entities: Sequence[Dict[str, Any]] = (),
    intent_ranking: Optional[Sequence[Dict[str, Any]]] = None,
) -> Dict[str, Any]:
    ranking = (
        list(intent_ranking)
        if intent_ranking is not None
        else ([{"name": intent, "confidence": 0.93}] if intent else [])
    )
    top = ranking[0] if ranking else {"name": intent, "confidence": 0.0}
    return {
        "text": text,
        "intent": {"name": top["name"], "confidence": top.get("confidence", 0.0)},
        "entities": list(entities),
        "intent_ranking": ranking,
    }


def user_event(
    text: str,
    intent: Optional[str] = None,
    channel: str = "rest",
    entities: Sequence[Dict[str, Any]] = (),
    intent_ranking: Optional[Sequence[Dict[str, Any]]] = None,
) -> Dict[str, Any]:
    """A UserUttered event as it appears in a tracker dump."""
    return {
        "event": "user",
        "timestamp": None,
        "text": text,
        "parse_data": parse_data(text, intent, entities, intent_ranking),
        "input_channel": channel,
    }


def bot_event(text: str) -> Dict[str, Any]:
    return {"event": "bot", "timestamp": None, "text": text, "data": {}}


def action_event(name: str) -> Dict[str, Any]:
    return {"event": "action", "timestamp": None, "name": name}


# -- reading results --------------------------------------------------------------


def slot_values(events: Iterable[Dict[str, Any]]) -> Dict[str, Any]:
    """The SlotSet events as {slot: value} (a later event wins)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def only_message(dispatcher: CollectingDispatcher) -> Dict[str, Any]:
    assert len(dispatcher.messages) == 1, dispatcher.messages
    return dispatcher.messages[0]


def only_text(dispatcher: CollectingDispatcher) -> str:
    text = only_message(dispatcher)["text"]
    assert text, dispatcher.messages
    return text


def payloads(message: Dict[str, Any]) -> List[str]:
    return [b["payload"] for b in message.get("buttons") or []]


def titles(message: Dict[str, Any]) -> List[str]:
    return [b["title"] for b in message.get("buttons") or []]


def assert_sms_text(text: str) -> None:
    """Plain ASCII (stays GSM-7) and at most two SMS segments."""
    assert text.isascii(), f"not plain ASCII: {text!r}"
    assert len(text) <= SMS_MAX_CHARS, f"{len(text)} characters: {text!r}"


class StoreWatchingDispatcher(CollectingDispatcher):
    """Notes which requests were already stored each time a reply went out."""

    def __init__(self, store: RequestStore):
        super().__init__()
        self.store = store
        self.stored_when_replying: List[List[str]] = []

    def utter_message(self, *args: Any, **kwargs: Any) -> None:
        self.stored_when_replying.append([r.reference for r in self.store.list_requests("all")])
        super().utter_message(*args, **kwargs)
