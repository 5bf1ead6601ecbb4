"""Thumbs up or down from the widget, over the socket: stored with the answered topic,
only for the socket's own conversation and only for an answer it was really given."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.webchat import WebChatInput
from bot.conversations.feedback import DOWN, UP, FeedbackStore
from tests.stand_ins import WidgetClient

ANSWER = "You're draped with a sheet the whole time."


class AnsweringAgent:
    """Answers every message with ANSWER and keeps the conversation like Rasa does."""

    def __init__(self) -> None:
        self.tracker_store = InMemoryTrackerStore(Domain.empty())
        self.lock_store = InMemoryLockStore()

    async def handle_message(self, message) -> None:
        tracker = await self.tracker_store.retrieve(message.sender_id) or DialogueStateTracker(message.sender_id, [])
        intent = {"name": "draping_coverage", "confidence": 0.9}
        tracker.update(UserUttered(message.text, intent=intent, parse_data={"intent": intent, "text": message.text}))
        tracker.update(ActionExecuted("utter_draping_coverage"))
        tracker.update(BotUttered(ANSWER))
        await self.tracker_store.save(tracker)
        await message.output_channel.send_text_message(message.sender_id, ANSWER)


async def wait_for_votes(store: FeedbackStore, count: int) -> list:
    for _ in range(100):
        votes = store.votes()
        if len(votes) >= count:
            return votes
        await asyncio.sleep(0.05)
    return store.votes()


@pytest.mark.asyncio
async def test_a_vote_is_stored_with_the_topic_and_can_be_changed(fake_rasa, tmp_path):
    channel = WebChatInput("user_uttered", "bot_uttered", None, True)
    channel.feedback_store = store = FeedbackStore(f"sqlite:///{tmp_path / 'feedback.db'}")
    async with fake_rasa(channel, AnsweringAgent()) as (base_url, _agent):
        client = await WidgetClient(base_url).connect()
        other = await WidgetClient(base_url).connect()
        try:
            await client.say("how will I be covered?")
            assert (await client.next_bot_message())["text"] == ANSWER
            emit = client.client.emit
            await emit("feedback", {"session_id": client.session_id, "text": ANSWER, "vote": "up"})
            [vote] = await wait_for_votes(store, 1)
            assert (vote.sender_id, vote.topic, vote.vote, vote.channel) == (
                client.session_id,
                "draping_coverage",
                UP,
                "socketio",
            )

            await emit("feedback", {"session_id": client.session_id, "text": ANSWER, "vote": "down"})
            # Refused: another conversation's id, an answer never given, a made-up vote.
            await emit("feedback", {"session_id": other.session_id, "text": ANSWER, "vote": "up"})
            await other.client.emit("feedback", {"session_id": other.session_id, "text": ANSWER, "vote": "up"})
            await emit("feedback", {"session_id": client.session_id, "text": "never said", "vote": "up"})
            await emit("feedback", {"session_id": client.session_id, "text": ANSWER, "vote": "love"})
            await asyncio.sleep(0.5)
            assert [(v.sender_id, v.vote) for v in store.votes()] == [(client.session_id, DOWN)]
            assert store.by_topic() == {"draping_coverage": (0, 1)}
        finally:
            await client.close()
            await other.close()
