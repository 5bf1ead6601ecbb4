"""The safety answer for health warning signs: never an FAQ, never a diagnosis.

Urgent signs get emergency services first; other warning signs get "see your
doctor (or midwife) first" and an offer of a therapist callback.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.default_fallback import person_offered
from actions.replies import MORE, Reply, send
from bot.nlu.red_flag_patterns import ENTITY, URGENT_KINDS, find_red_flag
from bot.practice.profile import current_profile

WHAT_YOU_DESCRIBE = {
    "numbness_tingling": "numbness or tingling",
    "severe_pain": "sudden or severe pain",
    "surgery_injury": "a recent surgery or injury",
    "blood_clot": "signs that could mean a blood clot",
    "pregnancy_warning": "those pregnancy symptoms",
    "chest_breathing": "chest pain or trouble breathing",
    "infection": "a rash, an infection or a contagious illness",
    "urgent": "what you describe",
}
CALLBACK = ("Request a call back", "/talk_to_therapist")
# Descriptions that read as plural ("those pregnancy symptoms need ...").
PLURAL_DESCRIPTIONS = frozenset({"blood_clot", "pregnancy_warning"})


def red_flag_kind(tracker: Tracker) -> Optional[str]:
    """The kind tagged by the NLU red-flag check, else found again in the text."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == ENTITY:
            return entity.get("value")
    flag = find_red_flag(tracker.latest_message.get("text") or "")
    return flag.kind if flag else None


def clearance_reason(tracker: Tracker) -> Optional[str]:
    """What the client said in this conversation that needs a therapist's (and maybe a doctor's) OK.

    Any warning sign the red-flag check saw (recent surgery, a clot, pregnancy
    complications, ...), in the words the safety answer uses; None when there was none.
    """
    for event in tracker.events:
        if event.get("event") != "user" or (event.get("text") or "").startswith("/"):
            continue
        parse = event.get("parse_data") or {}
        kinds = [e.get("value") for e in parse.get("entities") or [] if e.get("entity") == ENTITY]
        if not kinds:
            flag = find_red_flag(event.get("text") or "")
            kinds = [flag.kind] if flag else []
        if kinds:
            return WHAT_YOU_DESCRIBE.get(kinds[0], WHAT_YOU_DESCRIBE["urgent"])
    return None


def safety_reply(kind: Optional[str], emergency_number: str) -> Reply:
    what = WHAT_YOU_DESCRIBE.get(kind or "", "what you describe")
    who = "your doctor or midwife" if kind == "pregnancy_warning" else "a doctor"
    if kind in URGENT_KINDS:
        web = (
            f"I'm sorry you're dealing with this. {what[0].upper() + what[1:]} "
            f"{'need' if kind in PLURAL_DESCRIPTIONS else 'needs'} medical help right away: "
            f"please call {emergency_number} or go to the nearest emergency department now"
            + (", or call your midwife or maternity unit." if kind == "pregnancy_warning" else ".")
            + " Please don't wait for a massage appointment. We're thinking of you."
        )
        sms = (
            f"This needs medical help now. Please call {emergency_number} or go to the nearest emergency department"
            + (" or call your midwife." if kind == "pregnancy_warning" else ".")
            + " Please don't wait for a massage."
        )
        return Reply(web, sms, buttons=(), sms_buttons=())
    web = (
        f"Thank you for telling me. With {what}, please see {who} before having any massage. "
        "I can't give medical advice here, and I don't want to guess. Once you've been checked, we'd love to help. "
        "Would you like a therapist to call you back?"
    )
    sms = f"Thanks for telling us. With {what}, please see {who} before any massage. Want a therapist to call you back?"
    return Reply(web, sms, buttons=(CALLBACK, MORE), sms_buttons=(CALLBACK,))


class ActionRedFlag(Action):
    def name(self) -> Text:
        return "action_red_flag"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        kind = red_flag_kind(tracker)
        send(dispatcher, tracker, safety_reply(kind, current_profile().emergency_number))
        # The non-urgent answer asks "Would you like a therapist to call you back?": a plain yes means yes.
        return [] if kind in URGENT_KINDS else [person_offered()]
