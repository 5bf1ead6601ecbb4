"""Clients who ask a question in the middle of the form: it is answered, and the
form comes back to the question it was on, with nothing given so far lost."""

from tests.live.conversations.script import (
    FRI_NOON,
    MON_MORNING,
    RESUMES,
    SAT_MORNING,
    THU_AFTERNOON,
    TUE_MORNING,
    WED_MORNING,
    Booking,
    Say,
    conversation,
    said,
)

KIND = "interruptions"


def interrupted_booking(id, clock, at, question, answer_says, name, contact, when, start, why=""):
    answers = {
        "name": f"my name is {name}",
        "contact": contact,
        "time": when,
        "service": "the 90 minute massage",
        "glutes": "yes",
        "note": "no",
        "confirm": "yes",
    }
    phone = None if "@" in contact else "+1" + "".join(ch for ch in contact if ch.isdigit())
    return conversation(
        id,
        KIND,
        clock,
        why=why or f"{question!r} at the {at} question",
        opening=["hello, I'd like to book a massage"],
        answers=answers,
        interrupt={at: Say(question, said(*answer_says), RESUMES)},
        outcome=Booking(
            name=name,
            phone=phone,
            email=contact if "@" in contact else None,
            start=start,
            service="massage_90",
            glutes=True,
            note="",
        ),
    )


CONVERSATIONS = [
    interrupted_booking(
        "interruptions-price-at-session",
        WED_MORNING,
        "service",
        "how much is the 90 minute one?",
        ["$135"],
        "Sunita Rao",
        "503 555 0181",
        "friday at 9am",
        "2026-12-04T09:00",
    ),
    interrupted_booking(
        "interruptions-saturday-hours-at-time",
        MON_MORNING,
        "time",
        "are you open on saturdays?",
        ["10 am", "10am"],
        "Gareth Evans",
        "503 555 0182",
        "saturday at 1pm",
        "2026-12-05T13:00",
    ),
    interrupted_booking(
        "interruptions-insurance-at-contact",
        TUE_MORNING,
        "contact",
        "do you take insurance?",
        ["insurance", "receipt"],
        "Lucia Bianchi",
        "lucia.b@example.it",
        "thursday at 5pm",
        "2026-12-03T17:00",
    ),
    interrupted_booking(
        "interruptions-parking-at-note",
        THU_AFTERNOON,
        "note",
        "is there parking near you?",
        ["parking"],
        "Samir Haddad",
        "503 555 0183",
        "monday at 3pm",
        "2026-12-07T15:00",
    ),
    interrupted_booking(
        "interruptions-why-glutes-at-glutes",
        FRI_NOON,
        "glutes",
        "why would I want my glutes done?",
        ["every step", "upper and lower body"],
        "Olga Ivanova",
        "503 555 0184",
        "tuesday at 12pm",
        "2026-12-08T12:00",
    ),
    interrupted_booking(
        "interruptions-underwear-at-name",
        SAT_MORNING,
        "name",
        "do I have to take my underwear off?",
        ["up to you", "your choice"],
        "Thandiwe Zulu",
        "503 555 0185",
        "wednesday at 2pm",
        "2026-12-09T14:00",
    ),
    interrupted_booking(
        "interruptions-cancel-policy-at-summary",
        TUE_MORNING,
        "confirm",
        "what happens if I need to cancel later?",
        ["24 hours"],
        "Pedro Alves",
        "503 555 0186",
        "friday at 4pm",
        "2026-12-04T16:00",
    ),
]
