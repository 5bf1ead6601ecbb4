"""Deterministic red-flag check (pure Python) used beside the intent classifier.

A message that clearly describes a warning sign (numbness, sudden or severe
pain, a possible blood clot, recent surgery or injury, pregnancy warning signs,
chest pain or breathlessness, anything urgent) must never get a cheerful FAQ
answer, even when the classifier is unsure or wrong. The patterns are
deliberately plain so that a reviewer can read every one of them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Pattern, Text

RED_FLAG_INTENT = "medical_red_flag"
ENTITY = "red_flag"

# Kinds that need emergency services rather than a routine doctor's visit.
URGENT_KINDS = frozenset({"chest_breathing", "urgent", "pregnancy_warning", "blood_clot"})

_NEGATION = re.compile(r"\b(no|not|never|without|don'?t have|doesn'?t have|haven'?t had|none)\b[\w\s,']{0,25}$", re.I)


def _rx(*parts: str) -> Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


_PAIN_WORDS = r"(pain|ache|aching|hurts?|hurting|agony)"
PATTERNS: Dict[str, Pattern[str]] = {
    "numbness_tingling": _rx(
        r"\bnumb(ness|ed)?\b", r"\btingl\w*", r"pins and needles", r"\b(lost|losing|no) (the )?feeling\b",
        r"\bcan'?t feel my\b", r"\bfoot drop\b", r"\bleg (gave|gives|keeps giving) (way|out)\b",
    ),
    "severe_pain": _rx(
        rf"\b(sudden(ly)?|severe|excruciating|unbearable|agoni[sz]ing|crippling|stabbing|intense)\b[\w\s,']{{0,30}}\b{_PAIN_WORDS}",
        rf"\b{_PAIN_WORDS}\b[\w\s,']{{0,25}}\b(came on suddenly|out of nowhere|is severe|unbearable|excruciating)",
        r"\bworst pain\b", r"\b(10|ten) out of (10|ten)\b", r"\b(can'?t|cannot|unable to|barely) (walk|stand|put weight)",
    ),
    "blood_clot": _rx(
        r"\bblood ?clots?\b", r"\bdvt\b", r"\bdeep vein\b", r"\bthrombo\w*",
        r"\b(swollen|swelling|puffy|hot|warm|red)\b[\w\s,']{0,40}\b(calf|calves|shin)\b",
        r"\b(calf|calves)\b[\w\s,']{0,40}\b(swollen|swelling|puffy|hot|warm|red)\b",
        r"\bone leg\b[\w\s,']{0,30}\b(swollen|swelling|bigger|puffy|hot|red)\b",
    ),
    "surgery_injury": _rx(
        r"\b(had|having|after|since|recovering from|post)\b[\w\s,'-]{0,25}\b(surgery|operation|op|replacement|c-section|caesarean|cesarean)\b",
        r"\b(surgery|operation)\b[\w\s,']{0,20}\b(last|this|a few|two|three|couple of)\b[\w\s]{0,10}\b(day|week|month)s?\b",
        r"\bfractur\w*", r"\b(broke|broken|cracked)\b[\w\s]{0,15}\b(bone|hip|leg|pelvis|tailbone|coccyx|rib|ankle|femur|wrist)",
        r"\b(car|bike|cycling|skiing|motorbike|motorcycle) (accident|crash)\b", r"\bwhiplash\b", r"\bstitches\b",
        r"\b(fell|fall|slipped)\b[\w\s,']{0,40}\b(yesterday|today|last (night|week)|this (morning|week)|days? ago|hurt|landed|injur\w*)",
        r"\b(just|recently|yesterday|last week)\b[\w\s,']{0,20}\binjur\w*", r"\binjur\w*\b[\w\s,']{0,20}\b(yesterday|last week|days? ago|recently)\b",
    ),
    "pregnancy_warning": _rx(
        r"\b(bleeding|spotting|blood)\b[\w\s,']{0,60}\b(pregnan\w*|weeks|trimester|baby)\b",
        r"\b(pregnan\w*|weeks|trimester|expecting)\b[\w\s,']{0,60}\b(bleeding|spotting|leaking|contractions|cramping)\b",
        r"\bleaking (fluid|water)\b", r"\b(waters?|water) (broke|broken|breaking)\b",
        r"\bbaby\b[\w\s,']{0,20}\b(moving|kicking|kicks)\b[\w\s,']{0,15}\b(less|much less|fewer|stopped|hasn'?t|not)\b",
        r"\b(less|fewer|no|reduced|not feeling( the)?) (baby )?(movements?|kicks?|kicking)\b",
        r"\bpre-?eclampsia\b", r"\b(blurry|blurred|spots in my|flashing lights|changes in my) vision\b",
        r"\bsudden(ly)? swell\w*\b",
    ),
    "chest_breathing": _rx(
        r"\bchest (pain|pains|tightness|pressure|hurts|is tight|feels tight)\b",
        r"\b(short(ness)? of|out of|catch my|can'?t catch my) breath\b", r"\bbreathless\w*",
        r"\b(can'?t|cannot|struggling to|hard to|trouble) breath(e|ing)\b", r"\bheart attack\b", r"\bpalpitations\b",
    ),
    "urgent": _rx(
        r"\bemergency\b", r"\b911\b", r"\bambulance\b", r"\b(fainted|passed out|blacked out|collapsed)\b",
        r"\b(lost|losing|loss of|can'?t control( my)?) (bladder|bowel)", r"\b(wet|peed|soiled) myself\b",
        r"\b(numb|no feeling)\b[\w\s]{0,20}\b(groin|saddle|between my legs)\b",
        r"\bhigh (fever|temperature)\b", r"\bstroke\b", r"\bseizure\b", r"\bsuicid\w*", r"\bkill myself\b",
    ),
}


@dataclass(frozen=True)
class RedFlag:
    kind: str
    matched: str
    start: int
    end: int

    @property
    def urgent(self) -> bool:
        return self.kind in URGENT_KINDS


def find_red_flag(text: str) -> Optional[RedFlag]:
    """The first clear red flag in the text, or None. Urgent kinds win ties."""
    found: List[RedFlag] = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text or ""):
            if _NEGATION.search(text[max(0, match.start() - 40): match.start()]):
                continue  # "no numbness, just stiff" is not a red flag
            found.append(RedFlag(kind, match.group(0), match.start(), match.end()))
            break
    if not found:
        return None
    return sorted(found, key=lambda f: (not f.urgent, f.start))[0]
