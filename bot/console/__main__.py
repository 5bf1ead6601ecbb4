"""`python -m bot.console [--host H] [--port P]`: serve the staff console (bot/console/app.py)."""

import sys

from bot.console.app import serve_console

sys.exit(serve_console(sys.argv[1:]))
