"""The practice's own questions and answers: written by staff in the console, kept in
the practice profile under `own_questions:`, answered at once without retraining.

    own_questions:
      - question: Do you sell gift vouchers for couples?
        answer: Yes! Couples vouchers are sold at the front desk and online.   # web chat
        sms: Yes, couples vouchers are at the front desk and online.           # text messages

A client's message is matched to the questions by a QuestionMatcher: a function
with the signature of bot.nlu.nearest_passage.nearest_passage (message, texts ->
the closest text's index and score) and the scores that count as a match. MATCHER
compares meaning (all-MiniLM-L6-v2 sentence vectors, bot.nlu.nearest_passage), so
"do you have an elevator" finds "Do you have a lift to the second floor?";
WORD_MATCHER compares content words and needs no model.

Edits go through add_own_question / remove_own_question, which rewrite the profile
file in place with ruamel.yaml, so the practice's comments and layout survive, and
only after the edited profile validates.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Mapping, NamedTuple, Optional, Sequence

from bot.nlu.nearest_passage import nearest_passage
from bot.practice.profile import ProfileError, load_profile, parse_profile, profile_path

FIELD = "own_questions"
MAX_QUESTION_CHARS = 300
MAX_ANSWER_CHARS = 1000
MAX_SMS_CHARS = 306  # two GSM-7 segments


class Match(NamedTuple):
    index: int  # position in the texts given
    text: str
    score: float


@dataclass(frozen=True)
class QuestionMatcher:
    match: Callable[[str, Sequence[str]], Match]
    threshold: float  # a score at or above this is a match
    clear: float  # at or above this, a match wins over an unsure topic guess
    # At or above this, the client asked what staff wrote, in the same or clearly the same
    # words: it wins even over a confident topic guess (staff wrote it because that guess
    # was wrong).
    strong: float


@dataclass(frozen=True)
class OwnQuestion:
    question: str
    answer: str
    sms: str


# -- matching ---------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "a an the and or but if of to in on at for with by from about as is are was were be been being am do does did "
    "i me my we our you your it its this that these those there here can could would should will shall may might "
    "have has had any some what which who whom how when where why please hi hello thanks thank just so too very "
    "get got im ive id dont".split()
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_words(text: str) -> set:
    words = _WORD.findall(text.lower().replace("'", ""))
    return {_stem(word) for word in words if word not in _STOPWORDS}


def _same_word(a: str, b: str) -> bool:
    # "after" and "afterwards", "shower" and "showers": one starts the other.
    return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


def token_overlap(message: str, texts: Sequence[str]) -> Match:
    """The text sharing the most content words with the message (Dice coefficient, 0..1)."""
    if not texts:
        raise ValueError("token_overlap needs at least one text")
    asked = content_words(message)
    best = Match(0, texts[0], 0.0)
    for index, text in enumerate(texts):
        words = content_words(text)
        shared = sum(1 for word in asked if any(_same_word(word, other) for other in words))
        shared = min(shared, len(words))
        # One shared word is chance unless both sides are that short.
        if not shared or (shared < 2 and min(len(asked), len(words)) > 1):
            continue
        score = 2 * shared / (len(asked) + len(words))
        if score > best.score:
            best = Match(index, text, score)
    return best


WORD_MATCHER = QuestionMatcher(token_overlap, threshold=0.5, clear=0.75, strong=0.8)

# Cosine scores measured on questions of our own (tests/unit/answers/test_own_questions.py,
# tests/model/test_own_questions.py): the same question reworded scores 0.74-0.99 ("is
# there a lift" 0.75, "shower?" 0.78, "is there a shower I can use afterwards" against
# "... after my massage?" 0.845, "gift vouchers for a couple?" 0.86), a different question
# on the same subject 0.44-0.68 ("how much are gift vouchers" 0.68, "can I bring my kid"
# against a dog 0.67). Not understood: 0.7 is a match. An unsure guess gives way at 0.8;
# a confident one at 0.84, a clear rewording of what staff wrote, well above any
# different question measured.
MATCHER = QuestionMatcher(nearest_passage, threshold=0.7, clear=0.8, strong=0.84)


def best_own_question(
    message: str, questions: Sequence[OwnQuestion], matcher: Optional[QuestionMatcher] = None
) -> Optional[tuple]:
    """(OwnQuestion, score) for the question that matches the message, or None."""
    matcher = matcher or MATCHER
    if not questions or not message.strip():
        return None
    found = matcher.match(message, [q.question for q in questions])
    if found.score < matcher.threshold:
        return None
    return questions[found.index], found.score


# -- reading ----------------------------------------------------------------------------


def parse_own_questions(data: Mapping[str, Any], path: Optional[Path] = None) -> List[OwnQuestion]:
    """The `own_questions:` list of a profile mapping, validated (ProfileError names the field)."""
    items = data.get(FIELD) or []
    if not isinstance(items, list):
        raise ProfileError(FIELD, "must be a list of question, answer and sms", path)
    questions = []
    for index, item in enumerate(items):
        name = f"{FIELD}[{index}]"
        if not isinstance(item, Mapping):
            raise ProfileError(name, "must have question, answer and sms", path)
        values = {}
        for key, limit in (("question", MAX_QUESTION_CHARS), ("answer", MAX_ANSWER_CHARS), ("sms", MAX_SMS_CHARS)):
            value = item.get(key)
            if not isinstance(value, str) or not value.strip():
                raise ProfileError(f"{name}.{key}", "is missing", path)
            if len(value) > limit:
                raise ProfileError(f"{name}.{key}", f"is longer than {limit} characters", path)
            values[key] = " ".join(value.split())
        questions.append(OwnQuestion(**values))
    return questions


def own_questions(profile: Any) -> List[OwnQuestion]:
    """The practice's own questions from a loaded PracticeProfile."""
    return parse_own_questions(profile.raw)


