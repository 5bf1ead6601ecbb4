"""Fault tests start their own servers (see bot_servers.py)."""

from tests.live.faults.bot_servers import make_servers  # noqa: F401  (a fixture)
