"""An explicit request to be contacted by a person: "can someone get back to me tmrw?",
"please have the therapist call me", "could a person text me back about prenatal massage".

The topic a client adds ("got a q about prenatal massage") can pull the classifier
towards that topic's answer, or leave it torn between the two; asking for a person
is the request, and the topic is what they want to talk about. Pure functions;
bot.nlu.person_request_detector runs them.
"""

from __future__ import annotations

import re

TALK_TO_THERAPIST = "talk_to_therapist"

_WHO = (
    r"(?:some\s?one|some\s?body|any\s?one|a\s+(?:real\s+)?(?:person|human)|(?:a|the|my|your|one\s+of\s+your)\s+"
    r"(?:therapists?|massage\s+therapists?|staff(?:\s+member)?|team(?:\s+member)?|receptionist|owner)|a\s+member\s+of\s+"
    r"(?:staff|the\s+team|your\s+team)|some\s?one\s+from\s+(?:the|your)\s+(?:team|practice|studio|clinic))"
)
_CONTACT = r"(?:get\s+back\s+to|call|ring|phone|text|message|contact|reach(?:\s+out\s+to)?)(?:\s+me|\s+us)\b"
_PERSON_REQUEST = re.compile(
    # "can someone get back to me", "could the therapist please call me back"
    rf"\b(?:can|could|would|will|may)\s+{_WHO}\s+(?:please\s+)?{_CONTACT}"
    # "please have someone call me", "get a therapist to ring me"
    rf"|\b(?:have|get|ask)\s+{_WHO}\s+(?:to\s+)?{_CONTACT}"
    # "I'd like someone to call me", "I want a person to get back to me"
    rf"|\b(?:i'?d\s+like|i\s+would\s+like|i\s+want|i\s+need)\s+{_WHO}\s+to\s+{_CONTACT}",
    re.IGNORECASE,
)


def is_person_request(text: str) -> bool:
    """The message asks for a person to contact the client (a button's payload is not read)."""
    return not (text or "").startswith("/") and bool(_PERSON_REQUEST.search(text or ""))
