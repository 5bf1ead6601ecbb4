"""bot/rasa_tuning/dialogue_states.py inside the trained model: through whole conversations
(forms, interruptions, fallbacks, restarts) every state the policies ask for is the one
Rasa's own replay gives, and so is every reply."""

from __future__ import annotations

import asyncio
from typing import List

from rasa.shared.core.domain import Domain

from bot.rasa_tuning import dialogue_states

CONVERSATIONS = [
    ["hi", "why glutes?", "how much is 90 minutes?", "thanks", "bye"],
    ["can I book for thursday?", "Name's Jo Okafor", "415 555 0142", "wait is it ok if I'm pregnant?", "mon 10am"],
    ["asdfgh", "qwerty zxcv", "no", "what are your hours", "/restart", "what should I wear?"],
    ["I need someone to call me back", "Priya", "actually never mind", "do you work on hips?", "ok thanks"],
]


def test_states_and_replies_match_rasas_replay(trained_agent, monkeypatch):
    mismatches: List[str] = []
    asked = [0]

    def shadowed(self: Domain, tracker, *args, **kwargs):
        ours = dialogue_states.states_for_tracker_history(self, tracker, *args, **kwargs)
        theirs = dialogue_states._original(self, tracker, *args, **kwargs)
        asked[0] += 1
        if ours != theirs:
            mismatches.append(f"{tracker.sender_id} at {len(tracker.events)} events {kwargs}")
        return theirs  # the conversation goes on exactly as Rasa's own would

    async def play(sender: str, messages: List[str]) -> List[List[str]]:
        return [[r.get("text", "") for r in await trained_agent.handle_text(m, sender_id=sender)] for m in messages]

    dialogue_states.forget()
    monkeypatch.setattr(Domain, "states_for_tracker_history", shadowed)
    for index, messages in enumerate(CONVERSATIONS):
        asyncio.run(play(f"shadow-{index}", messages))
    assert asked[0] > 40 and mismatches == []

    # and the replies with our states are the replies with Rasa's
    monkeypatch.setattr(Domain, "states_for_tracker_history", dialogue_states._original)
    theirs = [asyncio.run(play(f"theirs-{i}", messages)) for i, messages in enumerate(CONVERSATIONS)]
    monkeypatch.setattr(Domain, "states_for_tracker_history", dialogue_states.states_for_tracker_history)
    ours = [asyncio.run(play(f"ours-{i}", messages)) for i, messages in enumerate(CONVERSATIONS)]
    assert ours == theirs
