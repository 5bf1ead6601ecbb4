"""Deterministic red-flag check (pure Python) used beside the intent classifier.

A message that clearly describes a warning sign (numbness, sudden or severe
pain, a possible blood clot, recent surgery or injury, pregnancy warning signs,
chest pain or breathlessness, a rash, infection or contagious illness, anything
urgent) must never get a cheerful FAQ
answer, even when the classifier is unsure or wrong. The patterns are
deliberately plain so that a reviewer can read every one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Pattern

RED_FLAG_INTENT = "medical_red_flag"
ENTITY = "red_flag"

# Kinds that need emergency services rather than a routine doctor's visit.
URGENT_KINDS = frozenset({"chest_breathing", "urgent", "pregnancy_warning", "blood_clot"})

# A sign placed in the past ("had my appendix out as a kid") is history, not a warning now.
_LONG_AGO = re.compile(
    r"^[\w\s,']{0,25}\b((\d+|a few|several|many|two|three|ten|twenty) (years|decades) ago|as a (kid|child|teenager|baby)"
    r"|when i was (young|little|a kid|a child|a teenager|\d+)|in my (teens|twenties|thirties))",
    re.I,
)
_NEGATION = re.compile(r"\b(no|not|never|without|don'?t have|doesn'?t have|haven'?t had|none)\b[\w\s,']{0,25}$", re.I)


def _rx(*parts: str) -> Pattern[str]:
    return re.compile("|".join(parts), re.IGNORECASE)


_PAIN_WORDS = r"(pain|ache|aching|hurts?|hurting|agony)"
PATTERNS: Dict[str, Pattern[str]] = {
    "numbness_tingling": _rx(
        r"\bnumb(ness|ed)?\b",
        r"\btingl\w*",
        r"(?<!after having )(?<!after )\bpins and needles\b(?!\s+(wears?|wearing|wore) off)",
        r"\b(lost|losing|no) (the )?feeling\b",
        r"\bcan'?t feel my\b",
        r"\bfoot drop\b",
        r"\bfeels? like (it'?s|its|they'?re) (asleep|dead)\b",
        r"\bprickl\w*\b[\w\s,']{0,40}\b(won'?t|doesn'?t|not|never) (go|fade|stop|settle)",
        r"\b(foot|ankle)\b[\w\s]{0,10}\b(floppy|flops|slaps)\b",
        r"\b(felt|feels?|feeling) like cotton wool\b",
        r"\b(went|gone|goes|going) (dead|to sleep)\b",
        r"\bleg (gave|gives|keeps giving) (way|out)\b",
    ),
    "severe_pain": _rx(
        rf"\b(sudden(ly)?|severe|excruciating|unbearable|agoni[sz]ing|crippling|stabbing|intense|searing)\b[\w\s,']{{0,30}}\b{_PAIN_WORDS}",
        rf"\b{_PAIN_WORDS}\b[\w\s,']{{0,40}}\bworst (i'?ve|i have|ever|of my life)\b",
        rf"\b{_PAIN_WORDS}\b[\w\s,']{{0,25}}\b(came on suddenly|out of nowhere|is severe|unbearable|excruciating)",
        r"\bworst\b[\w\s]{0,15}\bpain\b",
        rf"\b{_PAIN_WORDS}\b[\w\s,']{{0,60}}\bworst\b[\w\s']{{0,12}}\bever\b",
        r"\b(10|ten) ?(/|out of) ?(10|ten)\b",
        r"\b(can'?t|cannot|couldn'?t|could not|unable to|barely|hardly) (walk|stand|put (any )?weight)",
        r"\b(mild|dull|slight|little|small)\b[\w\s,']{0,30}\b(turned|became|changed|got|gone|went)( in)?to\b[\w\s]{0,12}"
        r"\b(sharp|stabbing|shooting|severe|intense)",
        r"\b(sharp|stabbing|shooting|sudden)\b[\w\s,']{0,30}\bgroin\b",
        r"\b(went|gone|go|goes|was|is|locked|seized)\s+(up\s+)?(in|into)\s+(a\s+)?spasm",
        r"\b(can'?t|cannot|couldn'?t|could not|unable to|not able to)\s+(get|stand|sit)\s+up\b[\w\s,']{0,40}"
        r"\b(pain|back|hip|spasm|hurt\w*|agony)",
        r"\b(since|after)\b[\w\s,']{0,30}\b(massage|session|treatment)\b[\w\s,'.]{0,80}\b(shoot\w*|radiat\w*)\b[\w\s,']{0,30}"
        r"\b(leg|foot|arm)",
        r"\b(shoot\w*|radiat\w*)\b[\w\s,']{0,40}\b(leg|foot|arm)\b[\w\s,'.]{0,60}\b(since|after)\b[\w\s,']{0,20}"
        r"\b(massage|session|treatment)",
        rf"\b{_PAIN_WORDS}\b[\w\s,']{{0,30}}\b(so bad|crying|in tears|screaming)\b",
        r"\b(leg|foot|feet)\b[\w\s,']{0,25}\b(weak|weakness|gave way|giving way|dragging|drags)\b",
        r"\b(weak|weakness|dragging)\b[\w\s,']{0,25}\b(leg|foot|feet)\b",
        r"\b(knee|leg)s?\b[\w\s]{0,10}\b(buckled|buckles|buckling|gave way|gives way)\b",
        r"\b(can'?t|cannot|unable to) (lift|raise)\b[\w\s]{0,20}\bfoot\b",
    ),
    "blood_clot": _rx(
        r"\bblood ?clots?\b",
        r"\bdvt\b",
        r"\b(have|had|found|got|with|diagnosed with|there'?s|there is)\s+an?\s+(\w+\s+)?clot\b",
        r"\bclots?\b\s+(in|behind)\s+(my|his|her|the)\s+(leg|legs|calf|calves|knee|thigh|lung|lungs|arm)\b",
        r"\bdeep vein\b",
        r"\bthrombo\w*",
        r"\b(swollen|swelling|puffy|puffed( up)?|ballooned|swelled( up)?|hot|warm|red)\b[\w\s,']{0,60}\b(calf|calves|shin)\b",
        r"\b(calf|calves)\b[\w\s,']{0,40}\b(swollen|swelling|puffy|puffed( up)?|ballooned|swelled( up)?|hot|warm|red)\b",
        r"\b(one|left|right) (leg|calf)\b[\w\s,']{0,30}\b(swollen|swelling|bigger|fatter|larger|thicker|puffier|puffy|hot|hotter|warm|warmer|red)\b",
        # One leg measurably bigger than the other, however the sentence gets there.
        r"\b(calf|calves|leg|ankle)\b[^.?!]{0,120}\b(bigger|larger|fatter|thicker|puffier|more swollen)\b[\w\s]{0,15}"
        r"\bthan (the|my) other\b",
        r"\b(calf|calves|leg|ankle|thigh)\b[\w\s,']{0,120}\b(bigger|fatter|larger|thicker|puffier|wider)\b[\w\s]{0,20}\bthan the other\b",
        r"\b(leg|legs)\b[\w\s,']{0,20}\b(puffy|swollen)\b[\w\s,']{0,20}\b(red|hot|warm|sore|tender|painful)\b",
        r"\b(lower leg|back of (my|the|his|her) leg)\b[\w\s,']{0,50}\b(swollen|swelling|puffy)\b[\w\s,']{0,50}\b(warm|hot|red|shiny)\b",
        r"\bbehind (my|the) knee\b[\w\s,']{0,30}\b(swollen|swelling|red|hot|warm|painful|lump)\b",
        r"\b(swollen|swelling|red|hot|warm|painful)\b[\w\s,']{0,30}\bbehind (my|the) knee\b",
    ),
    "surgery_injury": _rx(
        r"\b(had|having|after|since|recovering from|post)\b[\w\s,'-]{0,25}\b(surgery|operation|op|replacement|c-section|caesarean|cesarean)\b",
        r"\b(surgery|operation)\b[\w\s,']{0,20}\b(last|this|a few|two|three|couple of)\b[\w\s]{0,10}\b(day|week|month)s?\b",
        r"\b(knee|hip|joint|shoulder) replacement\b",
        r"\b(surgery|operation|op|c-?section|caesarean|cesarean|replacement)\b[\w\s,']{0,10}\b(\d+|a|one|two|three|four|five|six|"
        r"a few|a couple of)\s+(days?|weeks?)\s+ago\b",
        r"\bspinal fusion\b",
        r"\b(surgeon|doctor|physio|gp)\b[\w\s']{0,25}\b(hasn'?t|has not|not yet|didn'?t|won'?t)\b[\w\s]{0,10}\bclear",
        r"\b(tackle|tackled|collision|collided|twisted|rolled|landed on|got hit|was hit)\b[\w\s,'.]{0,80}\b(swell\w*|swollen|bruis\w*|limp\w*)",
        r"\bhad (my|an?|the) [\w ]{2,20} (out|removed)\b",
        r"\bpost[- ]?op\b",
        r"\b(rear[- ]ended|t-?boned)\b",
        r"\b(tore|torn|ruptured|snapped)\b[\w\s]{0,15}\b(hamstring|muscle|ligament|tendon|acl|achilles|calf|groin)\b",
        r"\bfractur\w*",
        r"\b(broke|broken|cracked)\b[\w\s]{0,15}\b(bone|hip|leg|pelvis|tailbone|coccyx|rib|ankle|femur|wrist)",
        r"\b(car|bike|cycling|skiing|motorbike|motorcycle) (accident|crash)\b",
        r"\bwhiplash\b",
        r"\bstitches\b",
        r"\b(fell|fall|slipped)\b[\w\s,']{0,40}\b(yesterday|today|last (night|week)|this (morning|week)|days? ago|hurt|landed|injur\w*"
        r"|on (monday|tuesday|wednesday|thursday|friday|saturday|sunday))",
        r"\b(just|recently)\s+(hurt|injured|pulled|strained|sprained)\s+(my|myself|his|her|it)\b",
        r"\b(just|recently)\s+(got|been|was|had|have)\s+(an?\s+)?injur\w*",
        r"\b(yesterday|last week)\b[\w\s,']{0,20}\binjur\w*",
        r"\binjur\w*\b[\w\s,']{0,20}\b(yesterday|last week|days? ago|recently)\b",
    ),
    "pregnancy_warning": _rx(
        r"\b(bleeding|spotting|blood)\b[\w\s,']{0,60}\b(pregnan\w*|weeks|trimester|baby)\b",
        r"\b(pregnan\w*|weeks|trimester|expecting)\b[\w\s,'.]{0,80}\b(bleeding|spotting|leaking|contractions|cramping)\b",
        r"\bleaking (fluid|water)\b",
        r"\bfluid\b[\w\s,']{0,20}\b(leak\w*|trickl\w*|gush\w*|coming out)",
        r"\b(haven'?t|have not|not|can'?t|cannot) (felt|feel|feeling) (the |my )?baby\b",
        r"\b(haven'?t|have not|hasn'?t|not|can'?t|cannot) (felt|feel|feeling|been) (any |a single |the baby'?s? )?(kicks?|kicking|movements?)\b",
        r"\b(swell\w*|swollen|puffed|puffy)\b[\w\s,']{0,60}\bheadache\b",
        r"\b(waters?|water) (broke|broken|breaking)\b",
        r"\bbaby\b[\w\s,']{0,20}\b(moving|kicking|kicks)\b[\w\s,']{0,15}\b(less|much less|fewer|stopped|hasn'?t|not)\b",
        r"\b(less|fewer|no|reduced|not feeling( the)?) (baby )?(movements?|kicks?|kicking)\b",
        r"\bpre-?eclampsia\b",
        r"\b(didn'?t|don'?t|do not|did not|no longer|stopped|stop|not) (feel|feeling|felt) pregnant\b",
        r"\bpregnan\w* (symptoms?|feeling)\b[\w\s,']{0,20}\b(gone|disappeared|stopped|vanished|went away)",
        r"\b(i'?m|i am|am i|think i'?m|might be|could be) (having a |going to have a )?miscarr\w*",
        r"\b(blurry|blurred|spots in my|flashing lights|changes in my) vision\b",
        r"\b(seeing|see) (spots|stars|flashing lights)\b",
        r"\bsudden(ly)? swell\w*\b",
        r"\bswell\w* up (really |so )?sudden\w*",
        r"\b(pregnan\w*|weeks|wks|trimester|expecting|months along)\b[\w\s,']{0,50}\b(cramp\w*|belly pain|stomach pain|abdominal pain|pain in my (belly|stomach|tummy|abdomen)|pains? low in my (belly|tummy))",
        r"\b(cramp\w*|pain|pains)\b[\w\s,']{0,15}\b(belly|stomach|tummy|abdomen)\b[\w\s,']{0,50}\b(pregnan\w*|weeks|wks|trimester)\b",
        r"\b(pregnan\w*|preg|weeks|wks?|trimester|months along)\b[\w\s,']{0,50}\b(pain|pains)\b[\w\s,']{0,30}\b(belly|stomach|tummy|abdomen|bump)\b",
        r"\bbaby\b[\w\s,']{0,25}\b(hasn'?t been moving|not moving|isn'?t moving|stopped moving|quieter|much quieter|moving less|moving as much)",
        r"\bbaby\b[\w\s,']{0,20}\b(hasn'?t|hasnt|has not|not|hardly|barely)\b[\w\s]{0,6}\b(moved|moving|kicked|kicking)\b",
        r"\b(contractions|tightening\w*)\b[\w\s,']{0,25}\bevery (few|\d+) minutes\b",
        r"\b(waters?|water)\b[\w\s]{0,20}\b(broke|broken|breaking|leaking)\b",
    ),
    "chest_breathing": _rx(
        r"\bchest (pain|pains|tightness|pressure|hurts|is tight|feels tight)\b",
        r"\b(short(ness)? of|out of|catch my|can'?t catch my) breath\b",
        r"\bbreathless\w*",
        r"\b(can'?t|cannot|struggling to|hard to|trouble) breath(e|ing)\b",
        r"\bheart attack\b",
        r"\bpalpitations\b",
        r"\b(tight|heavy|pressure in( my)?|crushing)\b[\w\s]{0,10}\bchest\b",
        r"\bchest\b[\w\s,']{0,40}\b(left arm|jaw)\b",
        r"\b(pressure|tightness|squeez\w*|heaviness|weight)\b[\w\s]{0,6}\b(on|in|across|around) (my|the|her|his) chest\b",
        r"\bjaw\b[\w\s,']{0,30}\barm\b[\w\s]{0,15}\b(ache[sd]?|aching|hurt\w*|pain|numb|heavy)",
        r"\b(ache[sd]?|aching|pain|hurt\w*)\b[\w\s,']{0,15}\bjaw\b[\w\s,']{0,30}\barm\b",
        r"\b(winded|out of breath|gasping)\b",
        r"\b(pain|pains|tightness|pressure)\b[\w\s]{0,10}\bin (my|the|her|his) chest\b",
        r"\bheart\b[\w\s]{0,15}\b(racing|races|pounding|flutter\w*|skipping beats?)\b",
        r"\blight-?headed\b[\w\s,']{0,30}\b(stand|standing|get up|faint)\w*",
        r"\bbreathing('?s| is| has)?( been)?( really| very| so)? (labou?red|difficult|hard|painful|shallow)\b",
        r"\blabou?red breathing\b",
        r"\b(hurts?|painful|pain)\b[\w\s]{0,15}\b(deep breath|breathe in|breathing in)\b",
    ),
    "infection": _rx(
        r"\b(new|weird|strange|spreading|unexplained|mystery|odd)\s+(\w+\s+)?rash\b",
        r"\b(broke|broken|breaking|broken) out in (a |some )?(rash|hives)\b",
        r"\brash\b[\w\s,']{0,40}\b(spread\w*|what (do you think )?(it|this) (is|could be)|appeared|came up|popped up)",
        r"\b(tested|came back|test came back) positive for (hep\w*|mrsa|staph\w*|tb|tuberculosis|shingles|strep\w*|impetigo"
        r"|scabies|ringworm|chicken ?pox|measles)",
        r"\b(i|i'?ve|i'?m|i am)\b[\w\s']{0,25}\b(hepatitis|hep [abc]\b|mrsa|staph infection|impetigo|scabies|ringworm|shingles"
        r"|chicken ?pox|cellulitis|tuberculosis)",
        r"\b(i'?m|i am|might|could|may)\s+(still\s+)?(be\s+)?contagious\b",
        r"\b(looks?|is|got|getting|became|went|gone|might be|could be)\s+infected\b",
        r"\b(skin|wound|blood|bone|staph|leg|foot|toe|arm)\s+infection\b",
        r"\bfever\b[\w\s,']{0,30}\b(rash|infect\w*|stiff neck|wound)",
        r"\b(rash|infect\w*|wound)\b[\w\s,']{0,30}\bfever\b",
    ),
    "urgent": _rx(
        r"(?<!family )\bemergency\b",
        r"\b911\b",
        r"\bambulance\b",
        r"\b(fainted|passed out|blacked out|collapsed)\b",
        r"\b(going to|gonna|about to|might|would|could|i'?d|was going to|were going to) (pass out|faint|black out|collapse)\b",
        r"\b(felt|feel|feeling|went|going) (really |very |a bit |so )?faint\b",
        r"\bcirculation\b[\w\s]{0,20}\b(cut off|cutting off|being cut|stopped)",
        r"\b(have|had|got|getting|having|developed)\s+(\w+\s+)?vertigo\b",
        r"\b(since|after)\b[\w\s,']{0,40}\bvertigo\b",
        r"\bvertigo\b[\w\s,']{0,20}\b(since|after)\b",
        r"\b(face|mouth|smile)\b[\w\s]{0,20}\b(droop\w*|lopsided)\b",
        r"\bslurr\w*",
        r"\b(lost|losing|loss of|can'?t control( my)?|trouble controlling( my)?|no control (of|over)( my)?) (bladder|bowel)",
        r"\b(can'?t|cannot) (always )?hold (my )?(bladder|bowels?|pee|wee)\b",
        r"\bcontrol (of|over) (my |her |his )?(bladder|bowels?)\b",
        r"\b(wet|peed|soiled) myself\b",
        r"\b(can'?t|cannot|couldn'?t|don'?t|didn'?t)\s+(feel|tell|notice)\s+(when|if)\s+i\s+(need|needed|have|had)\s+to\s+"
        r"(pee|wee|urinate|poo|go to the (toilet|loo|bathroom))",
        r"\b(been having|having|had|keep having)\s+(a few |some |little )?accidents\b[\w\s,']{0,40}\b(pee|wee|bladder|toilet|loo)",
        r"\b(numb|no feeling)\b[\w\s]{0,20}\b(groin|saddle|between my legs)\b",
        r"\bhigh (fever|temperature)\b",
        r"\bfever (of|over) \d",
        r"\b(10[1-5]|3[89](\.\d)?) ?(degrees|f\b|c\b)",
        r"\bfever\b[\w\s,']{0,20}\b(chills|shivering|swollen|hot lump|red lump)\b",
        r"\bhigh temp\w*\b",
        r"\b(temp|temperature|fever)\b[\w\s,'.]{0,25}\b(shiver\w*|chills|shaking)\b",
        r"\b(temp|temperature|fever)( of| is| was)? ?(10[1-5]|3[89])(\.\d)?\b",
        r"\b(muddled|disorient\w*)\b(?!\s+(about|by|with|over|on)\b)",
        r"\b(know|knowing|knows|sure) what day it is\b",
        r"\b(shiver\w*|chills)\b[\w\s,']{0,20}\b(fever|temp|temperature)\b",
        r"\bstroke\b",
        r"\bseizure\b",
        r"\bsuicid\w*",
        r"\bkill myself\b",
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


# Phones type curly apostrophes ("couldn’t"); the patterns spell them straight.
_STRAIGHT_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def find_red_flag(text: str) -> Optional[RedFlag]:
    """The first clear red flag in the text, or None. Urgent kinds win ties."""
    text = (text or "").translate(_STRAIGHT_QUOTES)  # one character for one: positions stay
    found: List[RedFlag] = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            if _NEGATION.search(text[max(0, match.start() - 40) : match.start()]):
                continue  # "no numbness, just stiff" is not a red flag
            if _LONG_AGO.search(text[match.end() : match.end() + 60]):
                continue
            found.append(RedFlag(kind, match.group(0), match.start(), match.end()))
            break
    if not found:
        return None
    return sorted(found, key=lambda f: (not f.urgent, f.start))[0]
