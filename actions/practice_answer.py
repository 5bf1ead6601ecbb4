"""Answers about the practice itself, read from the practice profile at run time.

One action serves every practice topic. A few topics are built from the
profile's facts by a function below; within them, a few keywords pick the
facet the client asked about ("where do I park?" gets parking first), so the
answer stays short instead of reciting the whole policy. Every other practice
topic is answered with the text the practice wrote under `answers:` in its
profile.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import BOOK, MORE, TALK, Reply, send
from bot import topics
from bot.answers.hours import answer_hours_question
from bot.practice import clock
from bot.practice.profile import PracticeProfile, current_profile


def _mentions(text: str, pattern: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


def _join(items: List[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- one function per topic: (profile, client text, now) -> Reply -------------


def answer_hours(p: PracticeProfile, text: str, now: dt.datetime) -> Reply:
    web, sms = answer_hours_question(p, text, now)
    return Reply(web, sms, buttons=(BOOK, MORE), sms_buttons=(("Book", BOOK[1]),))


def answer_pricing(p: PracticeProfile, text: str, now: dt.datetime) -> Reply:
    lines = [f"{s.name}: {p.price_text(s.price)}" for s in p.services]
    short = [f"{s.short_name} {p.price_text(s.price)}" for s in p.services]
    web = "Our prices:\n" + "\n".join(f"- {line}" for line in lines)
    if p.packages:
        web += f"\n{p.packages}"
    sms = "Prices: " + ", ".join(short) + "."
    if p.packages and _mentions(text, r"package|bundle|deal|discount|multi|series|pass"):
        sms += " " + p.packages
    return Reply(web, sms)


def answer_location(p: PracticeProfile, text: str, now: dt.datetime) -> Reply:
    a = p.address
    if _mentions(text, r"\b(home|house|mobile|come to (me|my|us)|travel|hotel|on.?site|outcall)\b"):
        web = f"{p.mobile_service} You're very welcome at our studio: {p.address_line}."
        return Reply(web, f"{p.mobile_service} Our studio: {p.address_line}.")
    if _mentions(text, r"\bpark"):
        parking = a.get("parking", "Please call us about parking.")
        return Reply(f"{parking} We're at {p.address_line}.", f"{parking} Address: {p.address_line}.")
    if _mentions(text, r"wheelchair|accessib|stairs|steps|lift|elevator|mobility"):
        access = a.get("accessibility", f"Please call {p.phone} and we'll talk through access.")
        return Reply(f"{access} We're at {p.address_line}.", f"{access} {p.address_line}.")
    if _mentions(text, r"phone|call|number|ring|email|e-mail|contact|text you|reach"):
        web = f"Call us on {p.phone}, text {p.sms}, or email {p.email}. We're at {p.address_line}."
        return Reply(web, f"Call {p.phone} or email {p.email}.")
    web = f"We're at {p.address_line}."
    if a.get("directions"):
        web += f" {a['directions']}"
    if a.get("parking"):
        web += f" Parking: {a['parking']}"
    web += f" Phone {p.phone}, email {p.email}."
    return Reply(web, f"We're at {p.address_line}. Call {p.phone}.")


def answer_cancellation(p: PracticeProfile, text: str, now: dt.datetime) -> Reply:
    pol = p.policies
    if _mentions(text, r"\blate\b|running behind|stuck in traffic|delayed"):
        body = pol["late_arrival"]
    elif _mentions(text, r"\b(sick|ill|unwell|flu|covid|cold|fever|poorly)\b"):
        body = pol["sick"]
    else:
        body = pol["cancellation"]
    web = (
        f"{body} To cancel or move a booking you've made, just tell me here (for example \"move my booking to "
        f'Friday"), or call {p.phone}.'
    )
    sms = f'{body} To cancel or move yours, just say so here, e.g. "move my booking to Friday".'
    return Reply(web, sms, buttons=(TALK, MORE), sms_buttons=(TALK,))


def answer_tipping(p: PracticeProfile, text: str, now: dt.datetime) -> Reply:
    tip = p.policies["tipping"]
    return Reply(tip, tip)


def answer_first_visit(p: PracticeProfile, text: str, now: dt.datetime) -> Reply:
    fv = p.first_visit
    arrive = f"Please arrive {fv['arrive_early_minutes']} minutes early"
    form = fv.get("intake_form_url")
    arrive_line = f"{arrive} to fill in a short health form" + (f" (or do it online: {form})." if form else ".")
    if _mentions(text, r"\b(wear|clothes|dress|outfit)\b"):
        return Reply(fv["what_to_wear"], fv["what_to_wear"])
    if _mentions(text, r"\b(eat|food|meal|drink|lunch|breakfast|hungry)\b"):
        return Reply(fv["eating"], fv["eating"])
    if _mentions(text, r"\b(bring|need to have)\b"):
        return Reply(fv["what_to_bring"], fv["what_to_bring"])
    if _mentions(text, r"\b(form|paperwork|intake|questionnaire)\b"):
        return Reply(arrive_line, arrive_line)
    web = (
        f"{arrive_line} Your therapist will ask about your health and what you'd like to focus on. "
        f"{fv['what_to_wear']} {fv['eating']}"
    )
    sms = (
        f"{arrive}. We'll ask about your health and goals. You undress to your comfort level and stay covered "
        f"by a sheet."
    )
    return Reply(web, sms)


def answer_payment(p: PracticeProfile, text: str, now: dt.datetime) -> Reply:
    pol = p.policies
    if _mentions(text, r"insur|claim|receipt|cover(ed)? by|benefit|superbill|extended health"):
        body = pol["insurance"]
    elif _mentions(text, r"\b(hsa|fsa|health savings|flexible spending)\b"):
        body = pol["hsa_fsa"]
    elif _mentions(text, r"gift|voucher|certificate|present"):
        body = pol["gift_cards"]
    else:
        body = f"We accept {_join(list(pol['payment_methods']))}. {pol['hsa_fsa']}"
    return Reply(body, body)


def answer_therapist_preference(p: PracticeProfile, text: str, now: dt.datetime) -> Reply:
    def who(therapists) -> str:
        return _join([t.name for t in therapists])

    if _mentions(text, r"pregnan|prenatal|expecting|trimester|bump"):
        chosen = [t for t in p.therapists if "prenatal" in t.specialties]
        if chosen:
            body = f"{who(chosen)} {'is' if len(chosen) == 1 else 'are'} trained in prenatal massage."
            return Reply(body + " Ask for them when you book.", body + " Ask when you book.")
    for gender, words in (("female", r"female|woman|women|lady|girl"), ("male", r"\bmale\b|\bman\b|\bmen\b|guy")):
        if _mentions(text, words):
            chosen = [t for t in p.therapists if t.gender == gender]
            if chosen:
                body = f"Of course. {who(chosen)} can see you. Just ask when you book."
                return Reply(body, body)
    team = "; ".join(f"{t.name} ({', '.join(t.specialties)})" if t.specialties else t.name for t in p.therapists)
    web = (
        f"Of course. You can ask for a female or male therapist, or someone by name. Our team: {team}. Just "
        f"mention it when you book."
    )
    sms = f"Yes, ask for a female or male therapist or someone by name ({who(p.therapists)}) when you book."
    return Reply(web, sms)


def answer_etiquette(p: PracticeProfile, text: str, now: dt.datetime) -> Reply:
    return Reply(p.etiquette, p.etiquette)


ANSWERS: Dict[str, Callable[[PracticeProfile, str, dt.datetime], Reply]] = {
    "hours": answer_hours,
    "pricing": answer_pricing,
    "location_contact": answer_location,
    "cancellation_policy": answer_cancellation,
    "tipping": answer_tipping,
    "first_visit": answer_first_visit,
    "payment_insurance": answer_payment,
    "therapist_preference": answer_therapist_preference,
    "session_etiquette": answer_etiquette,
}


def written_answer(p: PracticeProfile, topic: str) -> Reply:
    """The practice's own answer from the profile's `answers:`; a person when it wrote none."""
    answer = p.answers.get(topic)
    if answer is None:
        web = f"A therapist can answer that best. Call us on {p.phone}, or ask here to talk to a therapist."
        return Reply(
            web, f"A therapist can answer that best. Call {p.phone}.", buttons=(TALK, MORE), sms_buttons=(TALK,)
        )
    return Reply(answer.web, answer.sms)


def answers_topic(topic: Optional[str]) -> bool:
    """Whether this action answers the topic: a function above, or the profile's written answer."""
    return topic in ANSWERS or topic in topics.PRACTICE_TOPICS


def practice_answer(topic: str, text: str, now: dt.datetime, profile: Optional[PracticeProfile] = None) -> Reply:
    """The reply for a practice topic, from the current profile."""
    profile = profile or current_profile()
    if topic in ANSWERS:
        return ANSWERS[topic](profile, text or "", now)
    return written_answer(profile, topic)


class ActionPracticeAnswer(Action):
    def name(self) -> Text:
        return "action_practice_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        topic = tracker.get_intent_of_latest_message()
        if not answers_topic(topic):
            dispatcher.utter_message(response="utter_what_can_you_do")
            return []
        text = tracker.latest_message.get("text") or ""
        send(dispatcher, tracker, practice_answer(topic, text, clock.now()))
        return []
