"""The topic registry: every intent the assistant knows, and how each one is handled.

This is the one list of topic keys. The keys are the public contract in
docs/topics.md (evaluation and dashboards rely on them): add freely, rename none.
Everything else is derived from here: the intents in domain.yml and the rules in
data/rules/topics.yml (both written by `python -m bot.topics`, which `make train`
runs; `--check` fails when they are stale), which messages a form never takes as
an answer, which questions a form answers before going on, and how the fallback's
"Did you mean ...?" names a topic.

Adding a topic: a Topic below, its answer (a domain response `utter_<key>` for
article topics, or an entry under `answers:` in practice/profile.yml for practice
topics), and training examples in data/nlu/. Nothing else.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

from bot.paths import REPO_ROOT

ARTICLE = "article"  # answered from the practice's article: a domain response utter_<key>
PRACTICE = "practice"  # answered from the practice profile at run time (no retraining)
CONVERSATION = "conversation"  # greetings, handoffs, safety, boundaries, form answers

PRACTICE_ANSWER_ACTION = "action_practice_answer"
MID_FORM_ACTION = "action_answer_topic"


@dataclass(frozen=True)
class Topic:
    key: str
    section: str
    # How the fallback's "Did you mean ...?" names it; None: never offered there.
    did_you_mean: Optional[str] = None
    # A question or request: a form never takes the message as an answer to its question.
    question: bool = False
    # Answered inside the booking / callback form, which then asks its question again.
    mid_booking: bool = False
    mid_callback: bool = False

    @property
    def response(self) -> Optional[str]:
        """The domain response that answers it, for topics answered by one."""
        return f"utter_{self.key}" if self.section == ARTICLE or self.key in _ANSWERED_BY_RESPONSE else None


def _article(key: str, did_you_mean: str) -> Topic:
    return Topic(key, ARTICLE, did_you_mean, question=True, mid_booking=True)


def _practice(key: str, did_you_mean: str, mid_callback: bool = False) -> Topic:
    return Topic(key, PRACTICE, did_you_mean, question=True, mid_booking=True, mid_callback=mid_callback)


# Conversation topics whose answer is their own domain response (utter_<key>), also mid-form.
_ANSWERED_BY_RESPONSE = frozenset({"bot_challenge", "what_can_you_do", "thanks", "out_of_scope"})

TOPICS: Tuple[Topic, ...] = (
    # From the article
    _article("why_glutes", "why glutes are part of a good massage"),
    _article("glute_muscles", "which muscles the glutes are"),
    _article("conditions_helped", "whether glute massage can help your pain or stiffness"),
    _article("pregnancy", "massage while pregnant"),
    _article("technique", "how the glutes are massaged"),
    _article("soreness_pain", "whether it will hurt or feel sore"),
    _article("self_massage", "what you can do at home"),
    _article("draping_coverage", "how you'll be covered"),
    _article("underwear", "whether to keep your underwear on"),
    _article("when_in_session", "when in the session the glutes are done"),
    _article("aftercare_effects", "how you'll feel afterwards"),
    _article("ask_for_glutes", "asking for (or skipping) glute work"),
    # About the practice (answered from practice/profile.yml)
    _practice("hours", "our opening hours", mid_callback=True),
    _practice("pricing", "prices", mid_callback=True),
    _practice("location_contact", "where we are and how to reach us", mid_callback=True),
    _practice("cancellation_policy", "cancelling or changing a booking"),
    _practice("tipping", "tipping"),
    _practice("first_visit", "what to expect on your first visit"),
    _practice("payment_insurance", "payment and insurance"),
    _practice("therapist_preference", "choosing your therapist"),
    _practice("session_etiquette", "what's normal during a massage"),
    # What real clients also ask (answered from the profile's `answers:`)
    _practice("contraindications", "when massage isn't a good idea"),
    _practice("aftercare_tips", "what to do after your massage"),
    _practice("areas_worked", "which parts of the body are massaged"),
    _practice("services", "the kinds of massage we offer"),
    _practice("frequency", "how often to come"),
    _practice("benefits", "what massage is good for"),
    _practice("credentials", "our therapists' training and licences"),
    # Conversation and handoff
    Topic("book_appointment", CONVERSATION, "booking a visit"),
    # A booking the client already made: found by conversation, SMS number or reference (actions/existing_booking.py).
    Topic("booking_status", CONVERSATION, "checking on a booking you made", question=True),
    Topic("cancel_booking", CONVERSATION, "cancelling your booking", question=True),
    Topic("move_booking", CONVERSATION, "moving your booking to another time", question=True),
    Topic("running_late", CONVERSATION, "telling us you're running late", question=True),
    Topic("talk_to_therapist", CONVERSATION, "talking to a therapist", question=True),
    Topic("medical_red_flag", CONVERSATION, "a health concern", question=True),
    Topic("greet", CONVERSATION),
    Topic("goodbye", CONVERSATION, question=True),
    Topic("thanks", CONVERSATION, question=True, mid_booking=True),
    Topic("affirm", CONVERSATION),
    Topic("deny", CONVERSATION),
    Topic("bot_challenge", CONVERSATION, question=True, mid_booking=True, mid_callback=True),
    # Off-topic questions mid-form get the polite boundary, then the form's question again.
    Topic("out_of_scope", CONVERSATION, question=True, mid_booking=True, mid_callback=True),
    Topic("what_can_you_do", CONVERSATION, "what I can help with", question=True, mid_booking=True, mid_callback=True),
    Topic("stop", CONVERSATION, question=True),
    # Names, days and times given on their own.
    Topic("inform", CONVERSATION),
    # Sexual or harassing requests: a firm, friendly boundary.
    Topic("inappropriate_request", CONVERSATION, mid_booking=True, mid_callback=True),
    # Set by bot.nlu.boundary_detector.BoundaryDetector (no training examples).
    Topic("other_language", CONVERSATION, mid_booking=True, mid_callback=True),
    # The practice's own questions (profile `own_questions:`), set by
    # bot.nlu.own_question_detector.OwnQuestionDetector (no training examples).
    Topic("own_question", CONVERSATION, question=True, mid_booking=True, mid_callback=True),
)

BY_KEY: Dict[str, Topic] = {t.key: t for t in TOPICS}
KEYS: Tuple[str, ...] = tuple(BY_KEY)
ARTICLE_TOPICS: Tuple[str, ...] = tuple(t.key for t in TOPICS if t.section == ARTICLE)
PRACTICE_TOPICS: Tuple[str, ...] = tuple(t.key for t in TOPICS if t.section == PRACTICE)
NOT_AN_ANSWER: FrozenSet[str] = frozenset(t.key for t in TOPICS if t.question)
MID_BOOKING: Tuple[str, ...] = tuple(t.key for t in TOPICS if t.mid_booking)
MID_CALLBACK: Tuple[str, ...] = tuple(t.key for t in TOPICS if t.mid_callback)
DID_YOU_MEAN: Dict[str, str] = {t.key: t.did_you_mean for t in TOPICS if t.did_you_mean}


# -- the generated files ------------------------------------------------------------

RULES_PATH = REPO_ROOT / "data" / "rules" / "topics.yml"
DOMAIN_PATH = REPO_ROOT / "domain.yml"
_GENERATED = "# Written by `python -m bot.topics` from bot/topics.py (the topic registry): edit that, not this."
_DOMAIN_BEGIN = "# -- intents: written by `python -m bot.topics` from bot/topics.py; edit that, not this --"
_DOMAIN_END = "# -- end of generated intents --"
_SECTION_TITLES = {
    ARTICLE: "From the article",
    PRACTICE: "About the practice (answered from practice/profile.yml at run time)",
    CONVERSATION: "Conversation and handoff",
}


def _or_steps(keys: Tuple[str, ...]) -> List[str]:
    return ["  - or:"] + [f"    - intent: {key}" for key in keys]


def rules_text() -> str:
    lines = [_GENERATED, 'version: "3.1"', "", "rules:"]
    for topic in TOPICS:
        if topic.section == ARTICLE:
            lines += [
                f"- rule: {topic.key} is answered from the article",
                "  steps:",
                f"  - intent: {topic.key}",
                f"  - action: {topic.response}",
                "",
            ]
    lines += ["- rule: practice questions are answered from the practice profile", "  steps:"]
    lines += _or_steps(PRACTICE_TOPICS) + [f"  - action: {PRACTICE_ANSWER_ACTION}", ""]
    for form, keys, what in (
        ("booking_form", MID_BOOKING, "booking"),
        ("callback_form", MID_CALLBACK, "giving callback details"),
    ):
        lines += [
            f"- rule: a question while {what} is answered, then the form goes on",
            "  condition:",
            f"  - active_loop: {form}",
            "  steps:",
        ]
        lines += _or_steps(keys) + [
            f"  - action: {MID_FORM_ACTION}",
            f"  - action: {form}",
            f"  - active_loop: {form}",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def domain_text(current: str) -> str:
    """domain.yml with its intents block rewritten from the registry."""
    begin, end = current.index(_DOMAIN_BEGIN), current.index(_DOMAIN_END)
    lines = [_DOMAIN_BEGIN, "intents:"]
    for section in (ARTICLE, PRACTICE, CONVERSATION):
        lines.append(f"  # {_SECTION_TITLES[section]}")
        lines += [f"  - {t.key}" for t in TOPICS if t.section == section]
    return current[:begin] + "\n".join(lines) + "\n" + current[end:]


def stale_files() -> List[Path]:
    """The generated files that do not match the registry."""
    stale = []
    if not RULES_PATH.exists() or RULES_PATH.read_text(encoding="utf-8") != rules_text():
        stale.append(RULES_PATH)
    domain = DOMAIN_PATH.read_text(encoding="utf-8")
    if domain_text(domain) != domain:
        stale.append(DOMAIN_PATH)
    return stale


def write_files() -> List[Path]:
    written = stale_files()
    for path in written:
        if path == RULES_PATH:
            path.write_text(rules_text(), encoding="utf-8")
        else:
            path.write_text(domain_text(path.read_text(encoding="utf-8")), encoding="utf-8")
    return written


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.topics", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when the generated files are stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files()
        for path in stale:
            print(
                f"{_shown(path)} does not match bot/topics.py: run `python -m bot.topics`",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path in write_files():
        print(f"updated {_shown(path)} from bot/topics.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
