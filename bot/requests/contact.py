"""Phone numbers and email addresses typed by clients: validate, normalise, find.

Phone numbers go through `phonenumbers` and come back in E.164 ("+14155550142");
only numbers valid for their region are accepted. Emails are checked with a
plain pattern (no DNS look-up) and lower-cased.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional, Tuple

import phonenumbers

# Local part: letters, digits and . _ % + - (no leading, trailing or double dot).
# Domain: dot-separated labels that neither start nor end with a hyphen, then a
# letters-only top-level domain of two or more letters.
_LOCAL = r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = rf"(?:{_LABEL}\.)+[a-z]{{2,24}}"
_EMAIL_EXACT = re.compile(rf"{_LOCAL}@{_DOMAIN}", re.IGNORECASE)
_EMAIL_IN_TEXT = re.compile(rf"(?<![a-z0-9_%+.@-]){_LOCAL}@{_DOMAIN}(?![a-z0-9-]|\.[a-z0-9])", re.IGNORECASE)


def normalize_phone(text: Optional[str], region: str = "US") -> Optional[str]:
    """The number in E.164 form, or None when it is not a valid phone number.

    A number without a country code is read as a number of `region`.
    """
    if not text or not text.strip():
        return None
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(text: Optional[str]) -> Optional[str]:
    """The address lower-cased, or None when it does not look like an email address."""
    if not text:
        return None
    candidate = text.strip().strip("<>").strip()
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[len("mailto:") :]
    if len(candidate) > 254 or not _EMAIL_EXACT.fullmatch(candidate):
        return None
    if len(candidate.split("@", 1)[0]) > 64:
        return None
    return candidate.lower()


def _phone_matches(text: str, region: str) -> Iterator[Tuple[int, int, str]]:
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        yield match.start, match.end, phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)


def extract_phone(text: Optional[str], region: str = "US") -> Optional[str]:
    """The first valid phone number inside a longer message, in E.164 form."""
    if not text:
        return None
    return next((e164 for _start, _end, e164 in _phone_matches(text, region)), None)


def extract_email(text: Optional[str]) -> Optional[str]:
    """The first email address inside a longer message, lower-cased."""
    if not text:
        return None
    for found in _EMAIL_IN_TEXT.finditer(text):
        email = normalize_email(found.group())
        if email:
            return email
    return None


def strip_contact_details(text: Optional[str], region: str = "US") -> str:
    """The message with phone numbers and email addresses blanked out.

    Lets date and time parsing ignore the digits of "415 555 0142".
    """
    if not text:
        return ""
    spans = [(start, end) for start, end, _ in _phone_matches(text, region)]
    spans += [found.span() for found in _EMAIL_IN_TEXT.finditer(text)]
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
