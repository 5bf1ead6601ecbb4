"""Days and times as clients say them, from every day of the week, across both
daylight-saving changes. The summary must name the weekday and the date, and
staff must find the start in the practice's time zone."""

from tests.live.conversations.script import (
    FRI_BEFORE_FALL_BACK,
    FRI_BEFORE_SPRING_FORWARD,
    FRI_NOON,
    MON_MORNING,
    OWN_NUMBER,
    SAT_BEFORE_FALL_BACK,
    SAT_BEFORE_SPRING_FORWARD,
    SAT_MORNING,
    SUN_AFTERNOON,
    THU_AFTERNOON,
    TUE_MORNING,
    WED_MORNING,
    Booking,
    Click,
    Window,
    conversation,
)

KIND = "days-times"

_NAMES = iter(
    [
        ("Ellen Marsh", "503 555 0121"),
        ("Ravi Menon", "503 555 0122"),
        ("Keiko Sato", "503 555 0123"),
        ("Lucas Moreau", "503 555 0124"),
        ("Abebe Bekele", "503 555 0125"),
        ("Freya Olsen", "503 555 0126"),
        ("Mateo Rossi", "503 555 0127"),
        ("Hannah Weiss", "503 555 0128"),
        ("Kwame Mensah", "503 555 0129"),
        ("Ingrid Berg", "503 555 0130"),
        ("Omar Farouk", "503 555 0131"),
        ("Paloma Ruiz", "503 555 0132"),
        ("Declan Byrne", "503 555 0133"),
        ("Mei Lin", "503 555 0134"),
        ("Arjun Das", "503 555 0135"),
        ("Noa Levi", "503 555 0136"),
        ("Greta Vogel", "503 555 0137"),
        ("Tariq Aziz", "503 555 0138"),
        ("Lior Ben-David", "503 555 0139"),
        ("Astrid Holm", "503 555 0140"),
        ("Emeka Obi", "503 555 0146"),
        ("Yara Haddad", "503 555 0147"),
        ("Bao Tran", "503 555 0148"),
        ("Ilse Janssen", "503 555 0149"),
        ("Kofi Boateng", "503 555 0150"),
        ("Marta Nowicka", "503 555 0154"),
        ("Soren Dahl", "503 555 0155"),
    ]
)


def booking_at(
    id, clock, when, start, channel="rest", time_of_day=None, why="", opening="can I book a massage?", phone=None
):
    """A plain booking where the client says `when` at the day-and-time question
    (when=None: the opening already said when)."""
    name, listed_phone = next(_NAMES)
    phone = phone or listed_phone
    given = {
        "name": f"my name is {name}",
        "contact": phone,
        "time": when,
        "service": "60 minutes",
        "glutes": "no",
        "note": "no",
        "confirm": Click("Yes") if channel == "sms" else "yes",
    }
    if when is None:
        del given["time"]
    if time_of_day:
        given["time_of_day"] = time_of_day
    outcome = Booking(
        name=name,
        phone=OWN_NUMBER if channel == "sms" else "+1" + phone.replace(" ", ""),
        start=start,
        service="massage_60",
    )
    return conversation(
        id, KIND, clock, channel=channel, why=why or f"{when!r}", opening=[opening], answers=given, outcome=outcome
    )


