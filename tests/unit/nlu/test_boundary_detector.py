"""The boundary component: clear wording always wins; an unsure classifier alone never gives the boundary reply."""

from __future__ import annotations

from bot.nlu.boundary_detector import MIN_CLASSIFIER_BOUNDARY_CONFIDENCE, BoundaryDetector
from tests.unit.nlu.rasa_parts import classified


def test_clear_sexual_wording_wins_over_the_classifier():
    ranking = [{"name": "pricing", "confidence": 0.9}]
    [out] = BoundaryDetector().process([classified("how much for a happy ending", ranking)])
    assert out.get("intent") == {"name": "inappropriate_request", "confidence": 1.0}


def test_an_unsure_boundary_guess_becomes_the_fallback():
    low = MIN_CLASSIFIER_BOUNDARY_CONFIDENCE - 0.15
    ranking = [{"name": "inappropriate_request", "confidence": low}, {"name": "underwear", "confidence": 0.3}]
    [out] = BoundaryDetector().process([classified("what if the therapist sees me in my boxers", ranking)])
    assert out.get("intent")["name"] == "nlu_fallback"
    assert [r["name"] for r in out.get("intent_ranking")] == ["inappropriate_request", "underwear"]


def test_a_confident_boundary_guess_and_other_intents_stay():
    sure = classified("I want her whole body on me", [{"name": "inappropriate_request", "confidence": 0.92}])
    other = classified("do I keep my undies on", [{"name": "underwear", "confidence": 0.2}])
    BoundaryDetector().process([sure, other])
    assert sure.get("intent") == {"name": "inappropriate_request", "confidence": 0.92}
    assert other.get("intent") == {"name": "underwear", "confidence": 0.2}
