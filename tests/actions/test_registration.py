"""The action server can register every action, exactly those the domain lists."""
from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())


def test_actions_package_registers_like_the_action_server():
    executor = ActionExecutor()
    executor.register_package("actions")  # what `rasa run actions --actions actions` does
    assert set(DOMAIN["actions"]) <= set(executor.actions)
