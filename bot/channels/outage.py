"""Why did a message get no reply? Find out whether the action server is the cause.

Rasa runs a custom action by POSTing to the action server (RemoteAction.run in
rasa/core/actions/action.py). When that fails (refused, timed out, 5xx) it raises,
and MessageProcessor._run_action (rasa/core/processor.py) logs the exception and
carries on as if the action had returned no events. Booking starts with the custom
action `action_booking_intro` and handoff with `action_handoff`, so with the action
server down those messages get no reply at all, and the response says nothing.

So when a message got no reply, a channel asks two quick questions:
1. Does the action server answer? A GET of its /health (rasa_sdk serves it next to
   /webhook), with a short timeout, using the endpoint Rasa itself was given. The
   answer is kept for a few seconds, so a burst of silent replies probes once.
2. Which custom action ran for this message? Read from the conversation's tracker,
   it names the part that is unavailable: booking, a therapist, a safety answer,
   or practice information.

Nothing here runs on a normal, answered message.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterable, List, Optional, Tuple

import aiohttp
from rasa.shared.core.constants import DEFAULT_ACTION_NAMES
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.channels.notices import BOOKING, PRACTICE_INFO, SAFETY, THERAPIST, UNKNOWN_PART, WITH_STAFF

logger = logging.getLogger(__name__)

PROBE_TIMEOUT_SECONDS = 2.0
PROBE_CACHE_SECONDS = 5.0

# The custom actions and forms of domain.yml, by the part of the assistant they
# serve (tests/unit/channels/test_outage.py checks that each one is listed here).
BOOKING_ACTIONS = frozenset(
    {
        "action_booking_intro",
        "booking_form",
        "validate_booking_form",
        "action_ask_service",
        "action_ask_requested_time",
        "action_ask_booking_confirmed",
        "action_finish_booking",
        "action_cancel_request",
        # a booking already made: status, cancel, move, late
        "action_find_booking",
        "existing_booking_form",
        "validate_existing_booking_form",
        "action_ask_change_confirmed",
        "action_existing_booking",
    }
)
THERAPIST_ACTIONS = frozenset(
    {"action_handoff", "callback_form", "validate_callback_form", "action_finish_callback", "action_default_fallback"}
)
SAFETY_ACTIONS = frozenset({"action_red_flag"})
PRACTICE_INFO_ACTIONS = frozenset(
    {
        "action_practice_answer",
        "action_answer_topic",
        "action_default_ask_affirmation",
        "action_english_only",
        "action_own_question",
        # an unclear message: the closest answer the assistant has
        "action_closest_passage",
        "action_grounded_answer",
    }
)


def health_url(webhook_url: str) -> str:
    """The action server's /health next to its webhook: .../webhook -> .../health."""
    base = webhook_url.split("?", 1)[0].rstrip("/")
    if base.endswith("/webhook"):
        base = base[: -len("/webhook")]
    return base + "/health"


def part_for_action(name: str) -> str:
    if name in SAFETY_ACTIONS:
        return SAFETY
    if name in BOOKING_ACTIONS:
        return BOOKING
    if name in THERAPIST_ACTIONS:
        return THERAPIST
    return PRACTICE_INFO


def _is_custom(name: str) -> bool:
    return bool(name) and not name.startswith("utter_") and name not in DEFAULT_ACTION_NAMES


def custom_actions_of_last_turn(events: Iterable[Any]) -> List[str]:
    """Names of the custom actions (and forms) run since the latest user message."""
    names: List[str] = []
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and _is_custom(event.action_name or ""):
            names.append(event.action_name)
    names.reverse()
    return names


def unavailable_part(action_names: List[str]) -> str:
    """The part the client asked for: safety first, else the first custom action's."""
    parts = [part_for_action(name) for name in action_names]
    if SAFETY in parts:
        return SAFETY
    return parts[0] if parts else UNKNOWN_PART


class ActionServerProbe:
    """Is the action server answering? Cached briefly so bursts probe once."""

    def __init__(
        self,
        timeout: float = PROBE_TIMEOUT_SECONDS,
        cache_seconds: float = PROBE_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.cache_seconds = cache_seconds
        self._clock = clock
        self._last: Optional[Tuple[str, float, bool]] = None  # (url, checked_at, reachable)

    async def is_reachable(self, endpoint: Any) -> bool:
        """`endpoint` is Rasa's action EndpointConfig (None: no action server configured)."""
        url = getattr(endpoint, "url", None)
        if not url:
            return False
        now = self._clock()
        if self._last and self._last[0] == url and now - self._last[1] < self.cache_seconds:
            return self._last[2]
        reachable = await self._probe(endpoint, health_url(url))
        self._last = (url, self._clock(), reachable)
        return reachable

    async def _probe(self, endpoint: Any, url: str) -> bool:
        # Same headers, auth and CA file as Rasa's own calls to the action server.
        config = EndpointConfig(url, headers=endpoint.headers, basic_auth=endpoint.basic_auth, cafile=endpoint.cafile)
        try:
            await config.request(method="get", content_type=None, timeout=aiohttp.ClientTimeout(total=self.timeout))
            return True
        except ClientResponseError as problem:
            # It answered: only a server error means actions can't run.
            return problem.status < 500
        except Exception as problem:  # refused, timed out, DNS, TLS ...
            logger.warning("The action server at %s does not answer: %s", url, problem or type(problem).__name__)
            return False


async def explain_silence(agent: Any, sender_id: str, probe: ActionServerProbe) -> Optional[str]:
    """Why `sender_id`'s latest message got no reply: WITH_STAFF when the assistant
    paused itself for a therapist, the unavailable part (a bot.channels.notices
    constant) if the action server is down, else None."""
    if agent is None or not hasattr(agent, "action_endpoint"):
        return None  # not a Rasa agent (tests' stand-ins): nothing to probe
    try:
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:
        logger.exception("Could not read the tracker of a silent conversation")
        tracker = None
    if tracker is not None and tracker.is_paused():
        return WITH_STAFF
    if await probe.is_reachable(agent.action_endpoint):
        return None
    return unavailable_part(custom_actions_of_last_turn(tracker.events if tracker is not None else []))
