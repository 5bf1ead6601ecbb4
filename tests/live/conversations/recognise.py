"""Reading a reply the way a client does: which question was just asked, and what
kind of answer this is (a booking confirmed, a safety answer, a boundary...).

The patterns follow the meaning, not one exact wording, so rewording a question
in domain.yml or the actions does not break the suite; each lists the phrasings
a client would read as that question. Web and SMS wordings are both covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Pattern, Set, Tuple

# -- the questions the assistant asks ----------------------------------------------------
# Order matters only for ties at the same position (more specific first).
QUESTIONS: Dict[str, Pattern[str]] = {
    "name": re.compile(
        r"what name should i|put the request under|what(?:'s| is) your (?:full )?name|who should i put|"
        r"(?:which|what) name (?:should|shall|can) i|catch (?:a|your) name",
        re.I,
    ),
    "contact": re.compile(
        r"phone number (?:\(or email\) |or e-?mail )?(?:to|for) reach|number or e-?mail (?:to|for) reach|"
        r"best (?:phone )?number|how (?:can|should) (?:we|the team|a therapist) reach you|"
        r"phone number or e-?mail|number or e-?mail (?:didn't|did not|doesn't)|type it again",
        re.I,
    ),
    "time_of_day": re.compile(
        r"what time (?:on |that day|today|tomorrow|this|next|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|"
        r"(?:which|what) time (?:would|suits|works) (?:you )?(?:on|that)",
        re.I,
    ),
    "time": re.compile(
        r"what day and time|which day and time|day and (?:a )?time (?:would )?suit|give (?:me )?a day and (?:a )?time|"
        r"next open times|tell me another|what other day|next open:|when would you like to come|"
        r"what (?:day|date) (?:and time )?would",
        re.I,
    ),
    "service": re.compile(
        r"which session|what session|which (?:massage|length|treatment)|how long (?:would you like|a session)|"
        r"didn't recogni[sz]e that session",
        re.I,
    ),
    "glutes": re.compile(r"glute work included|include (?:the )?glutes\?|glutes included\?|want (?:the )?glutes", re.I),
    "note": re.compile(
        r"anything (?:you'd like |you would like )?your therapist (?:to know|should know)|"
        r"anything (?:else )?(?:the|our) therapist should know|areas to focus on\?",
        re.I,
    ),
    "confirm": re.compile(
        r"shall i send (?:it|this)|send this request\?|send it to the team\?|should i send (?:it|this)", re.I
    ),
    "change": re.compile(r"what would you like to change|tell me the change|what (?:should|shall) i change", re.I),
    "best_time": re.compile(
        r"good time (?:for us )?to call you(?: back)?|when (?:is|would be) (?:a )?(?:good|best) time|best time to call",
        re.I,
    ),
    "callback_question": re.compile(
        r"what would you like to talk about|what (?:is|'s) (?:it|this) about\?|what should (?:the|a) therapist know",
        re.I,
    ),
    "did_you_mean": re.compile(r"did you mean", re.I),
    "rephrase": re.compile(r"(?:say|put) it another way|rephrase", re.I),
    "offer_person": re.compile(
        r"(?:would you like|do you want|want|shall i|should i|can i|may i)\b[^.?!\n]{0,40}\b"
        r"(?:therapist|person|someone|member of (?:our|the) team|staff)\b[^.?!\n]{0,40}\?|"
        r"\bi can (?:ask|get|have) (?:a|one of our) (?:therapist|person)[^.?!\n]{0,30}(?:contact|call|get back)",
        re.I,
    ),
}

# The client's next step when a reply asks nothing (a key for Client.answers, like a question).
NOTHING_ASKED = "nothing_asked"

QUESTION_LABELS = {
    "name": "the name",
    "contact": "a phone number or email",
    "time": "the day and time",
    "time_of_day": "the time on that day",
    "service": "the session",
    "glutes": "glutes yes/no",
    "note": "a note for the therapist",
    "confirm": "confirmation of the summary",
    "change": "what to change",
    "best_time": "the best time to call",
    "callback_question": "what to talk about",
    "did_you_mean": "'did you mean'",
    "rephrase": "a rephrasing",
    "offer_person": "whether they want a person",
    NOTHING_ASKED: "a next step after a reply that asked nothing",
}
# Different wordings of one question: asking both in one reply is asking twice.
SAME_QUESTION = {"time_of_day": "time"}

# Slot questions of the booking and callback forms (the form is running while one is asked).
FORM_QUESTIONS = frozenset(
    {
        "name",
        "contact",
        "time",
        "time_of_day",
        "service",
        "glutes",
        "note",
        "confirm",
        "change",
        "best_time",
        "callback_question",
    }
)

# -- what a reply is ----------------------------------------------------------------------
MARKERS: Dict[str, Pattern[str]] = {
    # The request is stored and the client has a reference.
    "booking_done": re.compile(r"\b(?:reference|ref)\s+RB-[A-Z0-9]+", re.I),
    "callback_done": re.compile(r"\b(?:reference|ref)\s+RC-[A-Z0-9]+", re.I),
    "handed_over": re.compile(r"step back|stepped back|a person can take over|will contact you on [^.]* shortly", re.I),
    "cancelled": re.compile(r"nothing was sent|i've cancell?ed|okay, cancell?ed|request is cancell?ed", re.I),
    "gave_up": re.compile(r"having trouble getting this right|i'm having trouble\.|couldn't take your details", re.I),
    # action_red_flag: see a doctor before any massage, or emergency help now.
    "safety": re.compile(
        r"before (?:having )?any massage|medical help (?:right away|now)|don't wait for a massage|"
        r"can't give medical advice|emergency department",
        re.I,
    ),
    # The firm boundary for sexual requests.
    "sexual_boundary": re.compile(r"sexual request|therapeutic massage only|professional, therapeutic", re.I),
    # The polite boundary for anything the practice doesn't do.
    "off_topic": re.compile(
        r"not something i can help with|can't help with that|cannot help with that|outside what i can help|"
        r"i can only help with|i'm only able to help|only here to help with|not able to help with that",
        re.I,
    ),
    "goodbye": re.compile(r"take care|thanks for stopping by|text us any time you have another", re.I),
    "deny_ack": re.compile(r"ask me anything else whenever|text any time with another question", re.I),
    "trouble": re.compile(r"having trouble right now|briefly unavailable|couldn't save|could not save", re.I),
    "cut_notice": re.compile(r"only read the first part", re.I),
    # Facts only a practice or article answer carries; a polite boundary has none of them.
    "practice_facts": re.compile(
        r"\$\d|\b\d{1,2}(?::\d\d)? ?(?:am|pm)\b|alder street|apple pay|credit and debit|receipt|\bhsa\b|15-20%|"
        r"gift cards?|arrive \d+ minutes early|never expire|\bsheet\b|piriformis|tennis ball|every step|"
        r"24 hours' notice|parking",
        re.I,
    ),
    # Calling someone on an email address.
    "call_on_email": re.compile(r"call you (?:on|at) [^\s]+@", re.I),
}

SUMMARY = re.compile(r"here's your booking request|please check:|shall i send|send this request\?", re.I)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
REFERENCE = re.compile(r"\b(R[BC]-[A-Z0-9]+)\b")
_SENTENCE = re.compile(r"[^.?!\n]*\?")


@dataclass
class Reading:
    """What a client reads in one reply."""

    text: str
    asked: Optional[str] = None  # the last question asked, a key of QUESTIONS
    questions: List[Tuple[int, str]] = field(default_factory=list)  # (position, kind), in order
    markers: Set[str] = field(default_factory=set)
    choices: List[Tuple[str, str]] = field(default_factory=list)  # (title, what to send to pick it)

    def has(self, marker: str) -> bool:
        return marker in self.markers

    @property
    def ended_in(self) -> Optional[str]:
        """The outcome this reply announces, if any (the form is over)."""
        for marker in ("booking_done", "handed_over", "callback_done", "cancelled", "gave_up", "safety"):
            if marker in self.markers:
                # A safety answer inside the callback form is followed by its next question.
                if marker == "safety" and self.asked in FORM_QUESTIONS:
                    continue
                if marker == "callback_done" and "handed_over" in self.markers:
                    return "handed_over"
                return marker
        return None

    def repeated_questions(self) -> List[str]:
        """Question kinds asked in two or more question sentences of this one reply."""
        seen: Dict[str, int] = {}
        for sentence in _SENTENCE.findall(self.text):
            kinds = {SAME_QUESTION.get(kind, kind) for kind, pattern in QUESTIONS.items() if pattern.search(sentence)}
            for kind in kinds:
                seen[kind] = seen.get(kind, 0) + 1
        return [kind for kind, count in seen.items() if count > 1]

    @property
    def reference(self) -> Optional[str]:
        match = REFERENCE.search(self.text)
        return match.group(1) if match else None


def read(text: str) -> Reading:
    reading = Reading(text=text)
    found: List[Tuple[int, str]] = []
    for kind, pattern in QUESTIONS.items():
        for match in pattern.finditer(text):
            found.append((match.start(), kind))
    found.sort()
    reading.questions = found
    if found:
        last = max(position for position, _ in found)
        # Of several kinds matching at the last place, the one listed first is the most specific.
        at_last = [kind for position, kind in found if position == last]
        reading.asked = min(at_last, key=list(QUESTIONS).index)
        if reading.asked == "time" and any(kind == "time_of_day" for _, kind in found):
            # "What time on Saturday? Here are the first open times:" is still the time-of-day question.
            if max(p for p, k in found if k == "time_of_day") > max(p for p, k in found if k != "time"):
                reading.asked = "time_of_day"
    reading.markers = {name for name, pattern in MARKERS.items() if pattern.search(text)}
    if "sexual_boundary" in reading.markers:
        reading.markers.discard("off_topic")  # the sexual boundary also starts "I can't help with that"
    return reading


def summary_of(text: str) -> Optional[str]:
    """The booking summary in a reply, if it shows one."""
    return text if SUMMARY.search(text) else None


def shorten(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."
