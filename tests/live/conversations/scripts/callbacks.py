"""Asking for a person. After hours: a callback request with a good time to call.
In opening hours: a therapist takes over now."""

from tests.live.conversations.script import (
    OWN_NUMBER,
    SAT_NIGHT,
    SUN_AFTERNOON,
    TUE_EVENING,
    TUE_MORNING,
    WED_MORNING,
    Callback,
    conversation,
)

AFTER_HOURS = "after-hours"
IN_HOURS = "in-hours"

CONVERSATIONS = [
    conversation(
        "after-hours-email-contact",
        AFTER_HOURS,
        SAT_NIGHT,
        why="an email contact: nobody promises to call an email address",
        opening=["I'd like a therapist to call me back please"],
        answers={
            "name": "my name is Hiroshi Tanaka",
            "contact": "hiroshi.tanaka@example.com",
            "best_time": "monday after 1pm",
            "callback_question": "whether glute work could help my sciatica",
        },
        outcome=Callback(
            name="Hiroshi Tanaka",
            contact="hiroshi.tanaka@example.com",
            best_time="monday after 1pm",
            question="sciatica",
        ),
    ),
    conversation(
        "after-hours-sunday-phone",
        AFTER_HOURS,
        SUN_AFTERNOON,
        why="on a Sunday: a callback for Monday lunchtime",
        opening=["I'd like to speak with one of your therapists"],
        answers={
            "name": "my name is Beatriz Souza",
            "contact": "503-555-0190",
            "best_time": "monday lunchtime",
            "callback_question": "I want to know if massage helps with tension headaches",
        },
        outcome=Callback(
            name="Beatriz Souza", contact="+15035550190", best_time="monday lunchtime", question="tension headaches"
        ),
    ),
    conversation(
        "after-hours-by-text",
        AFTER_HOURS,
        TUE_EVENING,
        channel="sms",
        why="by text in the evening: the number they text from is the contact",
        opening=["can someone get back to me tmrw? got a q about prenatal massage"],
        answers={
            "name": "my name is Carmen Ortiz",
            "best_time": "after 10am",
            "callback_question": "is the second trimester ok for a massage",
        },
        outcome=Callback(name="Carmen Ortiz", contact=OWN_NUMBER, best_time="after 10am"),
    ),
    conversation(
        "after-hours-one-word-name",
        AFTER_HOURS,
        SAT_NIGHT,
        why="one-word name, email contact, a practical question",
        opening=["talk to a person please"],
        answers={
            "name": "my name is Sione",
            "contact": "sione.t@example.net",
            "best_time": "any time monday",
            "callback_question": "I'd like to buy a gift card for my mum",
        },
        outcome=Callback(
            name="Sione", contact="sione.t@example.net", best_time="any time monday", question="gift card"
        ),
    ),
    conversation(
        "after-hours-recent-surgery-question",
        AFTER_HOURS,
        SUN_AFTERNOON,
        why="a recent surgery in the callback question: safety advice is fine, the callback is still taken",
        opening=["can a therapist ring me tomorrow?"],
        answers={
            "name": "my name is Graham Fletcher",
            "contact": "503 555 0251",
            "best_time": "tomorrow morning",
            "callback_question": "I had knee surgery two weeks ago and want to know when I can come in",
        },
        outcome=Callback(
            name="Graham Fletcher", contact="+15035550251", best_time="tomorrow morning", question="knee surgery"
        ),
        allow=("safety",),
    ),
    conversation(
        "in-hours-real-person",
        IN_HOURS,
        TUE_MORNING,
        why="asks for a real person in opening hours: name and contact, then a therapist takes over",
        opening=["can I speak to a real person please"],
        answers={
            "name": "my name is Ananya Krishnan",
            "contact": "503 555 0252",
            "callback_question": "I want to ask about booking for two people at once",
        },
        outcome=Callback(name="Ananya Krishnan", contact="+15035550252", open_now=True),
    ),
    conversation(
        "in-hours-mid-booking",
        IN_HOURS,
        WED_MORNING,
        why="asks for a person in the middle of booking: handed over, name and contact not asked again",
        opening=["I'd like to book a massage"],
        answers={
            "name": "my name is Tobias Keller",
            "contact": "503 555 0253",
            "time": "actually, can I just talk to someone?",
            "callback_question": "I'd like to book a couples massage",
        },
        outcome=Callback(name="Tobias Keller", contact="+15035550253", open_now=True),
    ),
    conversation(
        "in-hours-by-text",
        IN_HOURS,
        WED_MORNING,
        channel="sms",
        why="'talk to human pls' by text in opening hours",
        opening=["talk to human pls"],
        answers={"name": "my name is marcus lee", "callback_question": "need to move my appt on fri"},
        outcome=Callback(name="Marcus Lee", contact=OWN_NUMBER, open_now=True),
    ),
]
