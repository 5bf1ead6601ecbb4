"""One action server and one Rasa server for every conversation of the suite.

They run in a folder of their own (request store, tracker store, SMS state,
API token, pinned clock), with a Twilio auth token so the SMS webhook checks
signatures exactly as it does in production. Each conversation uses its own
sender ids, so they can share the servers; the clock file is global, so the
conversations run one after another and each pins its own time first.
"""

from __future__ import annotations

import secrets
import subprocess
import tempfile
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.cli.serve import (
    action_server_command,
    api_token,
    isolated_env,
    rasa_server_command,
    stop_all,
    wait_for,
    write_local_endpoints,
)
from tests.conftest import REPO, require_model
from tests.live.conversations.servers import Assistant
from tests.net import free_port

ACTIONS_START_SECONDS = 180
RASA_START_SECONDS = 300


@pytest.fixture(scope="module")
def assistant() -> Iterator[Assistant]:
    require_model()
    with tempfile.TemporaryDirectory(prefix="bot-conversations-") as folder:
        workdir = Path(folder)
        rasa_port, actions_port = free_port(), free_port()
        base_url = f"http://127.0.0.1:{rasa_port}"
        token = secrets.token_hex(16)
        env = isolated_env(
            workdir,
            TWILIO_AUTH_TOKEN=token,
            # The URL the signatures are computed over, as Twilio would call it.
            SMS_PUBLIC_URL=f"{base_url}/webhooks/sms/webhook",
            # Simulated clients answer at once; real ones take seconds to type, so the
            # per-sender rate limit (10 at once, then one per 2 s) would only get in the way.
            CHANNEL_RATE_LIMIT_BURST="0",
        )
        endpoints = write_local_endpoints(workdir / "endpoints.yml", actions_port, workdir / "conversations.db")
        logs = [open(workdir / name, "wb") for name in ("actions.log", "rasa.log")]
        processes: List[subprocess.Popen] = []
        try:
            processes.append(
                subprocess.Popen(
                    action_server_command(actions_port), cwd=REPO, env=env, stdout=logs[0], stderr=subprocess.STDOUT
                )
            )
            wait_for(f"http://127.0.0.1:{actions_port}/health", ACTIONS_START_SECONDS, processes[0])
            processes.append(
                subprocess.Popen(
                    rasa_server_command(
                        rasa_port, REPO / "models" / "assistant.tar.gz", str(endpoints), token=api_token(env)
                    ),
                    cwd=REPO,
                    env=env,
                    stdout=logs[1],
                    stderr=subprocess.STDOUT,
                )
            )
            wait_for(f"{base_url}/", RASA_START_SECONDS, processes[1])
            yield Assistant(base_url, env, workdir, token)
        except (RuntimeError, TimeoutError) as exc:
            tail = (workdir / "rasa.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"could not start the assistant: {exc}\n{tail}")
        finally:
            stop_all(processes)
            for log in logs:
                log.close()
