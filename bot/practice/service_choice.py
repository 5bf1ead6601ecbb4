"""Which of the practice's sessions a client means: "the 90", "the regular hour", "the long one", "the pregnancy one".

Read against the profile's services, so a practice with other lengths or names
needs no code change. Pure functions.
"""

from __future__ import annotations

import re
from typing import List, Optional

from bot.practice.profile import PracticeProfile, Service

_PRENATAL = re.compile(r"\b(?:pre-?natal|pregnan\w*|maternity|bump|expecting|mum[- ]to[- ]be|mom[- ]to[- ]be)\b")
_NUMBER_WORDS = {"thirty": 30, "forty five": 45, "forty-five": 45, "sixty": 60, "seventy five": 75, "ninety": 90}
# "90 min", "60-minute", "90mins", and typed in a hurry: "60 minuts", "90 mns".
_MINUTES = re.compile(r"\b(\d{2,3})\s*(?:-|\s)?(?:m(?:in|n|i)[a-z]{0,5}|m)\b")
_HOURS = re.compile(r"\b(\d(?:\.\d)?)\s*(?:-|\s)?(?:hr|hrs|hour|hours)\b")
_HALF_HOUR = re.compile(r"\bhalf(?:\s+an|\s+a)?[\s-]+hour\b")
_HOUR_AND_HALF = re.compile(r"\b(?:an?|one|1)?\s*hour\s+and\s+a\s+half\b")
_ONE_HOUR = re.compile(r"\b(?:an|one|1|the|full)[\s-]+hour\b|\bhour[\s-]+long\b|\bhour\s+one\b|\bhourly\b")
_BARE_NUMBER = re.compile(r"^\W*(?:the\s+)?(\d{2,3})(?:\s+one)?\W*$")
_PLAIN = re.compile(r"\b(?:regular|normal|standard|usual|classic|basic|ordinary|plain|general|typical)\b")
_LONG = re.compile(r"\b(?:long|longer|longest|extended|extra[\s-]long|big|bigger|biggest|full)\b")
_SHORT = re.compile(r"\b(?:short|shorter|shortest|quick|quicker|quickie|express|mini|focused|small|smaller)\b")


def _plain_services(profile: PracticeProfile) -> List[Service]:
    """The general sessions (not the prenatal ones), shortest first."""
    plain = [s for s in profile.services if not _is_prenatal(s)]
    return sorted(plain or list(profile.services), key=lambda s: s.minutes)


def _is_prenatal(service: Service) -> bool:
    return "prenatal" in service.key.lower() or "prenatal" in service.name.lower()


def _minutes_said(text: str, asked: bool) -> Optional[int]:
    for words, minutes in _NUMBER_WORDS.items():
        if re.search(rf"\b{words}\b", text):
            return minutes
    if _HOUR_AND_HALF.search(text):
        return 90
    if _HALF_HOUR.search(text):
        return 30
    found = _MINUTES.search(text)
    if found:
        return int(found.group(1))
    found = _HOURS.search(text)
    if found:
        return int(float(found.group(1)) * 60)
    if _ONE_HOUR.search(text):
        return 60
    found = _BARE_NUMBER.match(text) if asked else None
    if found:
        return int(found.group(1))
    return None


def find_service(text: str, profile: PracticeProfile, asked: bool = False) -> Optional[str]:
    """The key of the profile service a message names, or None.

    By name or key first (a button sends the name), then prenatal words, then a
    length ("90 min", "an hour", "hour-long"). Only in answer to the session
    question (`asked`): a bare number ("30") and words for the usual, the
    longest or the shortest general session ("it's been a long week" in passing
    is no choice of session).
    """
    lowered = " ".join((text or "").lower().replace("\u2019", "'").split())
    if not lowered:
        return None
    for service in sorted(profile.services, key=lambda s: len(s.name), reverse=True):
        if service.name.lower() in lowered or re.search(rf"\b{re.escape(service.key.lower())}\b", lowered):
            return service.key
    minutes = _minutes_said(lowered, asked)
    if _PRENATAL.search(lowered):
        prenatal = [s for s in profile.services if _is_prenatal(s)]
        if prenatal:
            same_length = [s for s in prenatal if s.minutes == minutes]
            return (same_length or prenatal)[0].key
    plain = _plain_services(profile)
    if minutes is not None:
        match = next((s for s in plain if s.minutes == minutes), None)
        return match.key if match else None
    if not asked:
        return None
    if _LONG.search(lowered) and not _SHORT.search(lowered):
        return plain[-1].key
    if _SHORT.search(lowered) and not _LONG.search(lowered):
        return plain[0].key
    if _PLAIN.search(lowered):
        usual = next((s for s in plain if s.minutes == 60), plain[len(plain) // 2])
        return usual.key
    return None
