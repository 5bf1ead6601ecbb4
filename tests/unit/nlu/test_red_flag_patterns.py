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


def test_urgent_kinds_win_over_others():
    flag = find_red_flag("I had surgery last week and now I have chest pain")
    assert flag.kind == "chest_breathing" and flag.urgent
    assert "blood_clot" in URGENT_KINDS and "numbness_tingling" not in URGENT_KINDS
