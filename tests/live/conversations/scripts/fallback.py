"""Unclear messages: after two in a row the client is offered a person, inside a
form or outside one, and a form still goes on with nothing lost."""
from tests.live.conversations.script import (
    OFFER_PERSON, OWN_NUMBER, SAT_NIGHT, THU_AFTERNOON, TUE_MORNING, WED_MORNING, Booking, Callback, Click,
    Nothing, Say, Seq, conversation,
)

KIND = "fallback"

CONVERSATIONS = [
    conversation(
        "fallback-two-unclear-lol", KIND, WED_MORNING,
        why="two unclear messages in a row end in an offer of a person",
        opening=["hmm", Say("ok whatever lol", OFFER_PERSON)],
        answers={"did_you_mean": "no"},
        outcome=Nothing(),
    ),
    conversation(
        "fallback-two-key-mashes", KIND, THU_AFTERNOON,
        why="two key-mashes in a row end in an offer of a person",
        opening=["???", Say("qwpoeiru", OFFER_PERSON)],
        outcome=Nothing(),
    ),
    conversation(
        "fallback-vague-references", KIND, TUE_MORNING,
        why="two vague messages in a row end in an offer of a person",
        opening=["the thing from before", Say("you know, the other one", OFFER_PERSON)],
        outcome=Nothing(),
    ),
    conversation(
        "fallback-in-form-then-continues", KIND, TUE_MORNING,
        why="two unclear answers at the time question: a person is offered, the form goes on, nothing is lost",
        opening=["I'd like to book a massage"],
        answers={"name": "my name is Wanjiru Kamau", "contact": "503 555 0221",
                 "time": Seq("purple monkey dishwasher", Say("zzzz qqq", OFFER_PERSON), "friday at 10am"),
                 "service": "60 minutes", "glutes": "no", "note": "no", "confirm": "yes"},
        outcome=Booking(name="Wanjiru Kamau", phone="+15035550221", start="2026-12-04T10:00", service="massage_60"),
    ),
    conversation(
        "fallback-by-text-in-form", KIND, WED_MORNING, channel="sms",
        why="by text, two unclear answers at the session question: a person is offered, the form goes on",
        opening=["hi can i book a massage"],
        answers={"name": "Lola Brennan", "time": "fri 11am",
                 "service": Seq("???", Say("hmmm idk", OFFER_PERSON), "60 min"),
                 "glutes": "no", "note": "no", "confirm": Click("Yes")},
        outcome=Booking(name="Lola Brennan", phone=OWN_NUMBER, start="2026-12-04T11:00", service="massage_60"),
    ),
    conversation(
        "fallback-accepts-offer-after-hours", KIND, SAT_NIGHT,
        why="after the offer of a person, 'yes please' leads to a callback request",
        opening=["ugh", Say("mmm blah", OFFER_PERSON)],
        answers={"offer_person": "yes please", "name": "my name is Hamish Reid", "contact": "503 555 0222",
                 "best_time": "monday after lunch",
                 "callback_question": "I'm not sure what I need, can someone explain the options"},
        outcome=Callback(name="Hamish Reid", contact="+15035550222", best_time="monday after lunch"),
    ),
    conversation(
        "fallback-accepts-offer-in-hours", KIND, TUE_MORNING,
        why="in opening hours, taking the offer of a person hands over",
        opening=["erm", Say("blah blah", OFFER_PERSON)],
        answers={"offer_person": Click("contact me"), "name": "my name is Selin Kaya",
                 "contact": "selin.kaya@example.com",
                 "callback_question": "I couldn't find what I was looking for"},
        outcome=Callback(name="Selin Kaya", contact="selin.kaya@example.com", open_now=True),
    ),
]
