"""action_default_fallback: the offer of a person, remembered so a plain "yes" hands over."""

from __future__ import annotations

from actions.booking_form import ActionFinishBooking
from actions.default_fallback import ActionDefaultFallback
from tests.unit.actions.action_helpers import only_message, slot_values


def test_the_give_up_step_offers_a_person_and_remembers_it(run_action, make_tracker):
    events, dispatcher = run_action(ActionDefaultFallback(), make_tracker("blah blah", "nlu_fallback"))
    assert only_message(dispatcher)["response"] == "utter_default"
    # The unclear message is taken back first; the offer set after it survives the revert.
    assert [e["event"] for e in events] == ["rewind", "slot"]
    assert slot_values(events) == {"person_offered": True}


def test_a_booking_the_form_gave_up_on_offers_a_person_and_remembers_it(run_action, make_tracker):
    events, dispatcher = run_action(ActionFinishBooking(), make_tracker("555", slots={"gave_up": True}))
    assert "ask a therapist to contact you" in only_message(dispatcher)["text"]
    assert slot_values(events)["person_offered"] is True
