"""`python -m bot.rasa_tuning ARGS`: `rasa ARGS` with the speed-ups of bot.rasa_tuning applied."""

import sys

from bot.rasa_tuning import apply, prepare


def main() -> None:
    prepare(sys.argv[1:])  # before anything imports rasa
    apply()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
