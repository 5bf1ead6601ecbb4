"""bot.nlu.language_detection: clearly non-English messages are spotted; English ones, names and oddities are not."""

from __future__ import annotations

import pytest

from bot.nlu.language_detection import other_language


@pytest.mark.parametrize(
    "text, language",
    [
        ("¿Cuánto cuesta un masaje de glúteos?", "spanish"),
        ("Estoy embarazada de cinco meses, ¿puedo hacerme un masaje?", "spanish"),
        ("Bonjour, je voudrais prendre rendez-vous pour un massage", "french"),
        ("est-ce que vous êtes ouverts le dimanche?", "french"),
        ("Ich bin schwanger, kann ich eine Massage haben?", "german"),
        ("Quanto custa uma massagem?", "portuguese"),
        ("Vorrei un appuntamento per domani", "italian"),
        ("按摩多少钱", "cjk"),
        ("Можно ли делать массаж беременным?", "cyrillic"),
        ("مرحبا، هل أنتم مفتوحون اليوم؟", "arabic"),
        ("마사지 예약하고 싶어요", "hangul"),
        ("hola", "greeting"),
        ("Merci!", "greeting"),
    ],
)
def test_other_languages_are_named(text, language):
    assert other_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "why glutes?",
        "is it okay while pregnant?",
        "r u open sun",
        "my hips are killing me since I started running",
        "hola, can I book a massage tomorrow?",  # mixed: English wins
        "Maria Lopez",
        "I'm José García, 415 555 0100",
        "de la Cruz here, can I book for Friday?",
        "El Camino Real parking?",
        "qwzx blorp",
        "😀😀😀",
        "",
        "   ",
        "12345",
        "<script>alert('hi')</script>",
        "'; DROP TABLE requests; --",
        "no",
        "ok gracias",
    ],
)
def test_english_names_and_odd_input_are_not_flagged(text):
    assert other_language(text) is None
