"""What the public channels themselves say to a client, in one place.

These are the few replies that come from the channel, not from the bot: asking
what the client would like to know, saying a long message was cut, asking them to
slow down, and explaining a silence (part of the system is down). Each has a
chat wording (REST and the web widget) and a shorter SMS wording. The practice's
phone and emergency number are passed in: the practice profile is their only source.
"""

from __future__ import annotations

from typing import Optional

CHAT = "chat"
SMS = "sms"

# Why a message got no reply, as found by bot.channels.outage.
BOOKING = "booking"
THERAPIST = "therapist"
SAFETY = "safety"
PRACTICE_INFO = "practice_info"
UNKNOWN_PART = "unknown_part"  # the action server is down; which flow is unknown
WITH_STAFF = "with_staff"  # the assistant paused itself: a therapist is taking over


def _call(phone: Optional[str]) -> str:
    return f"call us at {phone}" if phone else "call us"


def empty_prompt(style: str) -> str:
    # Short enough for one SMS, so both channels say the same.
    return "Hi! What would you like to know? Please type your question, for example: What are your hours?"


def cut_notice(style: str) -> str:
    if style == SMS:
        return "Your text was long, so I only read the first part."
    return (
        "Your message was long, so I only read the first part. "
        "If I missed something, please send it in a shorter message."
    )


def slow_down(style: str) -> str:
    if style == SMS:
        return (
            "You're texting faster than I can read, so I skipped your last message. Please wait a moment and "
            "send it again."
        )
    return (
        "You're sending messages a little fast, so I skipped the last one. Please wait a few seconds and send it again."
    )


def trouble(style: str, phone: Optional[str]) -> str:
    """The bot failed, or said nothing, for a reason we can't name."""
    return f"Sorry, I'm having trouble right now. Please try again in a few minutes, or {_call(phone)}."


def with_staff(style: str) -> str:
    """The conversation was handed to a person; the assistant stays out of it."""
    if style == SMS:
        return "A therapist has your details and will be in touch shortly."
    return "A therapist has your details and will be in touch shortly. I've stepped back so they can take over."


def team_will_reply(style: str) -> str:
    """Staff have this conversation: the assistant is switched off, or it is human-only."""
    if style == SMS:
        return "Thanks for your message. Someone from our team will text you back soon."
    return "Thanks for your message. Someone from our team will reply here soon."


def unavailable(part: str, style: str, phone: Optional[str], emergency_number: Optional[str] = None) -> str:
    """The action server is down, so `part` of the assistant can't answer."""
    where = "by text" if style == SMS else "here"
    call = _call(phone)
    if part == BOOKING:
        if style == SMS:
            return f"Sorry, booking by text is briefly unavailable. Please {call} and we'll find you a time."
        return f"Sorry, booking here is briefly unavailable. Please {call} and we'll find you a time."
    if part == THERAPIST:
        return f"Sorry, talking to a therapist {where} is briefly unavailable. Please {call} to speak with someone."
    if part == SAFETY:
        urgent = f"call {emergency_number}" if emergency_number else "call emergency services"
        return (
            f"Sorry, I can't answer that properly right now. If this feels urgent, please {urgent} "
            f"or see a doctor. For anything else, {call}."
        )
    if part == PRACTICE_INFO:
        return f"Sorry, I can't look that up right now. Please {call}, or try again in a few minutes."
    return f"Sorry, booking and talking to a therapist are briefly unavailable {where}. Please {call}."
