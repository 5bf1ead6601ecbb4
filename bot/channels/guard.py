"""What every public channel (REST, SMS, web chat) does around the bot, in one place.

- screen each message (bot.channels.screen): control characters out, empty
  messages answered with a prompt, long ones cut with a notice;
- rate limit each sender (bot.channels.ratelimit);
- never leave a client in silence: when the bot said nothing, explain why
  (bot.channels.outage), with the practice's phone number from the profile;
- read request bodies with a size cap, so an oversized body is refused early;
- hold a message for staff when they have the conversation (the assistant is
  switched off for the channel in the staff console, or the conversation is
  human-only): it is recorded in the conversation and the inbox, and the client
  hears that the team will reply (bot.conversations.controls).

A channel makes one ChannelGuard and asks it; the wording lives in bot.channels.notices.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from sanic.exceptions import PayloadTooLarge
from sanic.request import Request

from bot.channels import notices
from bot.channels.outage import ActionServerProbe, explain_silence
from bot.channels.ratelimit import Decision, RateLimit, SenderRateLimiter
from bot.channels.screen import ScreenedMessage, screen_message
from bot.conversations.controls import HUMAN_ONLY, Controls, shared_controls
from bot.practice.profile import current_profile

logger = logging.getLogger(__name__)


class BodyTooLarge(Exception):
    pass


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The request body, or BodyTooLarge past `limit` bytes (declared or sent).

    For routes registered with stream=True, so nothing past the limit is buffered.
    """
    declared = (request.headers.get("content-length") or "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge()
    if request.stream is None or request.body:  # already read (a non-streaming route)
        if len(request.body or b"") > limit:
            raise BodyTooLarge()
        return request.body or b""
    # Sanic enforces this while reading, and again when it drains what we refuse.
    request.stream.request_max_size = limit
    chunks = []
    size = 0
    try:
        while True:
            chunk = await request.stream.read()
            if chunk is None:
                break
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge()
            chunks.append(chunk)
    except PayloadTooLarge:
        raise BodyTooLarge() from None
    return b"".join(chunks)


# A text costs the client: in a human-only SMS conversation "the team will reply"
# is sent at most this often. Chat clients get it every time (a widget waits for a reply).
SMS_HOLD_NOTICE_EVERY_SECONDS = 600


async def record_held_message(agent: Any, sender: str, text: str, channel: str, reason: str) -> None:
    """Put a held message into the conversation's tracker, without NLU or a prediction,
    so the transcript shows it; action_listen closes the turn as Rasa's own would."""
    from rasa.shared.core.events import ActionExecuted, UserUttered

    processor = getattr(agent, "processor", None)
    if processor is None:
        return
    async with agent.lock_store.lock(sender):
        tracker = await processor.fetch_tracker_and_update_session(sender)
        tracker.update(UserUttered(text, input_channel=channel, metadata={"held_for_staff": reason}))
        tracker.update(ActionExecuted("action_listen"))
        await agent.tracker_store.save(tracker)


class ChannelGuard:
    """Screening, rate limiting, holding for staff and "never silent" for one public channel."""

    def __init__(
        self,
        style: str,
        rate_limit: Optional[RateLimit] = None,
        profile_loader: Optional[Callable[[], Any]] = None,
        probe: Optional[ActionServerProbe] = None,
        controls: Optional[Controls] = None,
    ) -> None:
        self.style = style  # notices.CHAT or notices.SMS
        self.limiter = SenderRateLimiter(rate_limit or RateLimit())
        self.probe = probe or ActionServerProbe()
        self._controls = controls  # None: the shared one for BOT_DATABASE_URL, looked up per use
        self._last_hold_notice: Dict[str, float] = {}
        # Read on every use, so an edited profile shows up without a restart.
        self._profile_loader = profile_loader or current_profile

    @classmethod
    def from_credentials(cls, style: str, credentials: Optional[Mapping[str, Any]], **kwargs: Any) -> ChannelGuard:
        return cls(style, RateLimit.from_settings(credentials), **kwargs)

    # -- before the bot ---------------------------------------------------------------
    def admit(self, sender: str) -> Decision:
        return self.limiter.check(sender)

    @staticmethod
    def screen(raw: object) -> ScreenedMessage:
        return screen_message(raw)

    def empty_prompt(self) -> str:
        return notices.empty_prompt(self.style)

    def cut_notice(self) -> str:
        return notices.cut_notice(self.style)

    def slow_down(self) -> str:
        return notices.slow_down(self.style)

    # -- staff instead of the bot ------------------------------------------------------
    async def hold_for_staff(self, agent: Any, channel: str, sender: str, text: str) -> Optional[str]:
        """None: the assistant answers. Otherwise staff have this conversation: the message
        is recorded (transcript and inbox) and the returned notice is what to send the
        client ("" for nothing)."""
        controls = self._controls or shared_controls()
        try:
            # Read in the last few seconds: answered here. A trip through a thread lets
            # other conversations' work in first, and this reply then waits for it.
            known, reason = controls.kept_hold_reason(channel, sender)
            if not known:
                reason = await asyncio.to_thread(controls.hold_reason, channel, sender)
        except Exception:  # the switches are a staff convenience; answering comes first
            logger.exception("could not read the assistant switches")
            return None
        if reason is None:
            return None
        try:
            await record_held_message(agent, sender, text, channel, reason)
        except Exception:
            logger.exception("could not add a held message to its conversation")
        try:
            await asyncio.to_thread(controls.hold, sender, channel, text, reason)
        except Exception:
            logger.exception("could not put a held message in the staff inbox")
        if self.style == notices.SMS and reason == HUMAN_ONLY:
            now = time.monotonic()
            if now - self._last_hold_notice.get(sender, -1e9) < SMS_HOLD_NOTICE_EVERY_SECONDS:
                return ""
            self._last_hold_notice[sender] = now
            if len(self._last_hold_notice) > 10000:  # bounded: forget the oldest half
                for old in sorted(self._last_hold_notice, key=self._last_hold_notice.get)[:5000]:
                    self._last_hold_notice.pop(old, None)
        return notices.team_will_reply(self.style)

    # -- after the bot ------------------------------------------------------------------
    def _contact(self) -> Tuple[str, str]:
        try:
            profile = self._profile_loader()
            return profile.phone, getattr(profile, "emergency_number", "")
        except Exception:  # a broken profile must not turn an apology into an error
            logger.exception("could not read the practice profile for a channel notice")
            return "", ""

    async def practice_contact(self) -> Tuple[str, str]:
        """(phone, emergency number); empty strings if the profile can't be read."""
        return await asyncio.to_thread(self._contact)

    async def trouble(self) -> str:
        phone, _ = await self.practice_contact()
        return notices.trouble(self.style, phone)

    async def silence_notice(self, agent: Any, sender: str) -> str:
        """What to tell a client whose message got no reply from the bot."""
        try:
            part = await explain_silence(agent, sender, self.probe)
        except Exception:
            logger.exception("could not find out why a message got no reply")
            part = None
        if part == notices.WITH_STAFF:
            return notices.with_staff(self.style)
        phone, emergency_number = await self.practice_contact()
        if part is None:
            logger.warning("the bot had no reply for a %s message", self.style)
            return notices.trouble(self.style, phone)
        logger.warning("the action server is down: told a %s client that %s is unavailable", self.style, part)
        return notices.unavailable(part, self.style, phone, emergency_number)