CONVERSATIONS = [
    booking_at(
        "days-mon-from-wednesday",
        WED_MORNING,
        "mon 10am",
        "2026-12-07T10:00",
        why="'mon 10am' on a Wednesday is next Monday, never tomorrow",
    ),
    booking_at(
        "days-mon-10am-in-opening-from-wednesday",
        WED_MORNING,
        None,
        "2026-12-07T10:00",
        opening="can I book a massage for mon 10am?",
        phone="503 555 0100",
        why="'mon 10am' in the first message, on a Wednesday, is next Monday, never 'tomorrow'",
    ),
    booking_at(
        "days-phone-number-is-not-a-time",
        TUE_MORNING,
        None,
        "2026-12-04T15:00",
        opening="could I book a massage for friday at 3pm?",
        phone="503 555 0122",
        why="the phone number given after the time is not read as a new time",
    ),
    booking_at("days-wed-from-monday", MON_MORNING, "wed 3pm", "2026-12-02T15:00"),
    booking_at(
        "days-after-work-thursday",
        MON_MORNING,
        "thursday after work",
        Window("2026-12-03T17:00", "2026-12-03T19:00"),
        time_of_day="around 5:30",
        why="'after work' is a Thursday evening",
    ),
    booking_at("days-fri-from-tuesday", TUE_MORNING, "friday 11am", "2026-12-04T11:00"),
    booking_at(
        "days-mon-bare-hour-from-tuesday",
        TUE_MORNING,
        "mon at 2",
        "2026-12-07T14:00",
        why="'at 2' in opening hours is 2 pm",
    ),
    booking_at("days-tue-from-wednesday", WED_MORNING, "tues 5pm", "2026-12-08T17:00"),
    booking_at(
        "days-thu-from-wednesday",
        WED_MORNING,
        "thurs 9am",
        "2026-12-03T09:00",
        why="a weekday that is tomorrow: the summary still shows the weekday and date",
    ),
    booking_at(
        "days-sat-morning",
        THU_AFTERNOON,
        "sat morning",
        Window("2026-12-05T10:00", "2026-12-05T12:00"),
        time_of_day="10:30",
        why="a weekend morning is said once; at most the hour is asked",
    ),
    booking_at("days-wed-from-thursday", THU_AFTERNOON, "wednesday 12:30", "2026-12-09T12:30"),
    booking_at(
        "days-tomorrow-at-11", TUE_MORNING, "tomorrow at 11", "2026-12-02T11:00", why="'tomorrow at 11' is said once"
    ),
    booking_at(
        "days-eleven-tomorrow", TUE_MORNING, "11 tomorrow", "2026-12-02T11:00", why="'11 tomorrow' is said once"
    ),
    booking_at(
        "days-tomorrow-at-11-in-opening",
        TUE_MORNING,
        None,
        "2026-12-02T11:00",
        opening="could I get a massage tomorrow at 11?",
        why="a day and hour in the first message are kept",
    ),
    booking_at(
        "days-saturday-morning-in-opening",
        THU_AFTERNOON,
        None,
        Window("2026-12-05T10:00", "2026-12-05T12:00"),
        time_of_day="10:30",
        opening="hi, can I book a massage for saturday morning?",
        why="a weekend morning in the first message is kept; at most the hour is asked",
    ),
    booking_at("days-thu-evening-from-friday", FRI_NOON, "thursday 7pm", "2026-12-10T19:00"),
    booking_at("days-mon-from-saturday", SAT_MORNING, "monday 9:30am", "2026-12-07T09:30"),
    booking_at("days-fri-from-saturday", SAT_MORNING, "fri 10", "2026-12-11T10:00"),
    booking_at("days-tue-from-sunday-sms", SUN_AFTERNOON, "tue 3:30 pm", "2026-12-08T15:30", channel="sms"),
    booking_at("days-sat-from-sunday", SUN_AFTERNOON, "saturday 11am", "2026-12-12T11:00"),
    booking_at(
        "days-next-week-sometime",
        WED_MORNING,
        ["next week sometime", "tuesday at 1"],
        "2026-12-08T13:00",
        time_of_day="tuesday at 1",
        why="'next week sometime' leads to a question, not a guess",
    ),
    booking_at(
        "days-wed-afternoon-sms",
        MON_MORNING,
        "wed afternoon",
        Window("2026-12-02T12:00", "2026-12-02T17:00"),
        channel="sms",
        time_of_day="2pm",
    ),
    booking_at(
        "days-fall-back-monday",
        FRI_BEFORE_FALL_BACK,
        "monday at 10am",
        "2026-11-02T10:00",
        why="across the end of daylight saving time",
    ),
    booking_at(
        "days-fall-back-tuesday-sms",
        SAT_BEFORE_FALL_BACK,
        "tue 6pm",
        "2026-11-03T18:00",
        channel="sms",
        why="across the end of daylight saving time, by text",
    ),
    booking_at(
        "days-spring-forward-monday",
        FRI_BEFORE_SPRING_FORWARD,
        "monday 10am",
        "2026-03-09T10:00",
        why="across the start of daylight saving time",
    ),
    booking_at(
        "days-spring-forward-tuesday",
        SAT_BEFORE_SPRING_FORWARD,
        "tuesday at 9am",
        "2026-03-10T09:00",
        why="across the start of daylight saving time",
    ),
]
