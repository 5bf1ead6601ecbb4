"""action_grounded_answer: the closest thing the assistant knows, said as such, with a person offered.

Runs after action_closest_passage (actions/closest_passage.py) found an article
or practice answer close enough to a message the classifier did not understand
(data/rules/conversation.yml). The passages are the assistant's own answers:
the article topics' domain responses (utter_<key>) and the practice topics'
answers from the profile, so the article's wording lives in one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.practice_answer import practice_answer
from actions.replies import BOOK, MORE, TALK, Reply, send
from bot import topics
from bot.answers.grounding import Passage, search_text
from bot.channels.sms_text import OPTIONS_ROOM, fit_to_segments, fits_with_options, to_sms_text
from bot.practice import clock
from bot.practice.profile import PracticeProfile

FOUND_SLOT = "passage_found"  # featurized: the rules branch on it
PASSAGE_SLOT = "closest_passage"  # the topic key of the passage found

# Practice answers built from the profile's facts change with the time of day
# ("open right now"); their search text is built for one fixed moment, so the
# passages are embedded once per profile, not once per minute.
SEARCH_MOMENT = dt.datetime(2026, 1, 7, 17, 0, tzinfo=dt.timezone.utc)

WEB_LEAD = "I'm not sure I understood, so here is the closest thing I know:"
WEB_TAIL = "If that isn't what you asked, a therapist will gladly help."
# By text the person is offered by the option line the SMS channel adds
# ("Reply 1 for Talk to a therapist."); the shorter lead is used when the longer
# one would not leave the answer whole in two segments.
SMS_LEADS = ("Not sure I got that. Closest I know:", "Closest I know:")


def _response_text(domain: Dict[Text, Any], name: str, channel: Optional[str]) -> Optional[str]:
    for variant in (domain.get("responses") or {}).get(name) or []:
        if variant.get("channel") == channel and variant.get("text"):
            return variant["text"]
    return None


def passages(domain: Dict[Text, Any], profile: PracticeProfile) -> List[Passage]:
    """Every article and practice answer, as passages to search."""
    found: Dict[str, Passage] = {}
    for topic in topics.TOPICS:
        if topic.key in found or not topic.did_you_mean:
            continue
        if topic.section == topics.ARTICLE:
            answer = _response_text(domain, topic.response, None)
        elif topic.section == topics.PRACTICE:
            answer = practice_answer(topic.key, "", SEARCH_MOMENT, profile).web
        else:
            continue
        if answer:
            found[topic.key] = Passage(topic.key, search_text(topic.did_you_mean, answer))
    return list(found.values())


def passage_answer(key: str, text: str, domain: Dict[Text, Any], now: dt.datetime) -> Optional[Reply]:
    """The passage's own answer, for the web and by text."""
    topic = topics.BY_KEY.get(key)
    if topic is None:
        return None
    if topic.section == topics.PRACTICE:
        return practice_answer(key, text, now)
    if topic.section == topics.ARTICLE:
        web = _response_text(domain, topic.response, None)
        if web:
            return Reply(web, _response_text(domain, topic.response, "sms") or web)
    return None


def _sms_body(answer: str) -> str:
    """A lead and the whole answer in two text segments with the option line, else cut to fit."""
    answer = to_sms_text(answer)
    for lead in SMS_LEADS:
        if fits_with_options(f"{lead} {answer}"):
            return f"{lead} {answer}"
    # Only an answer the practice lengthened lands here: cut it, keeping the lead.
    room = "\n" + "-" * OPTIONS_ROOM
    return fit_to_segments(f"{SMS_LEADS[-1]} {answer}", room)[: -len(room)]


def grounded_reply(answer: Reply) -> Reply:
    """The answer, said to be the closest thing known, with a person offered first."""
    return Reply(
        f"{WEB_LEAD}\n\n{answer.web}\n\n{WEB_TAIL}",
        _sms_body(answer.sms),
        buttons=(TALK, BOOK, MORE),
        sms_buttons=(TALK,),
    )


class ActionGroundedAnswer(Action):
    def name(self) -> Text:
        return "action_grounded_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        key = tracker.get_slot(PASSAGE_SLOT) or ""
        answer = passage_answer(key, tracker.latest_message.get("text") or "", domain, clock.now())
        if answer is None:  # the rules only come here with a passage; never leave the client unanswered
            dispatcher.utter_message(response="utter_ask_rephrase")
        else:
            send(dispatcher, tracker, grounded_reply(answer))
        return [SlotSet(FOUND_SLOT, None), SlotSet(PASSAGE_SLOT, None)]
