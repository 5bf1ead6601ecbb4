"""endpoints.yml sets enable_selective_domain: Rasa sends the domain only to the
forms' validate_* actions and to actions marked `send_domain: true` in domain.yml.
Every other action gets an empty domain, so an action whose run() reads it must be marked."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Set

import yaml

REPO = Path(__file__).resolve().parents[3]


def _actions_reading_the_domain() -> Dict[str, str]:
    """Action name -> file, for every action class whose run() uses its `domain` argument."""
    found: Dict[str, str] = {}
    for path in sorted((REPO / "actions").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
            methods = {
                item.name: item for item in cls.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
            if "name" not in methods or "run" not in methods:
                continue
            returned = [node.value for node in ast.walk(methods["name"]) if isinstance(node, ast.Return)]
            if len(returned) != 1 or not isinstance(returned[0], ast.Constant):
                continue
            run = methods["run"]
            arguments = {arg.arg for arg in run.args.args}
            body = ast.Module(body=run.body, type_ignores=[])
            if "domain" in arguments and any(
                isinstance(node, ast.Name) and node.id == "domain" for node in ast.walk(body)
            ):
                found[returned[0].value] = path.name
    return found


def _sent_the_domain() -> Set[str]:
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    marked = set()
    for entry in domain.get("actions") or []:
        if isinstance(entry, dict):
            marked |= {name for name, options in entry.items() if (options or {}).get("send_domain")}
    return marked


def test_selective_domain_is_on():
    endpoints = yaml.safe_load((REPO / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints["action_endpoint"].get("enable_selective_domain") is True


def test_every_action_that_reads_the_domain_is_sent_it():
    reading = _actions_reading_the_domain()
    assert {"action_closest_passage", "action_grounded_answer"} <= set(reading)  # the check finds them
    missing = {
        name: file
        for name, file in reading.items()
        if not name.startswith("validate_") and name not in _sent_the_domain()
    }
    assert not missing, f"mark these `send_domain: true` under actions: in domain.yml: {missing}"
