"""Topic guesses that rest on no topic words: "what currency do they use in Japan?" is not pregnancy.

The classifier always picks its nearest topic, and for a question about
something else entirely it can be fairly sure of a wrong one. This check looks
at the words: a topic guess short of near-certain, in a message without a
single word the practice's own training examples use (or with more words from
elsewhere than from here), is a question about something else. Worded as a
question it gets the polite boundary (`out_of_scope`); otherwise it is unclear
(`nlu_fallback`). Arithmetic ("what's 17 times 23?") is off-topic by rule.

The same goes for a message the fallback found unclear whose best guess is
off-topic anyway. On the development set of real client questions it turns no
right answer into a boundary (measured with DIET and with the sentence-embedding
classifier): real questions use the practice's words ("massage", "sheet",
"sore"), quiz questions do not. Pure functions; bot.nlu.off_topic_guard runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from bot import topics
from bot.nlu.question_wording import is_question

OUT_OF_SCOPE = "out_of_scope"
UNCLEAR = "nlu_fallback"
# Above this the classifier's topic stands, whatever the words.
SURE = 0.9
# Below this an off-topic guess for words no example uses is no more than a guess.
UNSURE_OFF_TOPIC = 0.5
# A question of this many meaningful words, not one of them the practice's, is about something else.
OTHER_SUBJECT_WORDS = 2

# Topics whose examples define the practice's words, beside the article and practice topics.
_DOMAIN_INTENTS = frozenset(topics.ARTICLE_TOPICS + topics.PRACTICE_TOPICS) | {
    "book_appointment",
    "talk_to_therapist",
    "medical_red_flag",
}
# The guesses that are checked: the answers with facts in them.
GUARDED = frozenset(topics.ARTICLE_TOPICS + topics.PRACTICE_TOPICS)

_STOP_WORDS = frozenset(
    """
    a an the and or but if so to of in on at for with by from about as into over after before is are was were be
    been being am do does did have has had i me my mine you your yours we our us they them their it its this that
    these those there here what whats which who whom whose when where why how can could would will should shall
    may might must not no yes please thanks thank hi hello hey just any some all also very really too more most
    much many lot lots get got go going want need like know think ok okay one other thing things something
    anything im ive id ill youre dont doesnt cant wont isnt arent u ur r pls plz use used make made way best good
    hows wheres whos thats theres lets
    """.split()
)
_ARITHMETIC = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:times|x|\*|plus|\+|minus|divided\s+by|over|squared|to\s+the\s+power)\s*\d*|"
    r"\b(?:square\s+root|percent)\s+of\s+\d+",
    re.IGNORECASE,
)


def _stem(word: str) -> str:
    """A crude stem, enough to match "muscles" with "muscle" and "females" with "female"."""
    for suffix in ("ing", "ies", "es", "s", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def content_words(text: str) -> List[str]:
    """The message's words that carry meaning, lower-cased and stemmed."""
    text = (text or "").lower().replace("'", "").replace("\u2019", "")
    return [_stem(w) for w in re.findall(r"[a-z]+", text) if w not in _STOP_WORDS and len(w) >= 3]


@dataclass(frozen=True)
class Vocabulary:
    """Words of the training examples: the practice's own, all, and those only off-topic examples use."""

    domain: FrozenSet[str] = field(default_factory=frozenset)
    known: FrozenSet[str] = field(default_factory=frozenset)
    off_topic_only: FrozenSet[str] = field(default_factory=frozenset)

    @classmethod
    def from_examples(cls, examples: Iterable[Tuple[str, str]]) -> Vocabulary:
        """From (text, intent) training examples."""
        by_intent: Dict[str, Set[str]] = {}
        for text, intent in examples:
            by_intent.setdefault(intent, set()).update(content_words(text))
        domain = set().union(*(words for intent, words in by_intent.items() if intent in _DOMAIN_INTENTS))
        known = set().union(*by_intent.values()) if by_intent else set()
        off_topic = by_intent.get(OUT_OF_SCOPE, set()) - domain
        return cls(frozenset(domain), frozenset(known), frozenset(off_topic))

    def as_json(self) -> Dict[str, List[str]]:
        return {
            "domain": sorted(self.domain),
            "known": sorted(self.known),
            "off_topic_only": sorted(self.off_topic_only),
        }

    @classmethod
    def from_json(cls, data: Dict[str, List[str]]) -> Vocabulary:
        return cls(frozenset(data["domain"]), frozenset(data["known"]), frozenset(data["off_topic_only"]))


def off_topic_intent(text: str, intent: str, confidence: float, vocabulary: Vocabulary) -> Optional[str]:
    """`out_of_scope` or `nlu_fallback` when a topic guess rests on no topic words; None to keep the guess.

    No topic word at all, or more words that only off-topic examples use than
    topic words, turns a guess below SURE.
    """
    if text.startswith("/"):
        return None
    if _ARITHMETIC.search(text) and intent != OUT_OF_SCOPE:
        return OUT_OF_SCOPE
    words = content_words(text)
    if intent == OUT_OF_SCOPE and confidence < UNSURE_OFF_TOPIC and not is_question(text):
        # "qwpoeiru": not a question and not one word any example uses; the boundary would
        # answer nothing (and Rasa's fallback takes out_of_scope as a "no", not as unclear).
        return UNCLEAR if words and not any(w in vocabulary.known for w in words) else None
    if intent not in GUARDED:
        return None
    if not words and not is_question(text) and re.search(r"[a-z]", text, re.IGNORECASE):
        # "the thing from before": only pointing words, nothing to answer however sure the guess.
        return UNCLEAR
    if confidence >= SURE:
        return None
    support = [w for w in words if w in vocabulary.domain]
    # Words no example uses say nothing either way (clients have words of their own);
    # words only off-topic examples use count against the guess.
    elsewhere = [w for w in words if w in vocabulary.off_topic_only]
    if support and len(elsewhere) <= len(support):
        return None
    return OUT_OF_SCOPE if is_question(text) else UNCLEAR


def unclear_guess_off_topic(text: str, ranking: List[Tuple[str, float]], vocabulary: Vocabulary) -> bool:
    """An unclear question (the fallback's) with no practice words: off-topic when its best guess is
    off-topic or it has words enough of another subject."""
    guesses = [name for name, _ in ranking if name != UNCLEAR]
    if not guesses or not is_question(text):
        return False
    words = content_words(text)
    if any(w in vocabulary.domain for w in words):
        return False
    # Off-topic as the best guess, or enough words of another subject ("what currency do they use
    # in japan?"); "what currency?" alone, guessed as pricing, stays unclear.
    return guesses[0] == OUT_OF_SCOPE or len(words) >= OTHER_SUBJECT_WORDS
