"""bot/topics.py is the one topic list: the contract, domain.yml, the rules and the actions agree with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.practice_answer import ANSWERS
from bot import topics
from bot.paths import REPO_ROOT
from bot.practice.profile import load_profile

CONTRACT = REPO_ROOT / "docs" / "topics.md"
SHARED_CONTRACT = REPO_ROOT.parent / "shared" / "topics.md"
DOMAIN = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))


def contract_keys(path: Path) -> set:
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| ([a-z_]+(?:, [a-z_]+)*) \|", line)
        if match and match.group(1) != "key":
            keys.update(match.group(1).split(", "))
    return keys


def rule_files():
    for path in sorted((REPO_ROOT / "data").rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "rules" in data or "stories" in data:
            yield path, data


def intents_in(steps) -> set:
    found = set()
    for step in steps or []:
        if "intent" in step:
            found.add(step["intent"])
        for alternative in step.get("or", []):
            if "intent" in alternative:
                found.add(alternative["intent"])
    return found


def test_every_contract_key_is_in_the_registry():
    keys = contract_keys(CONTRACT)
    assert len(keys) >= 30
    assert keys - set(topics.KEYS) == set()


@pytest.mark.skipif(not SHARED_CONTRACT.exists(), reason="../shared/topics.md is not beside the repository")
def test_every_key_of_the_shared_contract_is_built():
    assert contract_keys(SHARED_CONTRACT) - set(topics.KEYS) == set()


def test_the_generated_files_match_the_registry():
    assert topics.stale_files() == [], "run `python -m bot.topics`"


def test_domain_intents_are_the_registry_in_order():
    assert DOMAIN["intents"] == list(topics.KEYS)


def test_rules_and_stories_use_only_registered_intents():
    for path, data in rule_files():
        for item in data.get("rules", []) + data.get("stories", []):
            unknown = intents_in(item.get("steps")) - set(topics.KEYS) - {"nlu_fallback"}
            assert not unknown, f"{path.name}: {item.get('rule') or item.get('story')}: {unknown}"


def test_only_the_generated_file_lists_topic_answers():
    # A hand-written rule answering an article or practice topic would be a second topic list.
    answered = set(topics.ARTICLE_TOPICS) | set(topics.PRACTICE_TOPICS)
    for path, data in rule_files():
        if path == topics.RULES_PATH or "rules" not in data:
            continue
        for rule in data["rules"]:
            assert not intents_in(rule.get("steps")) & answered, f"{path.name}: {rule['rule']}"


def test_every_article_topic_has_its_response_with_an_sms_variant():
    for key in topics.ARTICLE_TOPICS:
        variants = DOMAIN["responses"][f"utter_{key}"]
        assert any(v.get("channel") == "sms" for v in variants), key


def test_every_practice_topic_has_an_answer():
    # A function built from the profile's facts, or the practice's own text under `answers:`.
    written = set(load_profile().answers)
    assert set(ANSWERS) <= set(topics.PRACTICE_TOPICS)
    assert set(topics.PRACTICE_TOPICS) - set(ANSWERS) - written == set()
    assert written <= set(topics.PRACTICE_TOPICS) - set(ANSWERS), "a written answer no topic uses"


def test_did_you_mean_reads_as_words():
    for key, phrase in topics.DID_YOU_MEAN.items():
        assert "_" not in phrase and phrase == phrase.strip() and not phrase.endswith("?"), key


def test_questions_are_never_form_answers():
    # A topic answered mid-form is by definition not an answer to the form's question,
    # except the two whose intent is set by rules (boundaries) and thanks-style small talk.
    for topic in topics.TOPICS:
        if topic.section != topics.CONVERSATION:
            assert topic.question and topic.mid_booking, topic.key


def test_check_command_reports_stale_files(monkeypatch, tmp_path, capsys):
    stale_rules = tmp_path / "topics.yml"
    stale_rules.write_text("rules: []\n")
    monkeypatch.setattr(topics, "RULES_PATH", stale_rules)
    assert topics.main(["--check"]) == 1
    assert "run `python -m bot.topics`" in capsys.readouterr().err
