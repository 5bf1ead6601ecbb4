"""What every Twilio webhook shares: the form body, read safely, and its X-Twilio-Signature.

Used by the SMS channel (bot.channels.sms) and the missed-call voice webhook
(bot.channels.voice). Twilio signs each request with the account's auth token
over the URL it called and the form fields; a request without a valid signature
is refused (403). With no token at all every request is refused, unless
allow_unsigned is set for local development, which logs a loud warning.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Mapping, Optional
from urllib.parse import parse_qsl

from sanic.request import Request
from twilio.request_validator import RequestValidator

from bot.channels.guard import BodyTooLarge, read_limited_body

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 32 * 1024  # Twilio's own limit is 1600 characters of text plus metadata.
MAX_FORM_FIELDS = 200


class FormFields(dict):
    """name -> list of values; `getall` lets RequestValidator sign repeated fields."""

    def getall(self, name: str) -> List[str]:
        return self[name]

    def first(self, name: str, default: str = "") -> str:
        values = self.get(name)
        return values[0] if values else default


class BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_form(request: Request) -> FormFields:
    """The urlencoded form Twilio posts; BadRequest (415, 413, 400) for anything else."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise BadRequest(415, "expected application/x-www-form-urlencoded")
    try:
        body = await read_limited_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise BadRequest(413, "body too large") from None
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,  # Twilio signs empty fields too (Body= on a photo)
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(400, "malformed form body") from None
    fields = FormFields()
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


AUTH_TOKEN_ENV_VAR = "TWILIO_AUTH_TOKEN"
ALLOW_UNSIGNED_ENV_VAR = "SMS_ALLOW_UNSIGNED"  # one development switch for every Twilio webhook


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def signature_settings(credentials: Mapping[str, Any], public_url_env_var: str) -> Dict[str, Any]:
    """What a Twilio webhook channel needs to check signatures, from credentials.yml or the environment:
    auth_token, public_url (per channel: each webhook has its own address), allow_unsigned, state_path."""
    return {
        "auth_token": credentials.get("auth_token") or os.environ.get(AUTH_TOKEN_ENV_VAR),
        "public_url": credentials.get("public_url") or os.environ.get(public_url_env_var),
        "state_path": credentials.get("state_path"),
        "allow_unsigned": _truthy(credentials.get("allow_unsigned", os.environ.get(ALLOW_UNSIGNED_ENV_VAR, ""))),
    }


class TwilioSignature:
    """Checks X-Twilio-Signature against `public_url` (what Twilio called; request.url when unset)."""

    def __init__(self, auth_token: Optional[str], public_url: Optional[str], allow_unsigned: bool, label: str):
        self.auth_token = (auth_token or "").strip() or None
        self.public_url = (public_url or "").strip() or None
        self.allow_unsigned = bool(allow_unsigned) and self.auth_token is None
        self.label = label  # "SMS channel", "voice webhook": for log lines
        self._validator = RequestValidator(self.auth_token) if self.auth_token else None
        if allow_unsigned and self.auth_token:
            logger.warning("%s: allow_unsigned is ignored because an auth token is set.", label)

    def announce(self, path: str, dev_env_var: str) -> None:
        """Say on start when requests cannot be verified."""
        if self._validator is not None:
            return
        if self.allow_unsigned:
            logger.warning(
                "!!! %s: NO TWILIO_AUTH_TOKEN and allow_unsigned is on. Anyone who can reach %s can pose "
                "as any number. Local development only. !!!",
                self.label,
                path,
            )
        else:
            logger.error(
                "%s: TWILIO_AUTH_TOKEN is not set, so every webhook is refused (403). "
                "Set it, or for local development only set %s=1.",
                self.label,
                dev_env_var,
            )

    def signed_url(self, request: Request) -> str:
        if not self.public_url:
            return request.url
        query = request.query_string
        if query and "?" not in self.public_url:
            return f"{self.public_url}?{query}"
        return self.public_url

    def is_authentic(self, request: Request, fields: FormFields) -> bool:
        if self._validator is None:
            if self.allow_unsigned:
                logger.warning("%s: accepted an UNSIGNED webhook (development mode).", self.label)
            return self.allow_unsigned
        signature = request.headers.get("x-twilio-signature", "")
        if not signature:
            return False
        return self._validator.validate(self.signed_url(request), fields, signature)
