"""Times the practice can't take: closed days, a holiday, after closing, already
past, too soon, too far ahead. The client hears why and picks another time."""

from tests.live.conversations.script import (
    MON_BEFORE_CHRISTMAS,
    MON_MORNING,
    OWN_NUMBER,
    TUE_AFTERNOON,
    TUE_MORNING,
    WED_MORNING,
    Booking,
    Click,
    Say,
    Window,
    conversation,
    said,
)

KIND = "closed-times"


def refused_then_booked(id, clock, first, reason_words, second, start, name, contact, channel="rest", why=""):
    answers = {
        "name": name,
        "contact": contact,
        "time": [Say(first, said(*reason_words)), second],
        "service": "60 minutes",
        "glutes": "no",
        "note": "no",
        "confirm": Click("Yes") if channel == "sms" else "yes",
    }
    phone = OWN_NUMBER if channel == "sms" else "+1" + "".join(ch for ch in contact if ch.isdigit())
    return conversation(
        id,
        KIND,
        clock,
        channel=channel,
        why=why or f"{first!r} is refused, then {second!r}",
        opening=["hi, can I book a massage?"],
        answers=answers,
        outcome=Booking(name=name.replace("my name is ", ""), phone=phone, start=start, service="massage_60"),
    )


CONVERSATIONS = [
    refused_then_booked(
        "closed-sunday",
        WED_MORNING,
        "sunday at 2",
        ["closed"],
        "monday at 2 then",
        "2026-12-07T14:00",
        "my name is Elif Yilmaz",
        "503 555 0211",
    ),
    refused_then_booked(
        "closed-christmas-day",
        MON_BEFORE_CHRISTMAS,
        "december 25th at 10am",
        ["closed", "christmas"],
        "wednesday the 23rd at 10am",
        "2026-12-23T10:00",
        "my name is Nils Eriksen",
        "503 555 0212",
        why="Christmas Day is a holiday",
    ),
    refused_then_booked(
        "closed-already-past",
        TUE_AFTERNOON,
        "today at 11am",
        ["passed", "past"],
        "today at 5pm then",
        "2026-12-01T17:00",
        "my name is Rania Aziz",
        "503 555 0213",
    ),
    refused_then_booked(
        "closed-too-soon",
        TUE_MORNING,
        "today at 11",
        ["notice", "too soon"],
        "today at 2pm",
        "2026-12-01T14:00",
        "my name is Joaquin Vega",
        "503 555 0214",
    ),
    refused_then_booked(
        "closed-after-friday-closing",
        MON_MORNING,
        "friday at 7pm",
        ["closed", "close"],
        "friday 4pm then",
        "2026-12-04T16:00",
        "my name is Bridget Kelleher",
        "503 555 0215",
    ),
    refused_then_booked(
        "closed-too-far-ahead",
        WED_MORNING,
        "sometime next june",
        ["ahead", "days"],
        "thursday the 10th at 10am",
        "2026-12-10T10:00",
        "my name is Anil Kapoor",
        "503 555 0216",
    ),
    conversation(
        "closed-saturday-evening-picks-suggestion",
        KIND,
        WED_MORNING,
        why="Saturday after closing is refused with open times offered; the client clicks the first",
        opening=["hi, can I book a massage?"],
        answers={
            "name": "my name is Quinn Parker",
            "contact": "quinn.parker@example.com",
            "time": [Say("saturday at 5pm", said("closed")), Click("")],
            "service": "60 minutes",
            "glutes": "no",
            "note": "no",
            "confirm": "yes",
        },
        outcome=Booking(
            name="Quinn Parker",
            email="quinn.parker@example.com",
            start=Window("2026-12-05T10:00", "2026-12-07T10:00"),
            service="massage_60",
        ),
    ),
]
