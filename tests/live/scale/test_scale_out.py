"""Scale-out: two Rasa servers behind a round-robin proxy, sharing PostgreSQL and Redis.

Conversations live in the PostgreSQL tracker store and each one is locked in
Redis while a message is handled, so any replica can take any message. These
tests prove it end to end: a booking form started on one server carries on on
the other, nothing is lost or doubled in the stored conversation, parallel
conversations keep to themselves, and while a conversation is locked in Redis
neither server handles its messages; they then go through one after the other.

Run: .venv/bin/python -m pytest tests/live/scale -q (needs Debian's postgresql and redis-server).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import pytest

from bot.practice.profile import current_profile
from tests.conftest import run_cli
from tests.live.scale.cluster import LOCK_KEY_PREFIX, LOCK_STORE_DB, TRACKER_DATABASE, Cluster
from tests.live.scale.proxy import SERVED_BY_HEADER, SERVED_PATH

# `scale` is not registered in pytest.ini yet; unknown marks only warn.
pytestmark = [pytest.mark.e2e, pytest.mark.scale]

REPLY_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Turn:
    message: str
    replies: List[Dict]
    served_by: str  # the proxy's backend index, or the server's URL when sent directly

    @property
    def texts(self) -> List[str]:
        return [reply.get("text") or "" for reply in self.replies]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def say(base: str, sender: str, message: str) -> Turn:
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=REPLY_TIMEOUT_SECONDS) as response:
        return Turn(message, json.loads(response.read()), response.headers.get(SERVED_BY_HEADER) or base)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=REPLY_TIMEOUT_SECONDS) as response:
        return json.loads(response.read())


def tracker_events(cluster: Cluster, server: str, sender: str) -> List[Dict]:
    query = urllib.parse.urlencode({"token": cluster.api_token})
    return get_json(f"{server}/conversations/{urllib.parse.quote(sender)}/tracker?{query}")["events"]


def proxy_log(cluster: Cluster) -> List[Dict]:
    return get_json(cluster.proxy + SERVED_PATH)


def turns_in(events: Sequence[Dict]) -> List[Tuple[str, List[str]]]:
    """(user text, bot texts) per user message, checking every turn ran to the end.

    A turn is complete when the bot went back to listening before the next
    user message; two messages handled at once would break that.
    """
    turns: List[Tuple[str, List[str]]] = []
    listening = True
    for event in events:
        if event["event"] == "user":
            assert listening, f"a user message arrived before the previous turn ended: {event.get('text')!r}"
            turns.append((event.get("text") or "", []))
            listening = False
        elif event["event"] == "bot":
            assert turns, f"a bot message before any user message: {event.get('text')!r}"
            turns[-1][1].append(event.get("text") or "")
        elif event["event"] == "action" and event.get("name") == "action_listen":
            listening = True
    assert listening, "the last turn never finished"
    return turns


def assert_no_duplicates(events: Sequence[Dict]) -> None:
    seen = [json.dumps(event, sort_keys=True) for event in events]
    assert len(seen) == len(set(seen)), "an event was stored twice"


def stored_user_and_bot_texts(cluster: Cluster, sender: str) -> List[Tuple[str, str]]:
    """The user and bot events as PostgreSQL holds them, in insertion order."""
    connection = cluster.postgres.connect(TRACKER_DATABASE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT type_name, data FROM events WHERE sender_id = %s AND type_name IN ('user', 'bot') ORDER BY id",
                (sender,),
            )
            return [(kind, json.loads(data).get("text") or "") for kind, data in cursor.fetchall()]
    finally:
        connection.close()


def stored_requests(cluster: Cluster) -> Dict[str, Dict]:
    listed = run_cli(cluster.env, "requests", "--all", "--json")
    assert listed.returncode == 0, listed.stderr
    return {row["reference"]: row for row in json.loads(listed.stdout)}


def booking_message(name: str, phone: str) -> str:
    return f"Book {name}, {phone}, next Tuesday 3pm, a 60 minute massage with glutes"


def reference_in(text: str) -> str:
    assert "reference RB-" in text, text
    return text.split("reference ")[1].split(")")[0]


def session_with_price(key: str) -> str:
    profile = current_profile()
    service = profile.service(key)
    return f"{service.name} ({profile.price_text(service.price)})"


def test_a_booking_form_carries_on_across_servers(cluster: Cluster):
    profile = current_profile()
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    already_served = len(proxy_log(cluster))

    question = say(cluster.proxy, sender, "why glutes?")
    assert "every step" in question.text.lower()
    opening = say(cluster.proxy, sender, booking_message("Jane Doe", "415 555 0142"))
    assert profile.booking_url.split("//")[-1] in opening.text  # the online link is always offered
    summary = say(cluster.proxy, sender, "no")  # the form asked only for a note
    for detail in ("Jane Doe", "+14155550142", session_with_price("massage_60")):
        assert detail in summary.text
    done = say(cluster.proxy, sender, "/affirm")
    reference = reference_in(done.text)
    turns = [question, opening, summary, done]

    # Each message went to the other server than the one before.
    served = [turn.served_by for turn in turns]
    assert all(a != b for a, b in zip(served, served[1:])) and set(served) == {"0", "1"}, served
    assert [entry["backend"] for entry in proxy_log(cluster)[already_served:]] == [int(s) for s in served]

    # Both servers read the same conversation: every turn once, in order, each with its replies.
    events = tracker_events(cluster, cluster.rasa_servers[0], sender)
    assert tracker_events(cluster, cluster.rasa_servers[1], sender) == events
    assert_no_duplicates(events)
    assert turns_in(events) == [(turn.message, turn.texts) for turn in turns]
    assert stored_user_and_bot_texts(cluster, sender) == [
        (kind, text) for turn in turns for kind, text in [("user", turn.message)] + [("bot", t) for t in turn.texts]
    ]

    # The booking reached the staff list once.
    requests = stored_requests(cluster)
    assert (requests[reference]["name"], requests[reference]["phone"]) == ("Jane Doe", "+14155550142")
    assert sum(1 for row in requests.values() if row["name"] == "Jane Doe") == 1


CLIENTS = [
    ("Sam Lee", "415 555 0143", "+14155550143"),
    ("Maria Lopez", "415 555 0144", "+14155550144"),
    ("Tom Brown", "415 555 0145", "+14155550145"),
]


def test_parallel_conversations_keep_to_themselves(cluster: Cluster):
    run = uuid.uuid4().hex[:6]
    senders = [f"parallel-{run}-{index}" for index in range(len(CLIENTS))]
    already_served = len(proxy_log(cluster))
    # Every client sends each message at the same moment as the others.
    in_step = threading.Barrier(len(CLIENTS), timeout=REPLY_TIMEOUT_SECONDS)

    def book(sender: str, name: str, phone: str) -> List[Turn]:
        turns = []
        try:
            for message in (booking_message(name, phone), "no", "/affirm"):
                in_step.wait()
                turns.append(say(cluster.proxy, sender, message))
        except BaseException:
            in_step.abort()  # let the others stop waiting
            raise
        return turns

    with ThreadPoolExecutor(len(CLIENTS)) as pool:
        futures = [pool.submit(book, sender, name, phone) for sender, (name, phone, _) in zip(senders, CLIENTS)]
        conversations = [future.result() for future in futures]

    served = [entry["backend"] for entry in proxy_log(cluster)[already_served:]]
    assert len(served) == 3 * len(CLIENTS) and set(served) == {0, 1}, served

    requests = stored_requests(cluster)
    references = set()
    for index, (sender, (name, _, phone), turns) in enumerate(zip(senders, CLIENTS, conversations)):
        summary, done = turns[1].text, turns[2].text
        assert name in summary and phone in summary, summary
        others = [detail for other, _, other_phone in CLIENTS if other != name for detail in (other, other_phone)]
        assert not any(detail in summary + done for detail in others), summary + done
        reference = reference_in(done)
        references.add(reference)
        assert (requests[reference]["name"], requests[reference]["phone"]) == (name, phone)

        events = tracker_events(cluster, cluster.rasa_servers[index % 2], sender)
        assert_no_duplicates(events)
        assert turns_in(events) == [(turn.message, turn.texts) for turn in turns]
    assert len(references) == len(CLIENTS)


def waiting_tickets(lock_store, sender: str) -> int:
    lock = lock_store.get_lock(sender)
    return len(lock.tickets) if lock else 0


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_conversation_is_locked_across_servers(cluster: Cluster):
    """While one server holds a conversation, the other waits for it, through Redis."""
    from rasa.core.lock_store import RedisLockStore

    profile = current_profile()
    sender = f"locked-{uuid.uuid4().hex[:8]}"
    first, second = "why glutes?", "how much is a 90 minute massage?"
    must_say = {first: "every step", second: profile.price_text(profile.service("massage_90").price)}
    lock_store = RedisLockStore(
        host=cluster.redis.host, port=cluster.redis.port, db=LOCK_STORE_DB, key_prefix=LOCK_KEY_PREFIX
    )
    # The test takes the conversation's lock first, as a busy replica would.
    held = lock_store.issue_ticket(sender)
    with ThreadPoolExecutor(2) as pool:
        try:
            # One message per server, queued one after the other so each gets its own ticket.
            replies = [pool.submit(say, cluster.rasa_servers[0], sender, first)]
            wait_until(lambda: waiting_tickets(lock_store, sender) == 2, "the first server to queue for the lock")
            replies.append(pool.submit(say, cluster.rasa_servers[1], sender, second))
            wait_until(lambda: waiting_tickets(lock_store, sender) == 3, "the second server to queue for the lock")
            assert not any(reply.done() for reply in replies), "a server answered without the conversation's lock"
        finally:
            lock_store.cleanup(sender, held)
        turns = [reply.result() for reply in replies]

    for turn in turns:
        assert must_say[turn.message] in turn.text, turn.text
    events = tracker_events(cluster, cluster.rasa_servers[1], sender)
    assert tracker_events(cluster, cluster.rasa_servers[0], sender) == events
    assert_no_duplicates(events)
    # Served in the order they queued, each turn whole, with exactly the replies its message got.
    assert turns_in(events) == [(turn.message, turn.texts) for turn in turns]
    assert waiting_tickets(lock_store, sender) == 0, "the lock was left behind"
