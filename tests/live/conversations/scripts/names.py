"""Names as people write them: lead-ins, lowercase, one word, hyphens and
apostrophes, accents, and names from many cultures. The rest of each booking
is plain, so a failure here is about the name."""
from tests.live.conversations.script import (
    FRI_NOON, MON_MORNING, OWN_NUMBER, SAT_MORNING, THU_AFTERNOON, TUE_MORNING, WED_MORNING, Booking, Click,
    conversation,
)

KIND = "names"


def booking_with_name(id, answer, stored, clock=TUE_MORNING, channel="rest", why="", **details):
    """A plain booking where only the name is interesting."""
    answers = {"name": answer, "contact": details.pop("contact", "503 555 0111"),
               "time": details.pop("time", "thursday at 1pm"), "service": details.pop("service", "60 minutes"),
               "glutes": details.pop("glutes", "no"), "note": details.pop("note", "no"),
               "confirm": details.pop("confirm", "yes")}
    opening = details.pop("opening", "I'd like to book a massage please")
    outcome = Booking(name=stored, **details)
    return conversation(id, KIND, clock, channel=channel, why=why or f"the name answered as {answer!r}",
                        opening=[opening], answers=answers, outcome=outcome)


CONVERSATIONS = [
    booking_with_name("names-plain-first-last", "Marisol Quintero", "Marisol Quintero",
                      why="a plain first and last name is the name, never a cancellation",
                      phone="+15035550111", start="2026-12-03T13:00", service="massage_60"),
    booking_with_name("names-plain-first-last-email", "Dana Kowalski", "Dana Kowalski",
                      clock=THU_AFTERNOON, contact="dana.k@example.com", time="friday at 9am",
                      email="dana.k@example.com", start="2026-12-04T09:00"),
    booking_with_name("names-names-lead-in", "Name's Dana Kowalski", "Dana Kowalski",
                      why="\"Name's X\" stores X, never 'Name X'",
                      clock=MON_MORNING, contact="503 555 0110", time="thursday at 3pm",
                      phone="+15035550110", start="2026-12-03T15:00"),
    booking_with_name("names-names-lead-in-email", "Name's Rhys Pritchard", "Rhys Pritchard",
                      clock=WED_MORNING, contact="rhys.pritchard@example.com", time="friday at 10am",
                      email="rhys.pritchard@example.com", start="2026-12-04T10:00"),
    booking_with_name("names-its-lead-in", "it's Aroha Ngata", "Aroha Ngata",
                      clock=MON_MORNING, contact="503 555 0112", time="tuesday at 3pm",
                      phone="+15035550112", start="2026-12-01T15:00"),
    booking_with_name("names-here", "Kenji here", "Kenji",
                      clock=FRI_NOON, contact="503 555 0113", time="monday at noon",
                      phone="+15035550113", start="2026-12-07T12:00"),
    booking_with_name("names-lowercase", "priya raman", "Priya Raman",
                      clock=THU_AFTERNOON, contact="priya.raman@example.com", time="saturday at 2pm",
                      email="priya.raman@example.com", start="2026-12-05T14:00"),
    booking_with_name("names-one-word", "Tomasz", "Tomasz",
                      clock=SAT_MORNING, contact="503 555 0114", time="wednesday at 4pm",
                      phone="+15035550114", start="2026-12-09T16:00"),
    booking_with_name("names-hyphen-apostrophe", "Mary-Jane O'Connell", "Mary-Jane O'Connell",
                      contact="503 555 0115", time="friday at 11am", phone="+15035550115", start="2026-12-04T11:00"),
    booking_with_name("names-irish-accents", "Siobhán Ní Bhriain", "Siobhán Ní Bhriain",
                      clock=WED_MORNING, contact="siobhan@example.ie", time="thursday at 6pm",
                      email="siobhan@example.ie", start="2026-12-03T18:00"),
    booking_with_name("names-vietnamese-sms", "Nguyễn Thị Lan", "Nguyễn Thị Lan", channel="sms",
                      clock=MON_MORNING, time="wed 10am", confirm=Click("Yes"), phone=OWN_NUMBER,
                      start="2026-12-02T10:00"),
    booking_with_name("names-my-name-is", "my name is Oluwaseun Adeyemi", "Oluwaseun Adeyemi",
                      clock=FRI_NOON, contact="503 555 0116", time="tuesday at 1pm",
                      phone="+15035550116", start="2026-12-08T13:00"),
    booking_with_name("names-arabic-hyphen", "Fatima Al-Hassan", "Fatima Al-Hassan",
                      clock=THU_AFTERNOON, contact="503 555 0117", time="monday at 4pm",
                      phone="+15035550117", start="2026-12-07T16:00"),
    booking_with_name("names-family-name-first", "Zhang Wei", "Zhang Wei",
                      clock=WED_MORNING, contact="zhang.wei@example.cn", time="friday at 3pm",
                      email="zhang.wei@example.cn", start="2026-12-04T15:00"),
    booking_with_name("names-im-compound", "I'm José Luis García", "José Luis García",
                      contact="503 555 0118", time="wednesday at 9am", phone="+15035550118", start="2026-12-02T09:00"),
    booking_with_name("names-words-as-names", "Hope Walker", "Hope Walker",
                      clock=SAT_MORNING, contact="hope.walker@example.com", time="tuesday at 11am",
                      email="hope.walker@example.com", start="2026-12-08T11:00"),
    booking_with_name("names-this-is-apostrophe", "this is D'Arcy Fitzgerald", "D'Arcy Fitzgerald",
                      clock=MON_MORNING, contact="503 555 0119", time="thursday at 10am",
                      phone="+15035550119", start="2026-12-03T10:00"),
    booking_with_name("names-lowercase-one-word-sms", "mike", "Mike", channel="sms",
                      clock=WED_MORNING, time="fri 1pm", confirm=Click("Yes"), phone=OWN_NUMBER,
                      start="2026-12-04T13:00"),
]
