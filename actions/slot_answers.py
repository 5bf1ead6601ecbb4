"""What a client's message means for the question a form just asked.

Inside a form the question asked owns the answer: the message is first read as
the answer to that question (a name, a phone number, a day and time, a session,
yes or no, a note). Only a confident interruption leaves the question:

- a health warning sign: the safety answer (the booking stops);
- cancel words ("cancel", "never mind"): a name is never a cancel, whatever
  the classifier guessed;
- an explicit request for a person (while booking; the callback form is that);
- a clear question, or sexual wording or another language: the mid-form rules
  answer it and the form asks its question again.

SLOT_RULES holds the per-slot part of the decision: how an answer is read and
which questions may interrupt. `decide` applies the same order of checks to
every slot; both forms' validators use `read_reply`. Nothing here talks to Rasa
beyond reading the latest message's parse data.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, Dict, Mapping, Optional

from bot import topics
from bot.dates import requested_time
from bot.nlu.question_wording import FILLER_OPENERS, QUESTION_START, is_question
from bot.nlu.red_flag_patterns import ENTITY as RED_FLAG_ENTITY
from bot.nlu.red_flag_patterns import RED_FLAG_INTENT
from bot.nlu.unclear_text import has_words, is_unclear, strip_markup
from bot.practice.profile import PracticeProfile
from bot.practice.service_choice import find_service
from bot.requests.contact import extract_email, extract_phone
from bot.requests.names import name_in_answer

BOOKING_FORM = "booking_form"
CALLBACK_FORM = "callback_form"

# How sure the classifier must be before a message leaves the question.
QUESTION_CONFIDENCE = 0.6  # worded as a question
UNREAD_TOPIC_CONFIDENCE = 0.8  # not worded as a question, and no answer in it ("prices")
UNREAD_QUESTION_CONFIDENCE = 0.4  # worded as a question, no answer in it: the nearest topic answers it
WARNING_CONFIDENCE = 0.8  # the classifier alone, without the red-flag patterns
HANDOFF_CONFIDENCE = 0.6
BOUNDARY_CONFIDENCE = 0.9  # the boundary rules set 1.0; the classifier alone is rarely this sure

NOTE_MAX_CHARS = 500
CALLBACK_QUESTION_MAX_CHARS = 1000
BEST_TIME_MAX_CHARS = 200


class Outcome(str, Enum):
    ANSWER = "answer"  # the answer to the question asked (perhaps one the form must refuse)
    WARNING = "warning"  # a health warning sign: the safety answer
    CANCEL = "cancel"  # the request is dropped
    HANDOFF = "handoff"  # a person, now
    QUESTION = "question"  # answered by the mid-form rules, then the form asks again
    BOUNDARY = "boundary"  # sexual wording or another language: the boundary reply, then the form asks again


class Questions(str, Enum):
    """Which questions may interrupt a slot's question."""

    NEVER = "never"  # every message is the answer (what to talk about on a callback)
    CLEAR = "clear"  # free text: only a clear question, never a request ("can you go gently?")
    CLEAR_OR_UNREAD = "clear_or_unread"  # also a confident topic with no answer in it ("prices" for a name)


@dataclass(frozen=True)
class Said:
    """The latest client message as the forms read it."""

    text: str  # markup taken off, spaces tidied
    intent: str
    confidence: float
    warning_sign: bool  # the deterministic red-flag check tagged it (bot.nlu.red_flag_detector)

    @classmethod
    def from_parse(cls, latest_message: Mapping[str, Any]) -> Said:
        intent = latest_message.get("intent") or {}
        text = latest_message.get("text") or ""
        if not text.startswith("/"):
            text = " ".join(strip_markup(text).split())
        return cls(
            text=text.strip(),
            intent=intent.get("name") or "",
            confidence=float(intent.get("confidence") or 0.0),
            warning_sign=any(e.get("entity") == RED_FLAG_ENTITY for e in latest_message.get("entities") or []),
        )

    @property
    def payload(self) -> bool:
        """A button's payload ("/affirm"), not typed words."""
        return self.text.startswith("/")


@dataclass(frozen=True)
class Context:
    """What reading an answer needs beyond the message."""

    profile: PracticeProfile
    now: dt.datetime
    region: str = "US"
    on_day: Optional[dt.date] = None  # a day said before ("Saturday"), for "10"
    part_of_day: Optional[str] = None  # "morning", said with that day
    week_of: Optional[dt.date] = None  # "next week sometime"


# -- wording ---------------------------------------------------------------------------

