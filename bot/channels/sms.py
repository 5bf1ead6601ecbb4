"""SMS channel: Twilio's Messaging webhook in, TwiML out.

Configure it in credentials.yml as `bot.channels.sms.SmsInput:`; every key is optional:

    bot.channels.sms.SmsInput:
      public_url: https://example.org/webhooks/sms/webhook   # else env SMS_PUBLIC_URL, else request.url
      state_path: var/sms_state.sqlite3                      # else env SMS_STATE_PATH
      allow_unsigned: false                                  # else env SMS_ALLOW_UNSIGNED; dev only
      rate_limit: {burst: 10, refill_seconds: 2}             # see bot/channels/ratelimit.py

The auth token comes from env TWILIO_AUTH_TOKEN (or an `auth_token` key). Point the
Twilio number's "A message comes in" webhook (HTTP POST) at /webhooks/sms/webhook.

How it behaves:
- Every request must carry a valid X-Twilio-Signature, computed over `public_url`
  (what Twilio called, which differs from request.url behind a proxy) and the form
  fields. Missing or wrong signature: 403. With no auth token at all, every request is
  refused unless allow_unsigned is set, which is for local development only and
  logs a loud warning on start and on every request.
- The bot's replies go back in the HTTP response as TwiML, so they arrive in order.
  Several bot messages are joined into one SMS while they fit in two segments.
  Buttons become "Reply 1 for ..., 2 for ..."; a later reply of just "1" or "2" sends
  that button's payload. The last options per number live in SQLite for 24 hours.
- STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT opt the number out: one confirmation,
  then silence (an empty <Response/>) until START, UNSTOP or YES. HELP or INFO always
  gets a short help text. Opt-outs are stored in SQLite, so they survive restarts.
  Twilio's own Advanced Opt-Out may also answer these keywords; ours is the record the
  bot itself obeys.
- Every text goes through the shared screen (bot.channels.screen) first: control
  characters are dropped, an empty or media-only message gets a short "please type
  your question" reply, and a text over 1,000 characters is cut, with a note that
  only the first part was read.
- Per-number rate limit (bot.channels.ratelimit): over it, one polite "slow down"
  reply, then silence until the number's bucket refills; refused texts never reach
  the bot. STOP always works, and an opted-out number never hears "slow down".
- A redelivered MessageSid gets exactly the TwiML it got the first time (kept 48
  hours); a redelivery that arrives while the first is still being answered waits for
  that same answer. The bot never sees the message twice.
- Bad input is a 4xx, never a 500: wrong content type 415, oversized body 413 (the
  body is streamed, so it is refused before it is buffered), malformed form or
  missing From 400. If the bot fails or has nothing to say, the client gets a polite
  apology with the practice's phone number, saying what is unavailable when the
  action server is down (bot.channels.outage); that answer is not kept, so a
  redelivery tries again.

This channel can only answer; it cannot start a conversation (get_output_channel is None).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import string
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple, Union

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.guard import ChannelGuard
from bot.channels.notices import SMS
from bot.channels.ratelimit import RateLimit
from bot.channels.sms_state import SmsOption, SmsStateStore
from bot.channels.sms_text import (
    fit_to_two_segments,
    fits_two_segments,
    to_sms_text,
)
from bot.channels.twilio_webhook import (
    ALLOW_UNSIGNED_ENV_VAR,
    BadRequest,
    FormFields,
    TwilioSignature,
    read_form,
    signature_settings,
)
from bot.practice.profile import current_profile

__all__ = [
    "SmsInput",
    "SmsOutput",
    "SmsOption",
    "compose_sms_reply",
]

logger = logging.getLogger(__name__)

PUBLIC_URL_ENV_VAR = "SMS_PUBLIC_URL"

STOP_WORDS = frozenset({"stop", "stopall", "stop all", "unsubscribe", "cancel", "end", "quit"})
START_WORDS = frozenset({"start", "unstop", "yes"})
HELP_WORDS = frozenset({"help", "info"})

MAX_OPTIONS = 9  # one digit per choice keeps "Reply 1" unambiguous
MAX_SMS_PER_REPLY = 3

_OPTION_CHOICE = re.compile(r"^\s*#?\s*(\d{1,2})\s*[.)]?\s*$")
_KEYWORD_TRIM = string.whitespace + string.punctuation
TWIML_CONTENT_TYPE = "application/xml"


def _keyword(body: str) -> str:
    return " ".join(body.strip(_KEYWORD_TRIM).lower().split())


def twiml(bodies: List[str]) -> str:
    """TwiML with one <Message> per body (empty list: an empty <Response/>)."""
    reply = MessagingResponse()
    for body in bodies:
        reply.message(body)  # ElementTree escapes &, < and >
    return reply.to_xml()


class SmsOutput(CollectingOutputChannel):
    """Collects the bot's messages for one webhook call. Named "sms" so domain
    responses can carry a `channel: sms` variant."""

    @classmethod
    def name(cls) -> Text:
        return "sms"


def _options_line(options: List[SmsOption]) -> str:
    choices = ", ".join(f"{number} for {option.title}" for number, option in enumerate(options, 1))
    return f"Reply {choices}."


def _button_title(button: Dict[str, Any]) -> str:
    return to_sms_text(str(button.get("title") or button.get("payload") or "")).rstrip(".!?:;,")


def compose_sms_reply(messages: List[Dict[str, Any]]) -> Tuple[List[str], List[SmsOption]]:
    """Turn collected bot messages into (sms_bodies, options).

    Texts are folded to ASCII and joined line by line into as few SMS as fit in two
    segments each. The last message with buttons defines the numbered options, whose
    "Reply 1 for ..." line always ends the last SMS and is never cut.
    """
    texts: List[str] = []
    options: List[SmsOption] = []
    for message in messages:
        text = message.get("text")
        custom = message.get("custom")
        if not text and isinstance(custom, dict) and isinstance(custom.get("text"), str):
            text = custom["text"]
        if isinstance(message.get("attachment"), str) and not text:
            text = message["attachment"]
        if text:
            folded = to_sms_text(str(text))
            if folded:
                texts.append(folded)
        buttons = message.get("buttons") or []
        if buttons:
            options = [
                SmsOption(_button_title(b), str(b.get("payload") or b.get("title") or ""))
                for b in buttons[:MAX_OPTIONS]
                if isinstance(b, dict) and (b.get("payload") or b.get("title"))
            ]

    bodies: List[str] = []
    for text in texts:
        joined = f"{bodies[-1]}\n{text}" if bodies else text
        if bodies and fits_two_segments(joined):
            bodies[-1] = joined
        else:
            bodies.append(fit_to_two_segments(text))

    if options:
        tail = _options_line(options)
        if not bodies:
            bodies.append(fit_to_two_segments(tail))
        else:
            bodies[-1] = fit_to_two_segments(bodies[-1], "\n" + tail)

    if len(bodies) > MAX_SMS_PER_REPLY:
        # Keep the last SMS (it carries the options); squeeze the overflow before it.
        overflow = "\n".join(bodies[MAX_SMS_PER_REPLY - 2 : -1])
        bodies = bodies[: MAX_SMS_PER_REPLY - 2] + [fit_to_two_segments(overflow), bodies[-1]]
    return bodies, options


class SmsInput(InputChannel):
    """Rasa input channel for SMS through a Twilio phone number (webhook /webhooks/sms/webhook)."""

    @classmethod
    def name(cls) -> Text:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            **signature_settings(credentials, PUBLIC_URL_ENV_VAR),
            rate_limit=RateLimit.from_settings(credentials),
        )

    def __init__(
        self,
        auth_token: Optional[str] = None,
        public_url: Optional[str] = None,
        state_path: Union[str, os.PathLike, None] = None,
        allow_unsigned: bool = False,
        store: Optional[SmsStateStore] = None,
        profile_loader: Optional[Callable[[], Any]] = None,
        rate_limit: Optional[RateLimit] = None,
    ) -> None:
        self.signature = TwilioSignature(auth_token, public_url, allow_unsigned, "SMS channel")
        self.auth_token = self.signature.auth_token
        self.public_url = self.signature.public_url
        self.allow_unsigned = self.signature.allow_unsigned
        self.store = store or SmsStateStore(state_path)
        self._in_flight: Dict[str, asyncio.Future] = {}
        # Read on every use, so an edited profile shows up without a restart.
        self._profile_loader = profile_loader or current_profile
        self.guard = ChannelGuard(SMS, rate_limit, profile_loader=self._profile_loader)

    # -- the conversation -------------------------------------------------------------
    def _practice_contact(self) -> Tuple[str, str]:
        """(practice name, phone) for canned replies; generic if the profile is broken."""
        try:
            profile = self._profile_loader()
            return to_sms_text(profile.name), to_sms_text(profile.phone)
        except Exception:  # a bad profile must not stop STOP/HELP from working
            logger.exception("SMS channel: could not read the practice profile")
            return "", ""

    async def _help_text(self) -> str:
        # The profile is a file read: off the event loop like every other disk access.
        name, phone = await asyncio.to_thread(self._practice_contact)
        who = f"{name}: " if name else ""
        call = f" To talk to a person, call {phone}." if phone else ""
        return fit_to_two_segments(
            f"{who}I answer questions about our massage, hours, prices and booking.{call} Reply STOP to opt out."
        )

    async def _canned(self, key: str) -> str:
        name, phone = await asyncio.to_thread(self._practice_contact)
        call = f"call us at {phone}" if phone else "call us"
        texts = {
            "opted_out": (
                f"You're unsubscribed{' from ' + name if name else ''} and won't get more texts. "
                f"Reply START to come back. To cancel a booking, please {call}."
            ),
            "opted_in": "Welcome back! Ask me anything about your massage. Reply HELP for help, STOP to opt out.",
            "media_only": f"Thanks! I can only read text, not pictures or files. Please type your question, or {call}.",
        }
        return fit_to_two_segments(to_sms_text(texts[key]))

    @staticmethod
    def _sms(text: str) -> str:
        return fit_to_two_segments(to_sms_text(text))

    async def _ask_bot(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        message_sid: str,
        metadata: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """The bot's messages for one text, as collected (not yet made into SMS)."""
        collector = SmsOutput()
        await on_new_message(
            UserMessage(
                text,
                collector,
                sender,
                input_channel=self.name(),
                message_id=message_sid or None,
                metadata=metadata,
            )
        )
        return collector.messages

    async def _answer(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], fields: FormFields, agent: Any = None
    ) -> tuple:
        """Return (twiml, cacheable) for one authenticated message."""
        guard = self.guard
        sender = fields.first("From").strip()
        screened = guard.screen(fields.first("Body"))
        body = screened.text
        message_sid = fields.first("MessageSid") or fields.first("SmsSid")
        try:
            num_media = int(fields.first("NumMedia", "0") or 0)
        except ValueError:
            num_media = 0
        keyword = _keyword(body)
        store = self.store

        if keyword in STOP_WORDS:
            newly_opted_out = await asyncio.to_thread(store.opt_out, sender)
            await asyncio.to_thread(store.clear_options, sender)
            return twiml([await self._canned("opted_out")] if newly_opted_out else []), True

        opted_out = await asyncio.to_thread(store.is_opted_out, sender)
        decision = guard.admit(sender)
        if not decision.allowed:
            # Not kept for the MessageSid: a redelivery later may well be allowed.
            if opted_out or not decision.first_refusal:
                return twiml([]), False
            return twiml([self._sms(guard.slow_down())]), False

        if keyword in HELP_WORDS:
            return twiml([await self._help_text()]), True

        if opted_out:
            if keyword in START_WORDS:
                await asyncio.to_thread(store.opt_in, sender)
                return twiml([await self._canned("opted_in")]), True
            return twiml([]), True  # silence: the number has opted out

        if screened.is_empty:
            if num_media > 0:
                return twiml([await self._canned("media_only")]), True
            return twiml([self._sms(guard.empty_prompt())]), True

        text = body
        metadata: Dict[str, Any] = {"sms": {"message_sid": message_sid, "num_media": num_media}}
        choice = _OPTION_CHOICE.match(body)
        if choice:
            options = await asyncio.to_thread(store.load_options, sender)
            number = int(choice.group(1))
            if 1 <= number <= len(options):
                selected = options[number - 1]
                text = selected.payload
                metadata["sms"]["selected_option"] = selected.title

        held = await guard.hold_for_staff(agent, self.name(), sender, body)
        if held is not None:  # staff have this conversation
            return twiml([self._sms(held)] if held else []), True
        notes = [{"text": guard.cut_notice()}] if screened.was_cut else []
        try:
            messages = await self._ask_bot(on_new_message, sender, text, message_sid, metadata)
        except Exception:
            logger.exception("SMS channel: the bot failed to answer a message")
            return twiml([self._sms(await guard.trouble())]), False  # not cached: a retry may succeed

        bodies, options = compose_sms_reply(notes + messages)
        if not messages or not bodies:
            # Rasa answers nothing when, say, the action server is down; silence would
            # leave the client waiting, so say why (uncached: a retry may do better).
            notice = await guard.silence_notice(agent, sender)
            bodies, _ = compose_sms_reply(notes + [{"text": notice}])
            return twiml(bodies), False
        await asyncio.to_thread(store.save_options, sender, options)
        return twiml(bodies), True

    async def _answer_once(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]], fields: FormFields, agent: Any = None
    ) -> str:
        message_sid = fields.first("MessageSid") or fields.first("SmsSid")
        if not message_sid:
            return (await self._answer(on_new_message, fields, agent))[0]

        pending = self._in_flight.get(message_sid)
        if pending is not None:
            return await asyncio.shield(pending)

        async def answer_and_remember() -> str:
            saved = await asyncio.to_thread(self.store.saved_reply, message_sid)
            if saved is not None:
                logger.info("SMS channel: repeated MessageSid %s answered from the store", message_sid)
                return saved
            reply, cacheable = await self._answer(on_new_message, fields, agent)
            if cacheable:
                await asyncio.to_thread(self.store.save_reply, message_sid, reply)
            return reply

        # Registered before the first await, so a redelivery arriving meanwhile joins it.
        task = asyncio.ensure_future(answer_and_remember())
        self._in_flight[message_sid] = task
        task.add_done_callback(lambda _: self._in_flight.pop(message_sid, None))
        # Shielded: if Twilio hangs up, the answer still finishes and is saved for its retry.
        return await asyncio.shield(task)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms_webhook = Blueprint("sms_webhook", __name__)
        self.signature.announce("/webhooks/sms/webhook", ALLOW_UNSIGNED_ENV_VAR)

        @sms_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        # Streamed, so an oversized body is refused without being buffered first.
        @sms_webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                fields = await read_form(request)
            except BadRequest as problem:
                return response.text(problem.reason, status=problem.status)
            if not self.signature.is_authentic(request, fields):
                logger.warning("SMS channel: refused a webhook with a missing or bad signature")
                return response.text("invalid signature", status=403)
            if not fields.first("From").strip():
                return response.text("missing From", status=400)
            try:
                reply = await self._answer_once(on_new_message, fields, getattr(request.app.ctx, "agent", None))
            except Exception:  # e.g. the state file is unwritable: still answer politely
                logger.exception("SMS channel: could not answer a message")
                reply = twiml([self._sms(await self.guard.trouble())])
            return response.text(reply, content_type=TWIML_CONTENT_TYPE)

        return sms_webhook
