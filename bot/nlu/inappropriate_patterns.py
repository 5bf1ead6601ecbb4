"""Clear sexual or harassing requests, found by plain patterns beside the classifier.

The classifier learns the boundary from examples, but euphemisms vary without
end and a wrong guess answers a proposition with a price list. These patterns
only take wording that is never innocent in a massage practice; anxious
questions ("is glute massage sexual?", "can I ask for a female therapist?",
"what sex is the therapist?") are left to the classifier, which answers them
as FAQs.
"""

from __future__ import annotations

import re

INAPPROPRIATE_INTENT = "inappropriate_request"

_SEXUAL_REQUEST = re.compile(
    "|".join(
        [
            r"\bhappy (ending|finish)",
            r"\brub (and|n|&) tug\b",
            r"\bfull release\b",
            r"\b(erotic|tantric|nuru)\b",
            r"\bsensual massage\b",
            r"\bbody to body\b",
            r"\b(have|having) sex\b",
            r"\bsex (is )?(included|massage|service)",
            r"\bsexual (massage|service|favou?r|release|extra)s?\b",
            r"\bsend (me )?(nudes|pics|a pic|a selfie|photos of)",
            r"\b(in|wearing) lingerie\b",
            r"\btopless\b",
            r"\bfool(ing)? around\b",
            r"\bhook(ing)? up with\b",
            r"\b(u|you|she|he|they|therapists?|masseuse|girls?)\b[\w\s]{0,12}\bsingle\b\??",
            r"\bwanna come over\b",
            r"\b(number|instagram|insta) of the (girl|brunette|blonde|redhead|cute)",
            r"\b(touch|rub|massage)\b[\w\s]{0,20}\b(my|his) (junk|privates|private parts|genitals|penis|dick|cock)\b",
            r"\bsomething extra at the end\b",
            r"\bextras? if you know what i mean\b",
            r"\bmore than (just )?(a )?massage\b[\w\s]{0,20}\b(ladies|girls|she|they)\b",
            r"\b(ladies|girls)\b[\w\s]{0,20}\bmore than (just )?(a )?massage\b",
        ]
    ),
    re.IGNORECASE,
)


def is_inappropriate_request(text: str) -> bool:
    return bool(_SEXUAL_REQUEST.search(text or ""))
