"""Phone numbers and email addresses: normalise, reject, find inside a message."""

import pytest

from bot.requests.contact import (
    extract_email,
    extract_phone,
    normalize_email,
    normalize_phone,
    strip_contact_details,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("415 555 0142", "+14155550142"),
        ("(415) 555-0142", "+14155550142"),
        ("415.555.0142", "+14155550142"),
        ("1-415-555-0142", "+14155550142"),
        ("  +1 415 555 0142 ", "+14155550142"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+61 2 9374 4000", "+61293744000"),
    ],
)
def test_normalize_phone_valid(text, expected):
    assert normalize_phone(text) == expected


def test_normalize_phone_uses_the_region_for_local_numbers():
    assert normalize_phone("020 7946 0958", region="GB") == "+442079460958"
    assert normalize_phone("020 7946 0958") is None  # not a US number


@pytest.mark.parametrize(
    "text",
    ["", "   ", None, "hello", "555 0142", "12345", "+1 123 456 7890", "415 555 01420000", "call me"],
)
def test_normalize_phone_invalid(text):
    assert normalize_phone(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jane@example.com", "jane@example.com"),
        ("  Jane.Doe@Example.COM ", "jane.doe@example.com"),
        ("<jane+massage@mail.example.co.uk>", "jane+massage@mail.example.co.uk"),
        ("mailto:J_Doe@example.org", "j_doe@example.org"),
        ("o-k.name%tag@sub-domain.example.io", "o-k.name%tag@sub-domain.example.io"),
    ],
)
def test_normalize_email_valid(text, expected):
    assert normalize_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "jane",
        "jane@",
        "@example.com",
        "jane@example",
        "jane@example.c",
        "jane..doe@example.com",
        ".jane@example.com",
        "jane.@example.com",
        "jane@-example.com",
        "jane@example-.com",
        "jane doe@example.com",
        "jane@exam ple.com",
        "jane@@example.com",
        "jane@example.com2",
        "x" * 65 + "@example.com",
    ],
)
def test_normalize_email_invalid(text):
    assert normalize_email(text) is None


def test_extract_phone_from_a_booking_message():
    assert extract_phone("Book Jane Doe, 415 555 0142, next Tuesday 3pm") == "+14155550142"
    assert extract_phone("call me on +44 20 7946 0958 please") == "+442079460958"
    assert extract_phone("my number is (415) 555-0142.") == "+14155550142"


def test_extract_phone_finds_nothing_when_there_is_none():
    assert extract_phone("next tuesday at 3pm for 60 minutes") is None
    assert extract_phone("") is None
    assert extract_phone(None) is None
    assert extract_phone("on 12/24 at 10:30") is None


def test_extract_email_from_a_message():
    assert extract_email("It's Jane.Doe@Example.com, thanks!") == "jane.doe@example.com"
    assert extract_email("write to jane@example.com.") == "jane@example.com"
    assert extract_email("first a@b.example then c@d.example") == "a@b.example"


def test_extract_email_finds_nothing_when_there_is_none():
    assert extract_email("no email here, sorry") is None
    assert extract_email("send to jane@localhost") is None
    assert extract_email(None) is None


def test_strip_contact_details_blanks_phone_and_email():
    stripped = strip_contact_details("Book Jane, 415 555 0142, jane@example.com, tue 3pm")
    assert "415" not in stripped and "0142" not in stripped and "@" not in stripped
    assert stripped.startswith("Book Jane,") and stripped.endswith("tue 3pm")
    assert len(stripped) == len("Book Jane, 415 555 0142, jane@example.com, tue 3pm")
