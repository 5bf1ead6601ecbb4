"""Command line: python -m bot {serve,shell,requests,resume} ...

serve                 start the action server, Rasa and the web page (make run)
shell                 talk to the assistant in the terminal (make shell)
requests [...]        list pending booking and callback requests (--json, --all,
                      handle REF, show REF); see `python -m bot requests --help`
resume SENDER_ID      hand a paused conversation back to the assistant after
                      a therapist has taken over (or give the request's
                      reference, e.g. RC-4MX8P, and its conversation is resumed)
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import List


def conversation_for(argument: str) -> str:
    """The sender id itself, or the conversation a request reference belongs to.

    Staff get a reference in every notification, while an SMS sender id is the
    client's phone number, which logs mask.
    """
    from bot.requests.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, REFERENCE_PREFIXES, normalize_reference
    from bot.requests.store import RequestStore

    reference = normalize_reference(argument)
    prefix, _, code = reference.partition("-")
    looks_like_reference = (
        prefix in REFERENCE_PREFIXES.values() and len(code) == REFERENCE_LENGTH and set(code) <= set(REFERENCE_ALPHABET)
    )
    if not looks_like_reference:
        return argument
    with RequestStore() as store:
        store.flush_spool()
        request = store.get(reference)
    if request is None or not request.sender_id:
        raise LookupError(f"No request with reference {reference} (or it has no conversation).")
    return request.sender_id


def resume(argument: str) -> int:
    from bot.cli.serve import API_TOKEN_ENV, api_token_path, read_api_token
    from bot.requests.store import StoreUnavailable

    try:
        sender_id = conversation_for(argument)
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 1
    except StoreUnavailable as exc:
        print(f"Could not look up {argument}: the request database is unreachable ({exc}).", file=sys.stderr)
        return 1
    base = os.environ.get("RASA_URL", f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}")
    token = read_api_token()
    if not token:
        print(
            f"No API token: set {API_TOKEN_ENV}, or start the assistant once (make run) "
            f"so it creates {api_token_path()}.",
            file=sys.stderr,
        )
        return 1
    url = f"{base}/conversations/{urllib.parse.quote(sender_id, safe='')}/tracker/events?" + urllib.parse.urlencode(
        {"token": token}
    )
    # Pausing ends a turn without action_listen; without one here Rasa would
    # swallow the client's first message after the resume.
    events = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]
    request = urllib.request.Request(
        url, data=json.dumps(events).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10):
            pass
    except urllib.error.HTTPError as exc:
        print(
            f"Rasa refused the resume ({exc.code}): the API token did not match. This command uses "
            f"{API_TOKEN_ENV} if set, else {api_token_path()}; Rasa must run with the same token.",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"Could not reach Rasa at {base}: {exc}", file=sys.stderr)
        return 1
    print(f"The assistant is back on for conversation {sender_id}.")
    return 0


def main(argv: List[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "serve":
        from bot.cli.serve import serve

        return serve()
    if command == "shell":
        from bot.cli.serve import shell

        return shell()
    if command == "requests":
        from bot.cli.requests_command import main as requests_main

        return requests_main(rest)
    if command == "resume" and len(rest) == 1:
        return resume(rest[0])
    print(__doc__, file=sys.stderr)
    return 2
