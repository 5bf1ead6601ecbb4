"""A small, complete practice profile for tests, independent of practice/profile.yml."""

import datetime as dt
from zoneinfo import ZoneInfo

from bot.practice.profile import PracticeProfile, parse_profile

WEEKLY_HOURS = {
    "monday": "09:00-17:00",
    "tuesday": "09:00-17:00",
    "wednesday": "09:00-17:00",
    "thursday": "09:00-12:00, 13:00-20:00",
    "friday": "09:00-17:00",
    "saturday": "10:00-14:00",
    "sunday": "closed",
}
HOLIDAYS = [
    {"date": "2026-12-25", "name": "Christmas Day"},
    {"date": "2026-11-26", "name": "Thanksgiving"},
]
# Night clinics on both 2026 DST change days put opening hours inside the gap and the overlap.
EXCEPTIONS = [
    {"date": "2026-12-24", "hours": "09:00-13:00", "reason": "Christmas Eve"},
    {"date": "2026-10-16", "hours": "closed", "reason": "Staff training"},
    {"date": "2026-03-08", "hours": "01:00-06:00", "reason": "Night clinic"},
    {"date": "2026-11-01", "hours": "01:00-03:00", "reason": "Night clinic"},
]


def make_test_profile(
    timezone="America/Los_Angeles",
    holidays=None,
    exceptions=None,
    min_notice_hours=2,
    max_days_ahead=60,
    **hours_overrides,
) -> PracticeProfile:
    data = {
        "name": "Test Studio",
        "timezone": timezone,
        "contact": {"phone": "+1 415 555 0100", "email": "desk@test-studio.example"},
        "address": {"street": "1 Test Way", "city": "Portland", "region": "OR", "postcode": "97205"},
        "mobile_service": "No mobile visits.",
        "booking": {
            "online_url": "https://test-studio.example/book",
            "max_days_ahead": max_days_ahead,
            "min_notice_hours": min_notice_hours,
        },
        "hours": {**WEEKLY_HOURS, **hours_overrides},
        "holidays": HOLIDAYS if holidays is None else holidays,
        "exceptions": EXCEPTIONS if exceptions is None else exceptions,
        "services": [{"key": "massage_60", "name": "60-minute massage", "minutes": 60, "price": 90}],
        "policies": {
            key: "Policy text."
            for key in ("cancellation", "late_arrival", "sick", "tipping", "insurance", "hsa_fsa", "gift_cards")
        }
        | {"payment_methods": ["cards"]},
        "first_visit": {"what_to_wear": "x", "what_to_bring": "x", "eating": "x", "arrive_early_minutes": 10},
        "therapists": [{"name": "Sam", "gender": "female"}],
        "etiquette": "Relax.",
    }
    return parse_profile(data)


LA = ZoneInfo("America/Los_Angeles")
UTC = dt.timezone.utc


def at(year, month, day, hour=0, minute=0, second=0, tz=LA):
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)


# Tuesday 13 October 2026, 10:00 in Los Angeles.
TUESDAY_10AM = at(2026, 10, 13, 10, 0)
