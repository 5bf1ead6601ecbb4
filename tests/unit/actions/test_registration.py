"""The action server can register every action, exactly those the domain lists, and their responses exist."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import yaml
from rasa_sdk import Action
from rasa_sdk.executor import ActionExecutor

import actions
from bot import topics
from bot.paths import REPO_ROOT

DOMAIN = yaml.safe_load((REPO_ROOT / "domain.yml").read_text())
# An entry is a name, or {name: options} for an action sent the domain (send_domain).
DOMAIN_ACTIONS = [entry if isinstance(entry, str) else next(iter(entry)) for entry in DOMAIN["actions"]]


def test_actions_package_registers_like_the_action_server():
    executor = ActionExecutor()
    executor.register_package("actions")  # what `rasa run actions --actions actions` does
    assert set(DOMAIN_ACTIONS) <= set(executor.actions)


def custom_actions():
    found = {}
    for info in pkgutil.iter_modules(actions.__path__):
        module = importlib.import_module(f"actions.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__ and not inspect.isabstract(cls):
                try:
                    found[cls().name()] = cls
                except NotImplementedError:
                    continue  # a shared base class, not an action
    return found


def test_every_custom_action_is_declared_in_the_domain_and_back():
    assert set(custom_actions()) == set(DOMAIN_ACTIONS)


def test_every_response_an_action_names_exists():
    named = {"utter_what_can_you_do", "utter_ask_rephrase", "utter_what_to_change"}
    named |= {t.response for t in topics.TOPICS if t.response}
    assert named <= set(DOMAIN["responses"])
