"""python -m bot.web [--host 127.0.0.1] [--port 8080] [--rasa-url http://127.0.0.1:5005]"""

import argparse
import logging
import os

from bot.web.page_server import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_RASA_URL, RASA_URL_ENV_VAR, serve_web


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description="Serve the demo page and chat widget.")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get(RASA_URL_ENV_VAR) or DEFAULT_RASA_URL,
        help="Rasa server base URL the widget connects to (env RASA_URL)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        serve_web(args.host, args.port, args.rasa_url)
    except ValueError as problem:
        parser.error(str(problem))


if __name__ == "__main__":
    main()
