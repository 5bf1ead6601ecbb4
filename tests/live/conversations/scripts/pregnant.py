"""Pregnant clients: the prenatal session, questions on the way, notes about
comfort, and a warning sign that must stop the booking."""
from tests.live.conversations.script import (
    OWN_NUMBER, RESUMES, SAT_NIGHT, THU_AFTERNOON, TUE_MORNING, WED_MORNING, Booking, Callback, Click, Nothing,
    Say, conversation, said,
)

KIND = "pregnant"

CONVERSATIONS = [
    conversation(
        "pregnant-sore-hips", KIND, TUE_MORNING,
        why="a pregnant client books the prenatal massage; staff see the prenatal flag",
        opening=["I'm 24 weeks pregnant and my hips ache, could I book a massage?"],
        # Answered with the pregnancy facts first? The client takes the "Book" button offered.
        answers={"nothing_asked": Click("Book"), "name": "my name is Hana Suzuki-Brown", "contact": "503 555 0151",
                 "time": "friday at 10am", "service": "the prenatal one", "glutes": "yes, my hips need it",
                 "note": "no", "confirm": "yes please"},
        outcome=Booking(name="Hana Suzuki-Brown", phone="+15035550151", start="2026-12-04T10:00",
                        service="prenatal_60", glutes=True, note="", prenatal=True),
    ),
    conversation(
        "pregnant-asks-if-safe-mid-form", KIND, WED_MORNING,
        why="'is it safe in the third trimester?' mid-form gets the pregnancy answer and the form resumes",
        opening=["hello, could I book a prenatal massage?"],
        answers={"name": "my name is Leilani Kahale", "contact": "leilani.k@example.com", "time": "monday at 1pm",
                 "service": "prenatal", "glutes": "no", "note": "no thanks", "confirm": "yes"},
        interrupt={"time": Say("is it safe in the third trimester?", said("pregnan", "midwife"), RESUMES)},
        outcome=Booking(name="Leilani Kahale", email="leilani.k@example.com", start="2026-12-07T13:00",
                        service="prenatal_60", glutes=False, note="", prenatal=True),
    ),
    conversation(
        "pregnant-side-lying-note", KIND, THU_AFTERNOON,
        why="a comfort note from a pregnant client is the note, not a warning sign",
        opening=["hi! I'm expecting my first baby in March, can I book a massage?"],
        answers={"name": "my name is Sofia Andersson", "contact": "503 555 0152", "time": "saturday at 1pm",
                 "service": "the 60 minute prenatal massage", "glutes": "yes",
                 "note": "Lying on my front isn't comfortable any more, could I lie on my side?",
                 "confirm": "perfect, yes"},
        outcome=Booking(name="Sofia Andersson", phone="+15035550152", start="2026-12-05T13:00", service="prenatal_60",
                        glutes=True, note="lie on my side", prenatal=True),
    ),
    conversation(
        "pregnant-warning-in-note", KIND, TUE_MORNING,
        why="bleeding and cramps described in the note get the safety answer, and nothing is booked",
        opening=["I'm 30 weeks pregnant and would like to book a massage"],
        # Answered with the pregnancy facts first? The client takes the "Book" button offered.
        answers={"nothing_asked": Click("Book"), "name": "my name is Olivia Gray", "contact": "503 555 0153",
                 "time": "thursday at 2pm",
                 "service": "prenatal", "glutes": "no",
                 "note": "I've had some bleeding and cramping since this morning"},
        outcome=Nothing("safety"),
    ),
    conversation(
        "pregnant-by-text", KIND, THU_AFTERNOON, channel="sms",
        why="by text: asks first, then books for a day; only the time is asked after",
        opening=[Say("hi im 30wks preg, do u do massage for that?", said("pregnan", "prenatal")),
                 "ok can i book 1 for fri"],
        answers={"name": "my name is Tiana Brooks", "time_of_day": "1pm", "service": "prenatal", "glutes": "no",
                 "note": "no", "confirm": Click("Yes")},
        outcome=Booking(name="Tiana Brooks", phone=OWN_NUMBER, start="2026-12-04T13:00", service="prenatal_60",
                        glutes=False, prenatal=True),
    ),
    conversation(
        "pregnant-high-risk-callback", KIND, SAT_NIGHT,
        why="a high-risk pregnancy asks for a therapist after hours: a callback request",
        opening=["my pregnancy is high risk, can I talk to a therapist before I book anything?"],
        answers={"nothing_asked": Click("Talk to a therapist"), "name": "my name is Amani Njoroge",
                 "contact": "amani.njoroge@example.com", "best_time": "monday morning",
                 "callback_question": "whether massage is okay with a high-risk pregnancy"},
        outcome=Callback(name="Amani Njoroge", contact="amani.njoroge@example.com", best_time="monday morning"),
    ),
]
