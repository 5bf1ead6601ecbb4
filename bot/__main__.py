"""Command line: python -m bot {serve,shell,requests,resume} ...

  serve                 start the action server, Rasa and the web page (make run)
  shell                 talk to the assistant in the terminal (make shell)
  requests [...]        list pending booking and callback requests (--json, --all,
                        handle REF, show REF); see `python -m bot requests --help`
  resume SENDER_ID      hand a paused conversation back to the assistant after
                        a therapist has taken over
"""
from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import List


def resume(sender_id: str) -> int:
    base = os.environ.get("RASA_URL", f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}")
    url = f"{base}/conversations/{urllib.parse.quote(sender_id, safe='')}/tracker/events"
    token = os.environ.get("RASA_API_TOKEN")
    if token:
        url += "?" + urllib.parse.urlencode({"token": token})
    request = urllib.request.Request(
        url, data=json.dumps({"event": "resume"}).encode(), headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10):
            pass
    except urllib.error.HTTPError as exc:
        print(f"Rasa refused the resume ({exc.code}): is RASA_API_TOKEN right?", file=sys.stderr)
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
        from bot.serve import serve
        return serve()
    if command == "shell":
        from bot.serve import shell
        return shell()
    if command == "requests":
        from bot.requests_cli import main as requests_main
        return requests_main(rest)
    if command == "resume" and len(rest) == 1:
        return resume(rest[0])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
