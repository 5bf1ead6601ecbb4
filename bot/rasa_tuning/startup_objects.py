"""What the server loads at start-up is kept out of Python's full garbage collections.

The loaded model is about 300,000 Python objects (spaCy, the pipeline, the
domain, the policies' rules), all alive until the process ends. Python's full
(generation 2) collection walks every one of them, about 170 ms of CPU, and
runs every few hundred messages inside whichever request happens to allocate
at that moment: that request's client waits. Once the model is loaded, those
objects are moved to the permanent generation (gc.freeze), which collections
skip; everything made while serving is collected as before.
"""

from __future__ import annotations

import gc
from typing import Any

from rasa.core import run

_original = run.load_agent_on_start


def freeze_loaded() -> None:
    """Collect what loading left behind, then keep every surviving object out of later collections."""
    gc.collect()
    gc.freeze()


async def load_agent_on_start(*args: Any, **kwargs: Any) -> Any:
    agent = await _original(*args, **kwargs)
    freeze_loaded()
    return agent


def apply() -> None:
    # serve_application looks the listener up by name when the server starts.
    run.load_agent_on_start = load_agent_on_start
