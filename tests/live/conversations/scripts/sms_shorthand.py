"""Clients who text the way people text: shorthand, no capitals, emoji."""

from tests.live.conversations.script import (
    MON_MORNING,
    OWN_NUMBER,
    RESUMES,
    SAT_MORNING,
    TUE_MORNING,
    WED_MORNING,
    Booking,
    Click,
    Nothing,
    Say,
    Window,
    conversation,
    said,
)

KIND = "sms-shorthand"

CONVERSATIONS = [
    conversation(
        "sms-book-for-thurs",
        KIND,
        MON_MORNING,
        channel="sms",
        why="'bk a massage 4 thurs' opens a booking for Thursday; only the hour is asked",
        opening=["hey can i bk a massage 4 thurs"],
        answers={
            "name": "jess tran",
            "time_of_day": "5pm",
            "service": "60",
            "glutes": "ya",
            "note": "nah",
            "confirm": "yep",
        },
        outcome=Booking(
            name="Jess Tran", phone=OWN_NUMBER, start="2026-12-03T17:00", service="massage_60", glutes=True, note=""
        ),
    ),
    conversation(
        "sms-tomorrow-afternoon",
        KIND,
        TUE_MORNING,
        channel="sms",
        why="'2moro pm' is tomorrow afternoon",
        opening=["need a massage asap, 2moro pm ok?"],
        answers={
            "name": "my name is Devon Clarke",
            "time_of_day": "3",
            "service": "1 hr",
            "glutes": "no",
            "note": "no",
            "confirm": Click("Yes"),
        },
        outcome=Booking(
            name="Devon Clarke",
            phone=OWN_NUMBER,
            start=Window("2026-12-02T12:00", "2026-12-02T17:00"),
            service="massage_60",
            glutes=False,
        ),
    ),
    conversation(
        "sms-thumbs-up-for-glutes",
        KIND,
        WED_MORNING,
        channel="sms",
        why="a thumbs-up at a yes/no question is a yes",
        opening=["can i book a massage pls"],
        answers={
            "name": "my name is Kai Nakamura",
            "time": "fri 4pm",
            "service": "90 min",
            "glutes": "👍",
            "note": "no",
            "confirm": "yes",
        },
        outcome=Booking(
            name="Kai Nakamura", phone=OWN_NUMBER, start="2026-12-04T16:00", service="massage_90", glutes=True, note=""
        ),
    ),
    conversation(
        "sms-hours-question",
        KIND,
        MON_MORNING,
        channel="sms",
        why="a shorthand hours question gets Saturday's hours",
        opening=[Say("wat r ur hrs on sat", said("10 am", "10am")), Say("k thx", said("welcome"))],
        outcome=Nothing(),
    ),
    conversation(
        "sms-everything-at-once",
        KIND,
        WED_MORNING,
        channel="sms",
        why="one text with session, day, time, glutes and name: only the rest is asked",
        opening=["bk 90min fri 3pm w glutes, name sam okafor"],
        answers={"did_you_mean": Click("Yes"), "note": "no", "confirm": Click("Yes")},
        outcome=Booking(
            name="Sam Okafor", phone=OWN_NUMBER, start="2026-12-04T15:00", service="massage_90", glutes=True, note=""
        ),
    ),
    conversation(
        "sms-are-you-a-bot-mid-form",
        KIND,
        SAT_MORNING,
        channel="sms",
        why="'r u a real person' mid-form is answered and the form resumes",
        opening=["hi want to book a massage"],
        answers={
            "name": "Beth Harlow",
            "time": "mon 11am",
            "service": "60 min",
            "glutes": "no",
            "note": "no",
            "confirm": Click("Yes"),
        },
        interrupt={"time": Say("wait r u a real person", said("assistant"), RESUMES)},
        outcome=Booking(
            name="Beth Harlow", phone=OWN_NUMBER, start="2026-12-07T11:00", service="massage_60", glutes=False
        ),
    ),
]