# "what about saturday?", "how about 4?": a proposal, not a question about the practice.
_PROPOSAL = re.compile(rf"^\W*{FILLER_OPENERS}(?:what|how)\s+about\b", re.IGNORECASE)
# "can you go gently on my neck?": a request for the therapist, so a note, not a question.
_REQUEST = re.compile(
    rf"^\W*{FILLER_OPENERS}(?:please\b|(?:can|could|would|will)\s+(?:you|they|she|he|the\s+therapist|my\s+therapist)\b"
    r"(?!.*\b(?:tell|explain|let\s+me\s+know|send|how\s+much|what|where|when)\b)|i'?d\s+(?:like|prefer|love)\b"
    r"|i\s+(?:want|need|prefer)\b)",
    re.IGNORECASE,
)
_CANCEL_START = re.compile(
    r"^\W*(?:(?:oh|ok|okay|actually|sorry|no|nah|please|pls|um|wait|hmm|you know what)[\s,.!]+)*"
    r"(?:cancel|stop|quit|exit|abort|never\s?mind|nevermind|nvm|forget\s+(?:it|that|about\s+it|the\s+\w+)"
    r"|scrap\s+(?:it|that)|scratch\s+that|leave\s+it|don'?t\s+bother|changed?\s+my\s+mind|no\s+longer"
    r"|not\s+any\s?more)\b",
    re.IGNORECASE,
)
_CANCEL_ANYWHERE = re.compile(
    r"\b(?:cancel|scrap|drop|forget)\s+(?:the|this|that|my)\s+(?:booking|request|appointment|callback|call\s?back"
    r"|whole\s+thing)\b|\b(?:don'?t|do\s+not|no\s+longer)\s+(?:want|need)\s+(?:to\s+book|a\s+booking|the\s+booking"
    r"|an?\s+appointment|a\s+call(?:\s?back)?|it\s+any\s?more)\b|\bdon'?t\s+book\s+(?:it|me|that|anything)\b"
    r"|\bno\s+need\s+to\s+(?:call|ring|phone|contact|book)\b|\bi'?ll\s+(?:book|call|do\s+it)\s+(?:later|myself|another\s+time)\b",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"\b(?:person|human|someone|somebody|real|therapist|staff|receptionist|manager|call\s+me|ring\s+me|phone\s+me"
    r"|talk|speak|chat)\b",
    re.IGNORECASE,
)
_YES = re.compile(
    r"^\W*(?:y|ya|yah|yes+|yeah|yea|yep|yup|yse|ys|yeh|ye|yas|yesh|sure|ok|okay|k|please|definitely|absolutely|of\s+course|go\s+for\s+it"
    r"|sounds\s+good|why\s+not|i\s+do|i\s+would|correct|perfect|great|fine|send\s+it|do\s+it|go\s+ahead"
    r"|looks?\s+(?:good|great|fine|right|perfect)|all\s+good|that'?s\s+(?:right|correct|fine|perfect|great)|lgtm|yup"
    r"|include\s+(?:them|it|glutes?)|with\s+glutes?|add\s+(?:them|glutes?))\b"
    r"|^\s*(?:\U0001f44d|\u2705|\u2714\ufe0f?)",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^\W*(?:n|no+|nope|nah|nop|naw|no\s+thanks?|not\s+(?:really|this\s+time|today)|skip(?:\s+(?:it|them|glutes?))?"
    r"|leave\s+(?:them|it)\s+out|without(?:\s+glutes?)?|no\s+glutes?|i'?d\s+rather\s+not|rather\s+not|pass)\b"
    r"|^\s*(?:\U0001f44e|\u274c)",
    re.IGNORECASE,
)
_NO_NOTE = re.compile(
    r"^\W*(?:no|nope|nah|none|nothing(?:\s+else)?(?:\s+to\s+add)?|all\s+good|n/?a|not\s+really|that'?s\s+(?:it|all)"
    r"|nothing\s+special|i'?m\s+(?:good|fine)|no\s+notes?)(?:[\s,.!]+(?:thanks?|thank\s+you|thx|ty|really|"
    r"i\s+think|at\s+all))*\W*$",
    re.IGNORECASE,
)


def is_request(text: str) -> bool:
    """A request for the therapist worded as a question ("could you go gently on my neck?")."""
    return bool(_REQUEST.match(text))


def is_cancel(text: str) -> bool:
    """Cancel words: at the start ("cancel", "never mind") or about the request ("forget the booking")."""
    return text.strip().lower() == "/stop" or bool(_CANCEL_START.match(text) or _CANCEL_ANYWHERE.search(text))


def asks_for_person(text: str) -> bool:
    return text.startswith("/talk_to_therapist") or bool(_PERSON.search(text))


def read_yes_no(said: Said) -> Optional[bool]:
    """Yes or no to a yes/no question; words win over the classifier ("no problem, include them")."""
    text = said.text
    if text.startswith("/"):
        return {"/affirm": True, "/deny": False}.get(text.split("{")[0].strip().lower())
    if _NO.match(text):
        return False
    if _YES.match(text):
        return True
    if said.intent in ("affirm", "deny") and said.confidence >= QUESTION_CONFIDENCE:
        return said.intent == "affirm"
    return None


# -- readers: the answer a message gives to each kind of question ----------------------------


def _read_name(said: Said, context: Context) -> Optional[str]:
    return None if said.payload else name_in_answer(said.text, context.region)


def _read_contact(said: Said, context: Context) -> Optional[str]:
    return extract_phone(said.text, context.region) or extract_email(said.text)


def _read_when(said: Said, context: Context) -> Optional[str]:
    if said.payload or is_unclear(said.text):
        return None
    parsed = requested_time.parse_requested_time(
        said.text,
        context.profile,
        context.now,
        on_day=context.on_day,
        part_of_day_said=context.part_of_day,
        week_of=context.week_of,
    )
    return None if parsed.problem == requested_time.UNPARSED else said.text


def _read_session(said: Said, context: Context) -> Optional[str]:
    return None if said.payload else find_service(said.text, context.profile, asked=True)


def _read_yes_no(said: Said, context: Context) -> Optional[bool]:
    return read_yes_no(said)


# At the summary: words that ask for a change ("change the time", "actually make it Friday").
_CHANGE = re.compile(
    r"\b(?:change|changes|wrong|instead|actually|make\s+it|switch|move|different|not\s+right|correct(?:ion)?|update"
    r"|time|day|date|name|number|phone|e-?mail|contact|session|length|glutes?|note)\b",
    re.IGNORECASE,
)
CHANGE = "change"


def _read_confirmation(said: Said, context: Context) -> Any:
    """Yes, no, or CHANGE: a change asked for or a new detail given ("Friday at 2pm instead")."""
    answer = read_yes_no(said)
    if answer is not None and not (answer is True and _CHANGE.search(said.text)):
        return answer
    today = context.now.astimezone(context.profile.timezone).date()
    if (
        _CHANGE.search(said.text)
        or requested_time.mentions_day_or_time(said.text, context.profile, today)
        or _read_contact(said, context)
    ):
        return CHANGE
    return answer


def is_no_note(text: str) -> bool:
    """ "No", "nothing else to add", "that's all, thanks": no note for the therapist."""
    return bool(_NO_NOTE.match(text))


def _read_note(said: Said, context: Context) -> Optional[str]:
    if said.text.lower() == "/deny" or _NO_NOTE.match(said.text) or (said.intent == "deny" and len(said.text) < 20):
        return "none"
    if said.payload or is_unclear(said.text) or read_yes_no(said) is True:
        return None  # a bare "yes" is not a note: the form asks what it is
    return said.text[:NOTE_MAX_CHARS]


def _read_callback_time(said: Said, context: Context) -> Optional[str]:
    if said.payload or is_unclear(said.text) or not has_words(said.text):
        return None
    return said.text[:BEST_TIME_MAX_CHARS]


def _read_callback_question(said: Said, context: Context) -> Optional[str]:
    if said.payload or is_unclear(said.text):
        return None
    return said.text[:CALLBACK_QUESTION_MAX_CHARS]


@dataclass(frozen=True)
class SlotRule:
    """How one form question is answered."""

    read: Callable[[Said, Context], Any]  # the answer in a message, or None
    questions: Questions
    free_text: bool  # any words can be the answer: nothing else is picked out of it


SLOT_RULES: Dict[str, SlotRule] = {
    "client_name": SlotRule(_read_name, Questions.CLEAR_OR_UNREAD, free_text=False),
    "contact": SlotRule(_read_contact, Questions.CLEAR_OR_UNREAD, free_text=False),
    "requested_time": SlotRule(_read_when, Questions.CLEAR_OR_UNREAD, free_text=False),
    "service": SlotRule(_read_session, Questions.CLEAR_OR_UNREAD, free_text=False),
    "include_glutes": SlotRule(_read_yes_no, Questions.CLEAR_OR_UNREAD, free_text=False),
    "booking_confirmed": SlotRule(_read_confirmation, Questions.CLEAR_OR_UNREAD, free_text=False),
    "booking_note": SlotRule(_read_note, Questions.CLEAR, free_text=True),
    "best_time": SlotRule(_read_callback_time, Questions.CLEAR, free_text=True),
    "callback_question": SlotRule(_read_callback_question, Questions.NEVER, free_text=True),
}


def _mid_form_topics(form: str) -> frozenset:
    return frozenset(topics.MID_BOOKING if form == BOOKING_FORM else topics.MID_CALLBACK)


# A note may mention an old, healed problem ("broke my wrist three years ago, completely healed"): not current.
_LONG_PAST = re.compile(
    r"\b(?:(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|few|several|many)\s+years?\s+ago"
    r"|last\s+year|as\s+a\s+(?:kid|child|teen(?:ager)?)|when\s+i\s+was\s+(?:a\s+kid|young|little|younger)"
    r"|(?:fully|completely|all|long\s+since)\s+(?:healed|recovered|better)|healed\s+(?:up|fine|well|completely|now))\b",
    re.IGNORECASE,
)
# ...unless something is happening now ("since this morning", "still", "two days ago").
_HAPPENING_NOW = re.compile(
    r"\b(?:today|tonight|right\s+now|at\s+the\s+moment|currently|this\s+(?:morning|afternoon|evening|week)"
    r"|last\s+night|yesterday|still|keeps?|started|suddenly|since\s+\w+|(?:a|one|two|three|four|five|few|couple"
    r"\s+of)\s+(?:days?|hours?|weeks?)\s+ago)\b",
    re.IGNORECASE,
)


def describes_current_warning(said: Said, free_text: bool, read: bool) -> bool:
    """A health warning sign happening now, as far as this answer shows.

    The red-flag patterns count, except in free text that only speaks of a
    long-past, healed problem. The classifier alone counts with high confidence:
    in a structured answer when nothing else was read, in free text only when it
    says something is happening now ("bleeding and cramping since this morning").
    """
    if said.warning_sign:
        return not (free_text and _LONG_PAST.search(said.text) and not _HAPPENING_NOW.search(said.text))
    if said.intent != RED_FLAG_INTENT or said.confidence < WARNING_CONFIDENCE:
        return False
    if free_text:
        return said.confidence >= 0.9 and bool(_HAPPENING_NOW.search(said.text))
    return not read


def decide(slot: str, form: str, said: Said, read: bool) -> Outcome:
    """What the message is, given the question `slot` of `form` was just asked.

    `read`: whether the message holds an answer to that question (SLOT_RULES[slot].read).
    The checks go from the most serious down; anything that is not a confident
    interruption is the answer (which the form may still refuse, with a reason).
    """
    rule = SLOT_RULES[slot]
    if describes_current_warning(said, rule.free_text, read):
        return Outcome.WARNING
    if is_cancel(said.text):
        return Outcome.CANCEL  # whatever the classifier made of it ("cancel, sorry" was the cancellation policy)
    if (
        form == BOOKING_FORM
        and said.intent == "talk_to_therapist"
        and said.confidence >= HANDOFF_CONFIDENCE
        and asks_for_person(said.text)
    ):
        return Outcome.HANDOFF
    if said.intent == "inappropriate_request" and said.confidence >= BOUNDARY_CONFIDENCE:
        return Outcome.BOUNDARY
    if said.intent == "other_language" and not read:
        return Outcome.BOUNDARY
    if rule.questions is Questions.NEVER or said.intent not in _mid_form_topics(form):
        return Outcome.ANSWER
    if said.payload:
        return Outcome.QUESTION  # a topic's button ("/pricing")
    worded_as_question = is_question(said.text) and not _PROPOSAL.match(said.text)
    if rule.free_text:
        worded_as_question = worded_as_question and not is_request(said.text)
    elif read:
        # "saturday?" answers the time question; "are you open saturday?" asks one.
        worded_as_question = bool(QUESTION_START.match(said.text)) and not _PROPOSAL.match(said.text)
    if worded_as_question and said.confidence >= QUESTION_CONFIDENCE:
        return Outcome.QUESTION
    if worded_as_question and not read and not rule.free_text and said.confidence >= UNREAD_QUESTION_CONFIDENCE:
        # "why would I want my glutes done?" (why_glutes 0.51, ask_for_glutes 0.46): a question, whichever.
        return Outcome.QUESTION
    if worded_as_question and said.intent == "out_of_scope" and not read:
        # Off-topic is all the classifier has to be right about: the boundary is the same whatever was asked.
        return Outcome.QUESTION
    if rule.questions is Questions.CLEAR_OR_UNREAD and not read and said.confidence >= UNREAD_TOPIC_CONFIDENCE:
        return Outcome.QUESTION
    return Outcome.ANSWER


@dataclass(frozen=True)
class Reading:
    """A message read against the question asked: what it is, and the answer in it (None if none)."""

    outcome: Outcome
    value: Any

    @property
    def is_answer(self) -> bool:
        return self.outcome is Outcome.ANSWER


def read_reply(slot: str, form: str, said: Said, context: Context) -> Reading:
    """The decision for `said` as a reply to `slot`'s question, with the answer it holds."""
    value = SLOT_RULES[slot].read(said, context)
    return Reading(decide(slot, form, said, value is not None), value)
