"""The running servers as the conversations and staff reach them."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

from bot.practice.clock import CLOCK_FILE_ENV
from tests.live.conversations.channels import RestChannel, SmsChannel

REPO = Path(__file__).resolve().parents[3]


@dataclass
class Assistant:
    """The running servers, as the conversations and staff reach them."""

    base_url: str
    env: Dict[str, str]
    workdir: Path
    twilio_token: str

    def pin_clock(self, iso_time: str) -> None:
        Path(self.env[CLOCK_FILE_ENV]).write_text(iso_time)

    def channels(self) -> Dict[str, object]:
        return {"rest": RestChannel(self.base_url), "sms": SmsChannel(self.base_url, self.twilio_token)}

    def stored_requests(self) -> List[dict]:
        """Every request, as staff list them: `python -m bot requests --json --all`."""
        listed = subprocess.run(
            [sys.executable, "-m", "bot", "requests", "--json", "--all"],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if listed.returncode != 0:
            raise RuntimeError(f"python -m bot requests failed ({listed.returncode}): {listed.stderr[-2000:]}")
        return json.loads(listed.stdout)
