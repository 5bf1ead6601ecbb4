"""Long notes for the therapist: ordinary ones are stored as written; only a
current warning sign gets the safety answer."""

from tests.live.conversations.script import (
    MON_MORNING,
    OWN_NUMBER,
    SAT_MORNING,
    THU_AFTERNOON,
    TUE_MORNING,
    WED_MORNING,
    Booking,
    Click,
    Nothing,
    conversation,
)

KIND = "long-notes"

GARDENING = (
    "I spent the whole weekend gardening, digging out the old vegetable beds and hauling bags of compost, "
    "and now my lower back and hips feel stiff and achy, especially when I get up from a chair. Nothing dramatic, "
    "it's the usual stiffness I get after a big weekend in the garden, so I'd love some work on my lower back, "
    "hips and the backs of my legs."
)
MARATHON = (
    "I'm training for a marathon in the spring and my hamstrings, calves and glutes are tight after the long runs. "
    "Nothing is injured, it's just tightness that builds up over the week. I like firm pressure, but not so firm "
    "that I'm tensing up, and I'd like the most time on my legs."
)
OLD_WRIST = (
    "I broke my wrist skiing about three years ago. It's completely healed and I have no pain, but I'd rather you "
    "didn't lean on that wrist much. Otherwise I'm mostly after relaxation: it's been a stressful month at work."
)
PREFERENCES = (
    "A female therapist if possible, please. I'm allergic to nut oils, so please use something without them. "
    "I prefer quiet sessions without much chatting, and firm pressure on my upper back and neck, which get tight "
    "from driving for work."
)
NUMB_LEG = (
    "Since Tuesday my right leg has gone numb and tingly from the hip down to my toes, and today it's getting worse. "
    "I was hoping a massage on my lower back and glutes might loosen things up."
)
SMS_NOTE = (
    "desk job + long commute, neck n shoulders always tight, left side worse. like medium pressure. "
    "also a bit self conscious abt my back acne so pls dont mind that lol"
)


def booking_with_note(id, clock, note, stored_note, name, stored_name, contact, when, start, channel="rest", why=""):
    answers = {
        "name": f"my name is {name}",
        "contact": contact,
        "time": when,
        "service": "90 minutes",
        "glutes": "yes",
        "note": note,
        "confirm": Click("Yes") if channel == "sms" else "yes please",
    }
    phone = OWN_NUMBER if channel == "sms" else "+1" + "".join(ch for ch in contact if ch.isdigit())
    return conversation(
        id,
        KIND,
        clock,
        channel=channel,
        why=why,
        opening=["I'd like to book a massage"],
        answers=answers,
        outcome=Booking(
            name=stored_name, phone=phone, start=start, service="massage_90", glutes=True, note=stored_note
        ),
    )


CONVERSATIONS = [
    booking_with_note(
        "long-notes-gardening",
        TUE_MORNING,
        GARDENING,
        "spent the whole weekend gardening",
        "Nell Gwynne",
        "Nell Gwynne",
        "503 555 0191",
        "friday at 1pm",
        "2026-12-04T13:00",
        why="ordinary stiffness after gardening is a note, not a warning sign",
    ),
    booking_with_note(
        "long-notes-marathon",
        WED_MORNING,
        MARATHON,
        "training for a marathon",
        "Ibrahim Toure",
        "Ibrahim Toure",
        "503 555 0192",
        "monday at 5pm",
        "2026-12-07T17:00",
        why="a runner's tight legs are a note",
    ),
    booking_with_note(
        "long-notes-healed-wrist",
        THU_AFTERNOON,
        OLD_WRIST,
        "broke my wrist skiing about three years ago",
        "Maeve Doyle",
        "Maeve Doyle",
        "503 555 0193",
        "saturday at 10am",
        "2026-12-05T10:00",
        why="an old, healed injury is a note, not a current warning sign",
    ),
    booking_with_note(
        "long-notes-preferences",
        MON_MORNING,
        PREFERENCES,
        "allergic to nut oils",
        "Rafael Soto",
        "Rafael Soto",
        "503 555 0194",
        "thursday at 5pm",
        "2026-12-03T17:00",
        why="preferences and an allergy are kept word for word",
    ),
    booking_with_note(
        "long-notes-by-text",
        SAT_MORNING,
        SMS_NOTE,
        "neck n shoulders always tight",
        "Zoe Carter",
        "Zoe Carter",
        "",
        "tues 2pm",
        "2026-12-08T14:00",
        channel="sms",
        why="a long shorthand note by text is kept",
    ),
    conversation(
        "long-notes-numb-leg-now",
        KIND,
        WED_MORNING,
        why="a note describing numbness spreading now gets the safety answer and nothing is booked",
        opening=["I'd like to book a massage"],
        answers={
            "name": "my name is Gordon Mackay",
            "contact": "503 555 0195",
            "time": "friday at 10am",
            "service": "60 minutes",
            "glutes": "yes",
            "note": NUMB_LEG,
        },
        outcome=Nothing("safety"),
    ),
]
