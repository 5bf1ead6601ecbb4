"""Typos and misspellings, the way people type on a phone in a hurry."""

from tests.live.conversations.script import (
    FRI_NOON,
    SAT_MORNING,
    TUE_MORNING,
    WED_MORNING,
    Booking,
    Nothing,
    Say,
    conversation,
    said,
)

KIND = "typos"

CONVERSATIONS = [
    conversation(
        "typos-booking",
        KIND,
        TUE_MORNING,
        why="a booking typed with typos all the way; 'no tahnks' is no note",
        opening=["cn i bok a masage pls"],
        answers={
            "name": "my name is Jorge Medina",
            "contact": "503 555 0161",
            "time": "frday at 3pm",
            "service": "60 minuts",
            "glutes": "yse",
            "note": "no tahnks",
            "confirm": "yes pls",
        },
        outcome=Booking(
            name="Jorge Medina",
            phone="+15035550161",
            start="2026-12-04T15:00",
            service="massage_60",
            glutes=True,
            note="",
        ),
    ),
    conversation(
        "typos-hours",
        KIND,
        WED_MORNING,
        why="a misspelt hours question still gets Saturday's hours",
        opening=[Say("wat tim r u opn on satrday", said("10 am", "10am"))],
        outcome=Nothing(),
    ),
    conversation(
        "typos-covered",
        KIND,
        SAT_MORNING,
        why="a misspelt draping question: answered, or 'did you mean' and then answered",
        opening=["how wil i be coverd durin the masage"],
        answers={"did_you_mean": "yes"},
        outcome=Nothing(mentioned=("sheet",)),
    ),
    conversation(
        "typos-weekday",
        KIND,
        FRI_NOON,
        why="'tusday' is Tuesday",
        opening=["i'd like to book a massage"],
        answers={
            "name": "my name is Ewa Zielinska",
            "contact": "ewa.z@example.com",
            "time": "tusday 4pm",
            "service": "90 mins",
            "glutes": "no",
            "note": "no",
            "confirm": "yes",
        },
        outcome=Booking(
            name="Ewa Zielinska",
            email="ewa.z@example.com",
            start="2026-12-08T16:00",
            service="massage_90",
            glutes=False,
            note="",
        ),
    ),
    conversation(
        "typos-pregnant-misspelt",
        KIND,
        TUE_MORNING,
        why="'pregant' still tells staff the client is pregnant",
        opening=["im pregant, can i book a massage for thursday at 10am"],
        answers={
            "name": "my name is Bianca Ferri",
            "contact": "503 555 0163",
            "service": "the prenatal one",
            "glutes": "no",
            "note": "no",
            "confirm": "yes",
        },
        outcome=Booking(
            name="Bianca Ferri", phone="+15035550163", start="2026-12-03T10:00", service="prenatal_60", prenatal=True
        ),
    ),
]
