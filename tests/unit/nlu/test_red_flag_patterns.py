"""The deterministic red-flag check, on its own (no model)."""

from __future__ import annotations

import pytest

from bot.nlu.red_flag_patterns import URGENT_KINDS, find_red_flag


@pytest.mark.parametrize(
    "text, kind",
    [
        ("my left leg has gone numb since yesterday", "numbness_tingling"),
        ("pins and needles down to my toes", "numbness_tingling"),
        ("sudden stabbing pain in my lower back", "severe_pain"),
        ("my calf is swollen, red and warm", "blood_clot"),
        ("had hip surgery three weeks ago", "surgery_injury"),
        ("I'm 30 weeks pregnant and spotting", "pregnancy_warning"),
        ("chest pain when I climb stairs", "chest_breathing"),
        ("I passed out this morning", "urgent"),
        ("a searing ache in my hip since the weekend", "severe_pain"),
        ("the pain in my lower back is the worst I've ever felt", "severe_pain"),
        ("my right leg has felt heavy for days and the ankle is visibly bigger than the other one", "blood_clot"),
    ],
)
def test_clear_warning_signs_are_caught(text, kind):
    flag = find_red_flag(text)
    assert flag is not None and flag.kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "will it hurt?",
        "my hips are killing me since I started running",
        "I'm pregnant, is glute massage okay?",
        "I have no numbness, just stiff hips",
        "pain down the back of my thigh when I sit, can massage help?",
        "What if I have to cancel because of a family emergency?",
        "do I keep my undies on",
        "which massage is best for the worst kind of desk posture?",
        "my left calf is tighter than the other after running",
        "running 10 minutes late, sorry!",
    ],
)
def test_ordinary_questions_are_not_flagged(text):
    assert find_red_flag(text) is None


# Warning signs as real clients tell them: calmly, as a story, mid-session or afterwards, as an aside.
@pytest.mark.parametrize(
    "text, kind",
    [
        # heart: pressure or tightness rather than "chest pain"
        ("halfway through I noticed a heavy pressure on my chest and my left shoulder felt odd", "chest_breathing"),
        ("there's been a squeezing in my chest since lunch, probably nothing", "chest_breathing"),
        ("weird ache in my jaw and down my left arm this morning", "chest_breathing"),
        # fainting, circulation, stroke signs
        ("lying on my back I got hot and woozy and thought I was going to pass out", "urgent"),
        ("I felt really faint when I sat up off the table", "urgent"),
        ("my arm went white like the circulation was being cut off", "urgent"),
        ("since yesterday's session I've had vertigo every time I turn my head", "urgent"),
        ("my husband's words came out slurred and one side of his mouth was drooping", "urgent"),
        # a known clot
        ("the hospital told me last week I have a clot behind my knee, can you still do my legs?", "blood_clot"),
        ("my right calf has felt tight all week and now it's a good bit fatter than the other", "blood_clot"),
        # recent surgery counted in days or weeks
        ("my hernia operation was 12 days ago, is a back massage ok?", "surgery_injury"),
        ("C-section three weeks ago, can I come in for my shoulders?", "surgery_injury"),
        # pregnancy loss told as a feeling, or asked about as happening now
        ("since Sunday I just don't feel pregnant any more, is that weird?", "pregnancy_warning"),
        ("all my pregnancy symptoms have suddenly gone away", "pregnancy_warning"),
        ("I'm 9 weeks and I think I'm miscarrying", "pregnancy_warning"),
        ("33 weeks along and I haven't felt a single kick since breakfast", "pregnancy_warning"),
        # injury during or after a massage
        ("I couldn’t put weight on my right foot when I got home", "severe_pain"),
        ("the dull ache in my knee has turned into a stabbing pain", "severe_pain"),
        ("sharp pain low in my groin whenever I lift my leg", "severe_pain"),
        ("a searing ache in my lower back since I lifted the sofa", "severe_pain"),
        ("the pain in my neck this morning is the worst I've ever felt", "severe_pain"),
        ("my lower back went into spasm on the table and I could barely roll over", "severe_pain"),
        ("I can't get up off the sofa, the pain in my back is unreal", "severe_pain"),
        ("ever since Tuesday's massage there's pain shooting from my hip into my leg", "severe_pain"),
        ("a burning feeling radiating down my arm after the session", "severe_pain"),
        ("I just pulled my hamstring at football", "surgery_injury"),
        # bladder sensation or control lost
        ("my lower back is stiff and today I couldn't tell when I needed to wee", "urgent"),
        ("I've been having accidents this week, I just don't make it to the toilet", "urgent"),
        # rashes, infections, contagious illness told as an aside
        ("oh and I've got this strange itchy rash on my thigh, any idea what it is?", "infection"),
        ("I broke out in hives on Monday and they haven't gone", "infection"),
        ("by the way my GP says I have shingles", "infection"),
        ("forgot to mention, my test came back positive for MRSA", "infection"),
        ("the cut on my shin looks infected, it's red and oozing", "infection"),
        ("I might still be contagious, is that a problem?", "infection"),
    ],
)
def test_warning_signs_told_as_stories_are_caught(text, kind):
    flag = find_red_flag(text)
    assert flag is not None and flag.kind == kind, (text, flag)


@pytest.mark.parametrize(
    "text",
    [
        # everyday similes, aches and after-effects
        "my legs felt funny on the walk home, a bit like after pins and needles",
        "the prickly feeling was like pins and needles wearing off",
        "there's one spot between my shoulder blades that just hurts whenever I'm stressed",
        "is sports massage only for people with sports injuries?",
        "I felt a little light-headed getting off the table, is that normal?",
        "I was a bit woozy and tired the evening after my massage",
        "I felt a bit sick after my last massage, is that a thing?",
        "got a headache the evening after my massage",
        # general questions, not a current symptom
        "my mum says massage in early pregnancy risks a miscarriage, is that true?",
        "can massage help with vertigo or is it best avoided?",
        "is it ok to have a massage if I get rashes from some oils?",
        "how long after a bad cold should I wait before booking?",
        # a past problem given as the reason to book
        "at 30 weeks my back ached and my leg twinged when I stood, so I booked a prenatal massage",
        "my pecs and chest are tight from bench pressing, can you work on them",
        # history, someone else's illness
        "I broke my ankle skiing ten years ago, it's fine now",
        "had my tonsils out as a kid, does that go on the form?",
        "my daughter has chickenpox so I can't leave the house, can we rebook?",
        "I'm so stressed I can't think straight",
        "honestly the worst massage I've ever had, I want to complain",
    ],
)
def test_everyday_messages_with_symptom_words_are_not_flagged(text):
    assert find_red_flag(text) is None, find_red_flag(text)


def test_urgent_kinds_win_over_others():
    flag = find_red_flag("I had surgery last week and now I have chest pain")
    assert flag.kind == "chest_breathing" and flag.urgent
    assert "blood_clot" in URGENT_KINDS and "numbness_tingling" not in URGENT_KINDS