# -- editing ----------------------------------------------------------------------------

_edit_lock = threading.Lock()


def _round_trip():
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: comments, order and quoting are kept
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _rewrite(path: Path, change: Callable[[Any], bool]) -> None:
    yaml = _round_trip()
    document = yaml.load(path.read_text(encoding="utf-8"))
    if not change(document):
        return
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    text = buffer.getvalue()
    import yaml as pyyaml

    parse_profile(pyyaml.safe_load(text), path)  # the result must still be a valid profile
    parse_own_questions(pyyaml.safe_load(text), path)
    fd, temporary = tempfile.mkstemp(prefix=".profile-", suffix=".yml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)  # readers see the old file or the new one, never half
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def add_own_question(question: str, answer: str, sms: str, path: Optional[Path] = None) -> OwnQuestion:
    """Append a question and its answers to the profile; raises ProfileError if invalid."""
    path = Path(path or profile_path())
    added = parse_own_questions({FIELD: [{"question": question, "answer": answer, "sms": sms}]})[0]

    def change(document: Any) -> bool:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        items = document.get(FIELD)
        if items is None:
            items = CommentedSeq()
            document[FIELD] = items
            document.yaml_set_comment_before_after_key(
                FIELD,
                before="\nThe practice's own questions and answers, written by staff in the console\n"
                "(answered at once, no retraining). `sms` is the text-message answer.",
            )
        entry = CommentedMap()
        entry["question"], entry["answer"], entry["sms"] = added.question, added.answer, added.sms
        items.append(entry)
        return True

    with _edit_lock:
        _rewrite(path, change)
    return added


def remove_own_question(index: int, expected_question: str, path: Optional[Path] = None) -> bool:
    """Remove the question at `index` if it still reads `expected_question`; False otherwise
    (someone else changed the list meanwhile)."""
    path = Path(path or profile_path())
    removed = []

    def change(document: Any) -> bool:
        items = document.get(FIELD) or []
        if 0 <= index < len(items) and " ".join(str(items[index].get("question", "")).split()) == expected_question:
            del items[index]
            removed.append(index)
        return bool(removed)

    with _edit_lock:
        _rewrite(path, change)
    return bool(removed)


def current_own_questions(path: Optional[Path] = None) -> List[OwnQuestion]:
    """Read fresh from the file (the console shows what is on disk now)."""
    profile = load_profile(Path(path) if path else None)
    return own_questions(profile)
