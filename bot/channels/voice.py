"""Missed-call text-back: Twilio's voice webhook in, a short spoken message and one SMS out.

A therapist mid-massage can't take a call. Forward unanswered calls to a Twilio
number (or end a <Dial> there with `action=` this URL) and point its "A call comes
in" webhook (HTTP POST) at /webhooks/voice/webhook. The caller hears a short
apology and gets a text that starts a conversation with the assistant: their
reply reaches the SMS channel, where "1" books and "2" asks for a call back.

Configure it in credentials.yml as `bot.channels.voice.VoiceInput:`; every key is optional:

    bot.channels.voice.VoiceInput:
      public_url: https://example.org/webhooks/voice/webhook   # else env VOICE_PUBLIC_URL, else request.url
      state_path: var/sms_state.sqlite3                         # else env SMS_STATE_PATH (shared with SMS)
      text_back_every_hours: 4                                  # at most one text per caller this often
      sms_from: "+14155550101"                                  # else the number that was called

TWILIO_AUTH_TOKEN verifies X-Twilio-Signature exactly as on the SMS channel (a forged or
missing signature: 403) and, with TWILIO_ACCOUNT_SID, sends the text through Twilio's REST
API. A caller who texted STOP gets no text; neither does a withheld number.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Union

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.voice_response import VoiceResponse

from bot.channels.sms import TWIML_CONTENT_TYPE
from bot.channels.sms_state import SmsOption, SmsStateStore
from bot.channels.sms_text import fits_two_segments, to_sms_text
from bot.channels.twilio_webhook import (
    ALLOW_UNSIGNED_ENV_VAR,
    BadRequest,
    TwilioSignature,
    read_form,
    signature_settings,
)
from bot.practice.profile import current_profile
from bot.requests.contact import normalize_phone

logger = logging.getLogger(__name__)

ACCOUNT_SID_ENV_VAR = "TWILIO_ACCOUNT_SID"
PUBLIC_URL_ENV_VAR = "VOICE_PUBLIC_URL"
# Tests (and a Twilio-compatible proxy) only: where the REST API is.
API_BASE_URL_ENV_VAR = "TWILIO_API_BASE_URL"
DEFAULT_TEXT_BACK_EVERY_HOURS = 4.0
REST_TIMEOUT_SECONDS = 10
# What the caller's reply "1" or "2" means, as the SMS channel's numbered options.
TEXT_BACK_OPTIONS = (SmsOption("Book", "/book_appointment"), SmsOption("Call back", "/talk_to_therapist"))


def spoken_message(practice: str, texting: bool) -> str:
    who = f"You've reached {practice}. " if practice else ""
    if texting:
        return (
            f"Hello! {who}Sorry we can't take your call right now: we're with a client. "
            "We're sending you a text message now, so you can book or ask us anything by text. Goodbye!"
        )
    return (
        f"Hello! {who}Sorry we can't take your call right now: we're with a client. Please call again later. Goodbye!"
    )


def text_back_body(practice: str) -> str:
    """The SMS a caller gets: plain ASCII, two segments at most, options the SMS channel understands."""
    who = f"it's {practice}" if practice else "it's your massage studio"
    body = (
        f"Hi, {who}. Sorry we missed your call - we're with a client. Text here to book or ask "
        "anything and our assistant will help right away. Reply 1 to book, 2 for a call back, STOP to opt out."
    )
    text = to_sms_text(body)
    if fits_two_segments(text):
        return text
    return to_sms_text(
        "Sorry we missed your call - we're with a client. Text here to book or ask anything. "
        "Reply 1 to book, 2 for a call back, STOP to opt out."
    )


def twilio_rest_client(account_sid: str, auth_token: str, base_url: Optional[str] = None) -> Any:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=REST_TIMEOUT_SECONDS))
    if base_url:
        client.api.base_url = base_url.rstrip("/")
    return client


class VoiceInput(InputChannel):
    """Twilio voice webhook for missed calls (POST /webhooks/voice/webhook)."""

    @classmethod
    def name(cls) -> Text:
        return "voice"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(
            **signature_settings(credentials, PUBLIC_URL_ENV_VAR),
            account_sid=credentials.get("account_sid") or os.environ.get(ACCOUNT_SID_ENV_VAR),
            text_back_every_hours=float(credentials.get("text_back_every_hours") or DEFAULT_TEXT_BACK_EVERY_HOURS),
            sms_from=credentials.get("sms_from"),
            api_base_url=os.environ.get(API_BASE_URL_ENV_VAR),
        )

    def __init__(
        self,
        auth_token: Optional[str] = None,
        account_sid: Optional[str] = None,
        public_url: Optional[str] = None,
        state_path: Union[str, os.PathLike, None] = None,
        allow_unsigned: bool = False,
        text_back_every_hours: float = DEFAULT_TEXT_BACK_EVERY_HOURS,
        sms_from: Optional[str] = None,
        api_base_url: Optional[str] = None,
        store: Optional[SmsStateStore] = None,
        rest_client: Any = None,
        profile_loader: Optional[Callable[[], Any]] = None,
    ) -> None:
        self.signature = TwilioSignature(auth_token, public_url, allow_unsigned, "voice webhook")
        self.account_sid = (account_sid or "").strip() or None
        self.text_back_every_seconds = max(0.0, float(text_back_every_hours)) * 3600
        self.sms_from = (sms_from or "").strip() or None
        self.api_base_url = api_base_url
        self.store = store or SmsStateStore(state_path)
        self._rest_client = rest_client  # tests inject a fake; otherwise built on first text
        self._profile_loader = profile_loader or current_profile
        self._sending: List[asyncio.Task] = []

    # -- texting ------------------------------------------------------------------------
    def can_text(self) -> bool:
        return self._rest_client is not None or bool(self.account_sid and self.signature.auth_token)

    def _client(self) -> Any:
        if self._rest_client is None:
            self._rest_client = twilio_rest_client(self.account_sid, self.signature.auth_token, self.api_base_url)
        return self._rest_client

    def _practice_name(self) -> str:
        try:
            return to_sms_text(self._profile_loader().name)
        except Exception:  # a broken profile must not stop the call being answered
            logger.exception("voice webhook: could not read the practice profile")
            return ""

    def _send_text_back(self, caller: str, from_number: str, body: str) -> None:
        """Send (on a worker thread); on failure free the caller's slot so a later call can retry."""
        try:
            message = self._client().messages.create(to=caller, from_=from_number, body=body)
        except Exception as exc:
            self.store.release_text_back(caller)
            logger.error("voice webhook: the text-back to ***%s failed: %s: %s", caller[-2:], type(exc).__name__, exc)
            return
        self.store.save_options(caller, list(TEXT_BACK_OPTIONS))
        logger.info("voice webhook: texted the caller ***%s back (%s)", caller[-2:], getattr(message, "sid", "?"))

    async def _maybe_text(self, caller: Optional[str], called: str) -> bool:
        """Start a text-back if this caller may get one now; True when one is on its way."""
        from_number = self.sms_from or called
        if not caller or not from_number or not self.can_text():
            return False
        if await asyncio.to_thread(self.store.is_opted_out, caller):
            return False
        if not await asyncio.to_thread(self.store.claim_text_back, caller, self.text_back_every_seconds):
            logger.info("voice webhook: ***%s was texted recently; not again", caller[-2:])
            return False
        body = text_back_body(await asyncio.to_thread(self._practice_name))
        task = asyncio.ensure_future(asyncio.to_thread(self._send_text_back, caller, from_number, body))
        self._sending.append(task)
        task.add_done_callback(self._sending.remove)
        return True

    # -- the webhook ----------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        voice_webhook = Blueprint("voice_webhook", __name__)
        self.signature.announce("/webhooks/voice/webhook", ALLOW_UNSIGNED_ENV_VAR)
        if not self.can_text():
            logger.warning(
                "voice webhook: TWILIO_ACCOUNT_SID or TWILIO_AUTH_TOKEN is not set, so missed calls get the "
                "spoken message but no text-back."
            )

        @voice_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @voice_webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            try:
                fields = await read_form(request)
            except BadRequest as problem:
                return response.text(problem.reason, status=problem.status)
            if not self.signature.is_authentic(request, fields):
                logger.warning("voice webhook: refused a request with a missing or bad signature")
                return response.text("invalid signature", status=403)
            twiml = VoiceResponse()
            if fields.first("DialCallStatus") == "completed":
                return response.text(str(twiml), content_type=TWIML_CONTENT_TYPE)  # answered after all
            caller = normalize_phone(fields.first("From"))  # None for a withheld or odd number
            try:
                texting = await self._maybe_text(caller, fields.first("To").strip())
            except Exception:  # the state file, say: the caller still hears us
                logger.exception("voice webhook: could not arrange the text-back")
                texting = False
            twiml.say(spoken_message(await asyncio.to_thread(self._practice_name), texting))
            twiml.hangup()
            return response.text(str(twiml), content_type=TWIML_CONTENT_TYPE)

        return voice_webhook
