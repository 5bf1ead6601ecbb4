"""Clients who change their mind or fix a detail, at the summary or mid-form."""
from tests.live.conversations.script import (
    FRI_NOON, MON_MORNING, TUE_MORNING, WED_MORNING, Booking, Click, Say, asks, conversation,
)

KIND = "corrections"

CONVERSATIONS = [
    conversation(
        "corrections-time-at-summary", KIND, TUE_MORNING,
        why="'make it 3pm instead' at the summary moves the time and shows the summary again",
        opening=["I'd like to book a massage"],
        answers={"name": "my name is Nadia Petrova", "contact": "503 555 0171", "time": "thursday at 2pm",
                 "service": "60 minutes", "glutes": "no", "note": "no",
                 "confirm": ["actually can we make it 3pm instead of 2?", "yes, that's right now"]},
        outcome=Booking(name="Nadia Petrova", phone="+15035550171", start="2026-12-03T15:00", service="massage_60"),
    ),
    conversation(
        "corrections-new-phone-number", KIND, WED_MORNING,
        why="'no' at the summary, then a new number replaces the old one",
        opening=["can I book a 90 minute massage?"],
        answers={"name": "my name is Connor Walsh", "contact": ["503 555 0175", "503 555 0176"],
                 "time": "friday at 11am", "glutes": "yes", "note": "no",
                 "confirm": [Say("no", asks("change")), "yes"], "change": "my phone number"},
        outcome=Booking(name="Connor Walsh", phone="+15035550176", start="2026-12-04T11:00", service="massage_90"),
    ),
    conversation(
        "corrections-full-name-at-summary", KIND, MON_MORNING,
        why="'the name should be X, not Y' at the summary fixes the name",
        opening=["hi, booking a massage please"],
        answers={"name": "my name is Kasia", "contact": "kasia.nowak@example.pl", "time": "wednesday at 1pm",
                 "service": "60 minutes", "glutes": "no", "note": "no",
                 "confirm": ["oh, the name should be Katarzyna Nowak, not Kasia", "yes that's it"]},
        outcome=Booking(name="Katarzyna Nowak", email="kasia.nowak@example.pl", start="2026-12-02T13:00"),
    ),
    conversation(
        "corrections-day-mid-form", KIND, FRI_NOON,
        why="'I meant wednesday not tuesday' at the next question moves the day, keeps the hour",
        opening=["could I book a massage please"],
        answers={"name": "my name is Femi Adebayo", "contact": "503 555 0177", "time": "tuesday at 10am",
                 "service": "oh wait, I meant wednesday not tuesday. the 60 minute one please",
                 "glutes": "no", "note": "no", "confirm": "yes"},
        outcome=Booking(name="Femi Adebayo", phone="+15035550177", start="2026-12-09T10:00", service="massage_60"),
    ),
    conversation(
        "corrections-skip-glutes-after-all", KIND, TUE_MORNING,
        why="'actually skip the glutes' at the note question changes the glutes and leaves no note",
        opening=["book me in for a massage"],
        answers={"name": "my name is Harriet Vane", "contact": "503 555 0178", "time": "friday at 3pm",
                 "service": "90 minutes", "glutes": "yes",
                 "note": "actually, skip the glutes after all. nothing else to add", "confirm": "yes"},
        outcome=Booking(name="Harriet Vane", phone="+15035550178", start="2026-12-04T15:00", service="massage_90",
                        glutes=False, note=""),
    ),
    conversation(
        "corrections-change-button", KIND, MON_MORNING,
        why="'Change something', then 'Day and time', then a new day",
        opening=["I want to book a massage"],
        answers={"name": "my name is Ahmed Karimi", "contact": "ahmed.k@example.com", "time": ["wednesday 11am",
                                                                                               "friday 11am"],
                 "service": "60 minutes", "glutes": "no", "note": "no",
                 "confirm": [Click("Change"), "yes"], "change": Click("Day and time")},
        outcome=Booking(name="Ahmed Karimi", email="ahmed.k@example.com", start="2026-12-04T11:00",
                        service="massage_60"),
    ),
]
