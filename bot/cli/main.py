"""Command line: python -m bot {serve,shell,requests,resume} ...

serve [--workers N]   start the action server, Rasa and the web page (make run);
                      N Rasa processes behind HAProxy (make run WORKERS=N)
shell                 talk to the assistant in the terminal (make shell)
requests [...]        list pending booking and callback requests (--json, --all,
                      handle REF, show REF); see `python -m bot requests --help`
resume SENDER_ID      hand a paused conversation back to the assistant after
                      a therapist has taken over (or give the request's
                      reference, e.g. RC-4MX8P, and its conversation is resumed)
staff add|remove|password|list NAME
                      staff accounts for the web console (http://localhost:8081/)
console               serve only the staff console (make run serves it too)
"""

from __future__ import annotations

import sys
from typing import List


def resume(argument: str) -> int:
    from bot.conversations.rasa_api import RasaApi, RasaApiError, conversation_for
    from bot.requests.store import StoreUnavailable

    try:
        sender_id = conversation_for(argument)
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 1
    except StoreUnavailable as exc:
        print(f"Could not look up {argument}: the request database is unreachable ({exc}).", file=sys.stderr)
        return 1
    try:
        RasaApi().resume(sender_id)
    except RasaApiError as exc:
        print(exc, file=sys.stderr)
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

        if rest[:1] == ["--workers"] and len(rest) == 2 and rest[1].isdigit() and int(rest[1]) >= 1:
            return serve(workers=int(rest[1]))
        if rest:
            print("usage: python -m bot serve [--workers N]", file=sys.stderr)
            return 2
        return serve()
    if command == "shell":
        from bot.cli.serve import shell

        return shell()
    if command == "requests":
        from bot.cli.requests_command import main as requests_main

        return requests_main(rest)
    if command == "staff":
        from bot.cli.staff_command import main as staff_main

        return staff_main(rest)
    if command == "console":
        from bot.console.app import serve_console

        return serve_console(rest)
    if command == "resume" and len(rest) == 1:
        return resume(rest[0])
    print(__doc__, file=sys.stderr)
    return 2
