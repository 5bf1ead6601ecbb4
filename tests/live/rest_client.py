"""Talking to a live assistant over REST, as a client would: one message, the replies back."""

from __future__ import annotations

import json
import urllib.request
from typing import Dict, List


def say(base: str, sender: str, message: str) -> List[Dict]:
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def texts(replies: List[Dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)
