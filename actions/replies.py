"""Send one answer formatted for the channel the client is using.

Web clients get full text and buttons; SMS clients get a shorter plain-text
variant (the SMS channel turns buttons into numbered options).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

SMS_CHANNEL = "sms"

Button = Tuple[str, str]  # (title, payload)

BOOK = ("Book a visit", "/book_appointment")
TALK = ("Talk to a therapist", "/talk_to_therapist")
MORE = ("Ask something else", "/what_can_you_do")
NEXT_STEPS: Tuple[Button, ...] = (BOOK, TALK, MORE)
SMS_NEXT_STEPS: Tuple[Button, ...] = (("Book", BOOK[1]), TALK)


@dataclass(frozen=True)
class Reply:
    web: str
    sms: str
    buttons: Sequence[Button] = NEXT_STEPS
    sms_buttons: Optional[Sequence[Button]] = field(default=SMS_NEXT_STEPS)


def is_sms(tracker: Tracker) -> bool:
    return tracker.get_latest_input_channel() == SMS_CHANNEL


def send(dispatcher: CollectingDispatcher, tracker: Tracker, reply: Reply) -> None:
    if is_sms(tracker):
        buttons = reply.sms_buttons if reply.sms_buttons is not None else reply.buttons
        text = reply.sms
    else:
        buttons, text = reply.buttons, reply.web
    dispatcher.utter_message(text=text, buttons=_as_rasa_buttons(buttons))


def _as_rasa_buttons(buttons: Sequence[Button]) -> List[dict]:
    return [{"title": title, "payload": payload} for title, payload in buttons]
