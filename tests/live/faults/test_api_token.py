"""Rasa's HTTP API always needs a token; `python -m bot resume` finds it on its own."""

from __future__ import annotations

import stat
import threading
import uuid

import pytest

from bot.cli.serve import (
    API_TOKEN_ENV,
    API_TOKEN_FILE_ENV,
    api_token,
    rasa_command,
    rasa_server_command,
    read_api_token,
)
from tests.conftest import run_cli
from tests.live.rest_client import say, texts


def token_env(tmp_path, **extra):
    return {API_TOKEN_FILE_ENV: str(tmp_path / "var" / "api-token"), **extra}


def test_without_a_configured_token_one_is_generated_kept_private_and_reused(tmp_path):
    env = token_env(tmp_path)
    assert read_api_token(env) is None

    token = api_token(env)

    path = tmp_path / "var" / "api-token"
    assert len(token) >= 32
    assert path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert api_token(env) == token == read_api_token(env)
    assert [p.name for p in path.parent.iterdir()] == ["api-token"]  # no temporary files left


def test_the_environment_token_wins_and_no_file_is_written(tmp_path):
    env = token_env(tmp_path, **{API_TOKEN_ENV: "from-the-environment"})
    assert api_token(env) == "from-the-environment"
    assert not (tmp_path / "var").exists()


def test_a_loosened_token_file_is_made_private_again(tmp_path):
    env = token_env(tmp_path)
    token = api_token(env)
    path = tmp_path / "var" / "api-token"
    path.chmod(0o644)
    assert api_token(env) == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_processes_starting_together_agree_on_one_token(tmp_path):
    env = token_env(tmp_path)
    seen, barrier = [], threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        seen.append(api_token(env))

    workers = [threading.Thread(target=start) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(set(seen)) == 1 and seen[0] == read_api_token(env)


def test_a_token_that_starts_with_a_dash_still_reaches_rasa():
    # secrets.token_urlsafe() starts with "-" about once in 64 tokens.
    from rasa.__main__ import create_argument_parser

    arguments = create_argument_parser().parse_args(rasa_server_command(5005, token="-Ab3_x")[len(rasa_command()) :])
    assert arguments.auth_token == "-Ab3_x"


def test_rasa_is_always_started_with_a_token(tmp_path, monkeypatch):
    monkeypatch.delenv(API_TOKEN_ENV, raising=False)
    monkeypatch.setenv(API_TOKEN_FILE_ENV, str(tmp_path / "api-token"))
    command = rasa_server_command(5005)
    assert f"--auth-token={read_api_token()}" in command
    assert command[command.index("--interface") + 1] == "127.0.0.1"


def handoff(base_url: str, sender: str) -> str:
    """Ask for a person during opening hours; returns the callback reference."""
    assert "glute" in texts(say(base_url, sender, "why glutes?")).lower()
    say(base_url, sender, "I'd like to talk to a therapist")
    say(base_url, sender, "Kim Lee")
    done = texts(say(base_url, sender, "kim.lee@example.org"))
    assert "reference RC-" in done, done
    return done.split("reference ")[1].split(")")[0]


def answers(base_url: str, sender: str) -> bool:
    return "glute" in texts(say(base_url, sender, "why glutes?")).lower()


@pytest.mark.e2e
def test_tracker_api_refuses_without_the_token_and_resume_uses_it(make_servers):
    servers = make_servers()  # the clock is pinned inside opening hours
    sender = f"paused-{uuid.uuid4().hex[:6]}"
    handoff(servers.base_url, sender)
    tracker_path = f"/conversations/{sender}/tracker"

    assert servers.api_get(tracker_path) in (401, 403)
    assert servers.api_get(tracker_path, token="not-the-token") in (401, 403)
    assert servers.api_get(tracker_path, token=servers.api_token) == 200
    assert servers.api_get("/status") in (401, 403)
    assert stat.S_IMODE((servers.workdir / "api-token").stat().st_mode) == 0o600

    # A person has taken over: the assistant stays quiet until staff resume it.
    assert not answers(servers.base_url, sender)
    cli_env = {**servers.env, "RASA_URL": servers.base_url}  # no RASA_API_TOKEN: the kept token is used
    resumed = run_cli(cli_env, "resume", sender)
    assert resumed.returncode == 0, resumed.stderr
    assert answers(servers.base_url, sender)

    # Staff can also give the reference from the notification.
    other = f"paused-{uuid.uuid4().hex[:6]}"
    reference = handoff(servers.base_url, other)
    assert not answers(servers.base_url, other)
    resumed = run_cli(cli_env, "resume", reference.lower())
    assert resumed.returncode == 0, resumed.stderr
    assert other in resumed.stdout
    assert answers(servers.base_url, other)

    refused = run_cli({**cli_env, API_TOKEN_ENV: "wrong"}, "resume", sender)
    assert refused.returncode == 1 and "refused the request (401): the API token did not match" in refused.stderr
