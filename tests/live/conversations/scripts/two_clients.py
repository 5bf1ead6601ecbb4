"""Two clients at once on the same servers, taking turns: neither sees the
other's replies and each finds exactly their own request stored."""

from tests.live.conversations.script import (
    OWN_NUMBER,
    SAT_NIGHT,
    THU_AFTERNOON,
    TUE_MORNING,
    WED_MORNING,
    Booking,
    Callback,
    Click,
    Nothing,
    client,
    interleaved,
)

KIND = "two-clients"

CONVERSATIONS = [
    interleaved(
        "two-clients-web-and-text",
        KIND,
        TUE_MORNING,
        client(
            "two-clients-web-and-text",
            "rest",
            0,
            opening=["I'd like to book a massage"],
            answers={
                "name": "my name is Adaeze Nwankwo",
                "contact": "503 555 0271",
                "time": "thursday at 1pm",
                "service": "60 minutes",
                "glutes": "no",
                "note": "no",
                "confirm": "yes",
            },
            outcome=Booking(
                name="Adaeze Nwankwo", phone="+15035550271", start="2026-12-03T13:00", service="massage_60"
            ),
        ),
        client(
            "two-clients-web-and-text",
            "sms",
            1,
            opening=["hi can i book a massage"],
            answers={
                "name": "my name is Ben Whitaker",
                "time": "fri 3pm",
                "service": "90 min",
                "glutes": "yes",
                "note": "no",
                "confirm": Click("Yes"),
            },
            outcome=Booking(name="Ben Whitaker", phone=OWN_NUMBER, start="2026-12-04T15:00", service="massage_90"),
        ),
        why="a web booking and a text booking side by side",
    ),
    interleaved(
        "two-clients-booking-and-callback",
        KIND,
        SAT_NIGHT,
        client(
            "two-clients-booking-and-callback",
            "rest",
            0,
            opening=["can I book a massage?"],
            answers={
                "name": "my name is Ciara Nolan",
                "contact": "503 555 0272",
                "time": "monday at 10am",
                "service": "60 minutes",
                "glutes": "no",
                "note": "no",
                "confirm": "yes",
            },
            outcome=Booking(name="Ciara Nolan", phone="+15035550272", start="2026-12-07T10:00"),
        ),
        client(
            "two-clients-booking-and-callback",
            "rest",
            1,
            opening=["can a therapist call me on monday?"],
            answers={
                "name": "my name is Dev Patel",
                "contact": "503 555 0273",
                "best_time": "monday at noon",
                "callback_question": "which session helps a stiff lower back",
            },
            outcome=Callback(name="Dev Patel", contact="+15035550273", best_time="monday at noon"),
        ),
        why="a booking and a callback request at the same time after hours",
    ),
    interleaved(
        "two-clients-one-cancels",
        KIND,
        WED_MORNING,
        client(
            "two-clients-one-cancels",
            "rest",
            0,
            opening=["I'd like to book a massage"],
            answers={
                "name": "my name is Eamon Ryan",
                "contact": "503 555 0274",
                "time": "cancel, sorry, I changed my mind",
            },
            outcome=Nothing("cancelled"),
        ),
        client(
            "two-clients-one-cancels",
            "rest",
            1,
            opening=["I'd like to book a massage"],
            answers={
                "name": "my name is Farah Qureshi",
                "contact": "503 555 0275",
                "time": "friday at 1pm",
                "service": "60 minutes",
                "glutes": "yes",
                "note": "no",
                "confirm": "yes",
            },
            outcome=Booking(name="Farah Qureshi", phone="+15035550275", start="2026-12-04T13:00", glutes=True),
        ),
        why="one client cancels; the other's booking is untouched",
    ),
    interleaved(
        "two-clients-same-name",
        KIND,
        THU_AFTERNOON,
        client(
            "two-clients-same-name",
            "rest",
            0,
            opening=["hi, I'd like to book a massage"],
            answers={
                "name": "my name is Alex Kim",
                "contact": "503 555 0276",
                "time": "saturday at 10am",
                "service": "60 minutes",
                "glutes": "no",
                "note": "no",
                "confirm": "yes",
            },
            outcome=Booking(name="Alex Kim", phone="+15035550276", start="2026-12-05T10:00", service="massage_60"),
        ),
        client(
            "two-clients-same-name",
            "rest",
            1,
            opening=["hi, I'd like to book a massage"],
            answers={
                "name": "my name is Alex Kim",
                "contact": "alex.kim@example.com",
                "time": "monday at 4pm",
                "service": "90 minutes",
                "glutes": "yes",
                "note": "no",
                "confirm": "yes",
            },
            outcome=Booking(
                name="Alex Kim", email="alex.kim@example.com", start="2026-12-07T16:00", service="massage_90"
            ),
        ),
        why="two different people with the same name get two separate requests",
    ),
]
