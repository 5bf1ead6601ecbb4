"""Fault tests start their own servers (see bot_servers.py)."""
from tests.faults.bot_servers import make_servers  # noqa: F401  (a fixture)
