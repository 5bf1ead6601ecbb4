"""Sessions as clients name them at the "which session?" question."""

from tests.live.conversations.script import (
    FRI_NOON,
    MON_MORNING,
    OWN_NUMBER,
    SAT_MORNING,
    THU_AFTERNOON,
    TUE_MORNING,
    WED_MORNING,
    Booking,
    Click,
    conversation,
)

KIND = "sessions"


def booking_with_session(
    id, clock, answer, key, name, contact, when, start, channel="rest", opening=None, prenatal=None, why=""
):
    answers = {
        "name": f"my name is {name}",
        "contact": contact,
        "time": when,
        "service": answer,
        "glutes": "yes please",
        "note": "no",
        "confirm": Click("Yes") if channel == "sms" else "yes",
    }
    phone = OWN_NUMBER if channel == "sms" else None
    email = contact if "@" in contact else None
    if channel != "sms" and not email:
        phone = "+1" + "".join(ch for ch in contact if ch.isdigit())
    return conversation(
        id,
        KIND,
        clock,
        channel=channel,
        why=why or f"{answer!r} is {key}",
        opening=[opening or "hi, I'd like to book a massage"],
        answers=answers,
        outcome=Booking(name=name, phone=phone, email=email, start=start, service=key, glutes=True, prenatal=prenatal),
    )


CONVERSATIONS = [
    booking_with_session(
        "sessions-normal-hour-long-one",
        WED_MORNING,
        "the normal hour-long one",
        "massage_60",
        "Colm Gallagher",
        "503 555 0141",
        "friday at 1pm",
        "2026-12-04T13:00",
        why="'the normal hour-long one' is the 60-minute massage, not the opening hours",
    ),
    booking_with_session(
        "sessions-regular-hour",
        MON_MORNING,
        "just the regular hour",
        "massage_60",
        "Ayesha Siddiqui",
        "ayesha.s@example.com",
        "tuesday at 2pm",
        "2026-12-01T14:00",
    ),
    booking_with_session(
        "sessions-the-long-one",
        THU_AFTERNOON,
        "the long one",
        "massage_90",
        "Lars Johansson",
        "503 555 0142",
        "saturday at 12pm",
        "2026-12-05T12:00",
    ),
    booking_with_session(
        "sessions-pregnancy-one",
        TUE_MORNING,
        "the pregnancy one",
        "prenatal_60",
        "Rosa Delgado",
        "503 555 0143",
        "thursday at 11am",
        "2026-12-03T11:00",
        opening="hi, I'm 26 weeks pregnant and would love to book a massage",
        prenatal=True,
    ),
    booking_with_session(
        "sessions-thirty",
        FRI_NOON,
        "30",
        "massage_30",
        "Wiremu Tane",
        "503 555 0144",
        "monday at 5pm",
        "2026-12-07T17:00",
        why="a bare '30' is the 30-minute session",
    ),
    booking_with_session(
        "sessions-hour-and-a-half",
        SAT_MORNING,
        "an hour and a half",
        "massage_90",
        "Camille Laurent",
        "camille.laurent@example.fr",
        "wednesday at 10am",
        "2026-12-09T10:00",
    ),
    booking_with_session(
        "sessions-short-back-one",
        WED_MORNING,
        "just the short half hour one for my back",
        "massage_30",
        "Grace Lee",
        "503 555 0145",
        "thursday at 12pm",
        "2026-12-03T12:00",
    ),
    booking_with_session(
        "sessions-ninety-sms",
        TUE_MORNING,
        "90",
        "massage_90",
        "Dmitri Volkov",
        "",
        "fri 2pm",
        "2026-12-04T14:00",
        channel="sms",
    ),
]
