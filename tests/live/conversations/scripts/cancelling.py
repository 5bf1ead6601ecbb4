"""Clients who change their mind: cancel words end the request and nothing is sent."""

from tests.live.conversations.script import (
    MON_MORNING,
    SAT_NIGHT,
    THU_AFTERNOON,
    TUE_MORNING,
    WED_MORNING,
    Click,
    Nothing,
    conversation,
)

KIND = "cancelling"


def cancelled_booking(id, clock, at, words, channel="rest", why=""):
    answers = {
        "name": "my name is Pia Larsen",
        "contact": "503 555 0201",
        "time": "friday at 2pm",
        "service": "60 minutes",
        "glutes": "no",
        "note": "no",
        "confirm": "yes",
    }
    answers[at] = words
    return conversation(
        id,
        KIND,
        clock,
        channel=channel,
        why=why or f"{words!r} at the {at} question",
        opening=["can I book a massage please?"],
        answers=answers,
        outcome=Nothing("cancelled"),
    )


CONVERSATIONS = [
    cancelled_booking("cancelling-at-time", TUE_MORNING, "time", "actually, cancel that, I'll book another time"),
    cancelled_booking("cancelling-never-mind-at-contact", WED_MORNING, "contact", "never mind, forget it"),
    cancelled_booking("cancelling-stop-at-note", MON_MORNING, "note", "stop"),
    cancelled_booking("cancelling-button-at-summary", THU_AFTERNOON, "confirm", Click("Cancel")),
    cancelled_booking("cancelling-by-text", WED_MORNING, "glutes", "nvm dont book it", channel="sms"),
    cancelled_booking("cancelling-scratch-that", MON_MORNING, "service", "scratch that, I don't want to book anymore"),
    conversation(
        "cancelling-callback",
        KIND,
        SAT_NIGHT,
        why="'no need to call me' while giving callback details cancels it",
        opening=["could someone from the team call me?"],
        answers={
            "name": "my name is Viktor Horvat",
            "contact": "503 555 0202",
            "best_time": "forget it, no need to call me",
        },
        outcome=Nothing("cancelled"),
    ),
]
