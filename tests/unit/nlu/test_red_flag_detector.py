"""The Rasa component wins over a confident classifier and over the fallback."""

from __future__ import annotations

from bot.nlu.red_flag_detector import RedFlagDetector
from tests.unit.nlu.rasa_parts import classified


def test_overrides_fallback_and_a_confident_other_intent():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "ask_for_glutes", "confidence": 0.996},
        {"name": "medical_red_flag", "confidence": 0.001},
    ]
    [out] = RedFlagDetector().process([classified("just had stitches in my buttock, ok to massage?", ranking)])
    assert out.get("intent") == {"name": "medical_red_flag", "confidence": 1.0}
    names = [r["name"] for r in out.get("intent_ranking")]
    assert names[0] == "medical_red_flag" and "nlu_fallback" not in names and names.count("medical_red_flag") == 1
    assert [e["value"] for e in out.get("entities") if e["entity"] == "red_flag"] == ["surgery_injury"]


def test_leaves_ordinary_messages_and_button_payloads_alone():
    ranking = [{"name": "underwear", "confidence": 0.9}]
    plain = classified("do I keep my undies on", ranking)
    payload = classified("/medical_red_flag", [{"name": "medical_red_flag", "confidence": 1.0}])
    RedFlagDetector().process([plain, payload])
    assert plain.get("intent")["name"] == "underwear" and not plain.get("entities")
    assert not payload.get("entities")
