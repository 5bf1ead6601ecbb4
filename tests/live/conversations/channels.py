"""How a simulated client reaches the running assistant: the REST webhook, or a
text message through the SMS webhook signed the way Twilio signs it.

Both give back a Reply: the assistant's messages as the client sees them, with
the choices they can pick (web buttons, or SMS "Reply 1 for ..." options).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import List, Tuple

from twilio.request_validator import RequestValidator

REQUEST_TIMEOUT_SECONDS = 120
PRACTICE_SMS_NUMBER = "+14155550101"  # the practice's Twilio number (practice/profile.yml)
_OPTIONS_LINE = re.compile(r"Reply ((?:\d+ for [^,\n]+(?:, )?)+)\.?\s*$", re.M)
_OPTION = re.compile(r"(\d+) for ([^,\n]+)")


@dataclass
class Reply:
    """One answer from the assistant: its messages, and the choices offered.

    choices are (title, what to send to pick it): a button's payload on the web,
    the option's number by SMS.
    """

    messages: List[str]
    choices: List[Tuple[str, str]] = field(default_factory=list)
    status: int = 200

    @property
    def text(self) -> str:
        return "\n".join(self.messages)


class RestChannel:
    name = "rest"

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/webhooks/rest/webhook"

    def send(self, sender: str, text: str) -> Reply:
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"sender": sender, "message": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                body = json.loads(response.read())
        except urllib.error.HTTPError as refused:
            return Reply([refused.read().decode(errors="replace")], status=refused.code)
        messages, choices = [], []
        for message in body:
            if message.get("text"):
                messages.append(message["text"])
            buttons = message.get("buttons") or []
            if buttons:
                choices = [(b.get("title", ""), b.get("payload", "")) for b in buttons]
        return Reply(messages, choices)


class SmsChannel:
    """Posts what Twilio posts for an incoming text, with a valid X-Twilio-Signature."""

    name = "sms"

    def __init__(self, base_url: str, auth_token: str) -> None:
        self.url = f"{base_url}/webhooks/sms/webhook"
        self.validator = RequestValidator(auth_token)

    def send(self, sender: str, text: str) -> Reply:
        # Unique per message: the channel answers a repeated MessageSid from its cache.
        sid = f"SM{uuid.uuid4().hex}"
        fields = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": "AC" + "0" * 32,
            "From": sender,
            "To": PRACTICE_SMS_NUMBER,
            "Body": text,
            "NumMedia": "0",
            "NumSegments": "1",
            "ApiVersion": "2010-04-01",
        }
        signature = self.validator.compute_signature(self.url, fields)
        request = urllib.request.Request(
            self.url,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                twiml = response.read().decode()
        except urllib.error.HTTPError as refused:
            return Reply([refused.read().decode(errors="replace")], status=refused.code)
        bodies = [element.text or "" for element in ElementTree.fromstring(twiml).findall("Message")]
        choices: List[Tuple[str, str]] = []
        if bodies:
            line = _OPTIONS_LINE.search(bodies[-1])
            if line:
                choices = [(title.strip(), number) for number, title in _OPTION.findall(line.group(1))]
        return Reply(bodies, choices)
