"""Client names as people type them: "Name's Dana Kowalski", "it's dana", "Dana here", "siobhan o'neill".

Two readings:
- `name_in_answer`: the reply to "What name should I put the request under?",
  where the whole message is the name once lead-ins ("my name is", "it's"),
  sign-offs ("here", "thanks") and contact details are taken off;
- `name_in_message`: a name given in passing ("Book Jane Doe for Tuesday"),
  only from explicit wording or spaCy's PERSON entities.

Both go through `as_name`, which accepts letters of any script with hyphens,
apostrophes and dots, one to five words, and never a word like "Name" or
"tomorrow" on its own. Pure functions.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from bot.nlu.unclear_text import is_key_mash, is_unclear, strip_markup
from bot.requests.contact import strip_contact_details

MAX_WORDS = 5
MAX_CHARS = 60

# Words that are never a whole name on their own, however they are combined
# ("no thanks", "my name", "tomorrow morning").
_NOT_A_NAME = frozenset(
    """
    name names my is its it the a yes yeah yep yup ya no nope nah ok okay k sure hi hello hey hiya thanks thank
    you thx ty please pls what why how who where when which idk dunno not none nothing anonymous me myself i
    im and or to for of on in at with just this that here there sorry wait hmm um umm uh huh lol test testing
    bye goodbye later cool great fine good maybe help stop cancel again same already told said real mr mrs ms
    dr miss mx sir madam it's i'm first last full surname nickname
    monday tuesday wednesday thursday friday saturday sunday today tomorrow tonight morning afternoon evening
    night weekend tmrw tmr tmrow tomoz 2moro 2morrow 2day tonite back later asap soon
    """.split()
)
# Words that mean the message is about something else ("book a massage", "my number").
_OFF_TOPIC_WORDS = frozenset(
    """
    massage massages glute glutes booking bookings appointment appointments price prices session sessions
    therapist therapists phone email e-mail number cancel minutes mins minute hour hours am pm
    """.split()
)
# Words no name contains ("get someone to call me", "put me down please").
_NEVER_IN_A_NAME = frozenset(
    """
    to me my the you your i im i'm it is are am was be for with please want need call book get have just this that
    what how why where when not dont don't someone somebody anyone person thanks should would could use
    """.split()
)
# Opening words of a sentence rather than a name ("I don't want to", "do you ...").
_SENTENCE_OPENERS = frozenset(
    "i we you what why how who where when which is are was does did should just not it that".split()
)
# Lower-case particles inside names ("Ludwig van Beethoven", "Maria de la Cruz").
_PARTICLES = frozenset("van von der den de del della la le da di du dos das bin binti ibn al el".split())
# The tail of a contraction: "don't", "I'm", "that's" are not parts of a name; "O'Neill" is.
_CONTRACTION = re.compile(r"^[^\W\d_]+'(s|t|m|re|ve|ll|d)$", re.IGNORECASE)

_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|hey|ok|okay|sure|yes|yeah|yep|oh|um|so)\b[\s,.!-]*)*"
    r"(?:(?:my|the)\s+(?:full\s+)?name(?:'s|\s+is|s)?|name(?:'s|\s+is|s)?|(?:it|its|it's)(?:\s+is|\s+will\s+be|'ll\s+be)?"
    r"|i'm|im|i\s+am|this\s+is|call\s+me|put\s+(?:it|me)\s+(?:under|down\s+as|down\s+for)|(?:book\s+it\s+)?under"
    r"|you\s+can\s+put|just|for)\b\s*[:,-]?\s*",
    re.IGNORECASE,
)
_BARE_NAME_LABEL = re.compile(r"^name\s*[:=-]\s*", re.IGNORECASE)
_SIGN_OFF = re.compile(
    r"[\s,.!-]*\b(?:here|speaking|thanks|thank\s+you|thx|ty|please|pls|that's\s+me|cheers)\b[\s,.!]*$", re.IGNORECASE
)
_SEPARATORS = re.compile(r"\s*(?:[,;\n]|\s-\s|\.\s|\band\s+(?:my|the|i|it)\b|\bbut\b)\s*", re.IGNORECASE)
# After words that can only mean a name follows ("my name is", "name", "the name should be"): any case.
_NAME_SAID = re.compile(
    r"(?:\b(?:my\s+name\s+is|my\s+name's|name\s+is|name's|(?:the\s+)?name\s+should\s+be|name\s*[:=-])"
    r"|(?:^|[,;]\s*)names?)\s+((?:[^\W\d_][\w'\-]*)(?:\s+[^\W\d_][\w'\-]*){0,3})",
    re.IGNORECASE,
)
# "Book Jane Doe", "I'm Sam", "this is Priya Shah": the name itself capitalised.
_NAME_AFTER = re.compile(
    r"\b(?i:book|for|i'm|i am|this is|it's|under|call me)\s+((?:[^\W\d_][\w'\-]*)(?:\s+[^\W\d_][\w'\-]*){0,3})"
)
_X_HERE = re.compile(r"^\s*([^\W\d_][\w'\-]*(?:\s+[^\W\d_][\w'\-]*){0,2})\s+here\b", re.IGNORECASE)


def _capitalised(word: str) -> str:
    parts = re.split(r"([-'])", word)
    return "".join(p[:1].upper() + p[1:] if p not in "-'" else p for p in parts)


def _tidy_case(words: list) -> list:
    """Title case for names typed all lower or all upper case; others stay as typed ("McKenzie", "DeShawn")."""
    joined = "".join(words)
    if not (joined.islower() or (joined.isupper() and len(joined) > 3)):
        return words
    tidy = []
    for index, word in enumerate(words):
        lower = word.lower()
        tidy.append(lower if index and lower in _PARTICLES else _capitalised(lower))
    return tidy


def as_name(candidate: Optional[str]) -> Optional[str]:
    """The candidate as a name in tidy form, or None when it is not a name."""
    if not candidate:
        return None
    text = strip_markup(candidate).replace("\u2019", "'").replace("\u2018", "'")
    text = " ".join(text.split()).strip(' .,!?;:"()[]')
    if not 2 <= len(text) <= MAX_CHARS or text.startswith("/"):
        return None
    if not re.fullmatch(r"[^\W\d_][^\W\d_ .'\-]*(?:[ .'\-]+[^\W\d_]+)*\.?", text):
        return None  # digits, symbols, emoji
    words = text.split()
    lowered = [w.lower().strip(".") for w in words]
    if len(words) > MAX_WORDS:
        return None
    if all(w in _NOT_A_NAME for w in lowered) or any(w in _OFF_TOPIC_WORDS or w in _NEVER_IN_A_NAME for w in lowered):
        return None
    if len(words) >= 3 and lowered[0] in _SENTENCE_OPENERS:
        return None
    if any(_CONTRACTION.match(w) for w in words) or any(is_key_mash(w) for w in words) or is_unclear(text):
        return None
    return " ".join(_tidy_case(words))


def name_in_answer(text: str, region: str = "US") -> Optional[str]:
    """The name in a reply to the name question, or None."""
    text = strip_markup(strip_contact_details(text or "", region)).replace("\u2019", "'")
    text = " ".join(text.split())
    candidates = []
    stripped = _SIGN_OFF.sub("", _LEAD_IN.sub("", _BARE_NAME_LABEL.sub("", text)))
    candidates.append(stripped)
    # "Dana Kowalski, and my number is ...": the first part.
    candidates += [_SIGN_OFF.sub("", _LEAD_IN.sub("", part)) for part in _SEPARATORS.split(stripped) if part]
    for candidate in candidates:
        name = as_name(candidate)
        if name:
            return name
    return name_in_message(text, ())


def name_in_message(text: str, persons: Iterable[str] = ()) -> Optional[str]:
    """A name given in passing: explicit wording first, then spaCy's PERSON entities."""
    text = (text or "").replace("\u2019", "'")
    found = _X_HERE.match(text)
    if found and found.group(1)[:1].isupper():
        name = as_name(found.group(1))
        if name:
            return name
    for pattern, capitalised in ((_NAME_SAID, False), (_NAME_AFTER, True)):
        for found in pattern.finditer(text):
            # The name is the words right after the lead-in, up to one that is not a name
            # ("name sam okafor", "Book Jane Doe for Tuesday").
            kept = []
            for word in found.group(1).split():
                lowered = word.lower()
                if (capitalised and not word[:1].isupper()) or lowered in _NOT_A_NAME or lowered in _NEVER_IN_A_NAME:
                    break
                kept.append(word)
            name = as_name(" ".join(kept))
            if name:
                return name
    # spaCy tags "Name" in "Name's Dana Kowalski" as a PERSON too: each entity on its own, longest first;
    # in passing only as typed with a capital ("tmrw" is no one).
    for person in sorted((p for p in persons if any(ch.isupper() for ch in p)), key=len, reverse=True):
        name = as_name(person)
        if name:
            return name
    return None
