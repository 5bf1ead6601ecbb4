"""Bad input in the middle of a form: emoji, key-mash, 10,000 characters, HTML.
Each gets a clear reply and the same question again; nothing given is lost."""

from tests.live.conversations.script import (
    CLEAR_REPLY,
    MON_MORNING,
    OWN_NUMBER,
    TUE_MORNING,
    WED_MORNING,
    Booking,
    Click,
    Say,
    Seq,
    conversation,
)

KIND = "bad-input"


def junk_then_answer(id, clock, at, junk, answer, channel="rest", why=""):
    answers = {
        "name": "my name is Ruth Abernathy",
        "contact": "503 555 0241",
        "time": "thursday at 11am",
        "service": "60 minutes",
        "glutes": "no",
        "note": "no",
        "confirm": Click("Yes") if channel == "sms" else "yes",
    }
    answers[at] = Seq(Say(junk, CLEAR_REPLY), answer)
    return conversation(
        id,
        KIND,
        clock,
        channel=channel,
        why=why,
        opening=["I'd like to book a massage please"],
        answers=answers,
        outcome=Booking(
            name="Ruth Abernathy",
            phone=OWN_NUMBER if channel == "sms" else "+15035550241",
            start="2026-12-03T11:00",
            service="massage_60",
            glutes=False,
            note="",
        ),
    )


CONVERSATIONS = [
    junk_then_answer(
        "bad-input-emoji-name", TUE_MORNING, "name", "🙂🙂🙂", "I'm Ruth Abernathy", why="emoji for a name: asked again"
    ),
    junk_then_answer(
        "bad-input-key-mash-time",
        MON_MORNING,
        "time",
        "asdfghjkl;",
        "thursday at 11am",
        why="key-mash for a time: asked again",
    ),
    junk_then_answer(
        "bad-input-ten-thousand-characters",
        TUE_MORNING,
        "time",
        "blah " * 2000,
        "thursday at 11am",
        why="10,000 characters for a time: asked again",
    ),
    junk_then_answer(
        "bad-input-html-contact",
        WED_MORNING,
        "contact",
        "<a href='http://x.example'>click me</a>",
        "503 555 0241",
        why="HTML for a contact: asked again",
    ),
    junk_then_answer(
        "bad-input-script-tag-name",
        MON_MORNING,
        "name",
        "<script>alert('hi')</script>",
        "I'm Ruth Abernathy",
        why="a script tag for a name: asked again",
    ),
    junk_then_answer(
        "bad-input-emoji-session-by-text",
        WED_MORNING,
        "service",
        "🤔",
        "60 min",
        channel="sms",
        why="an emoji for a session by text: asked again",
    ),
]
