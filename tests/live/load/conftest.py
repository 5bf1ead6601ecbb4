"""The soak test starts its own servers, like the fault tests."""

from tests.live.faults.bot_servers import make_servers  # noqa: F401  (a fixture)
