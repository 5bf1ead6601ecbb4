"""The domain keeps the public topic contract and every answer has an SMS form."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.channels.sms import compose_sms_reply
from bot.channels.sms_text import is_gsm7, sms_segments

REPO = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text())
TOPICS_MD = REPO.parent / "shared" / "topics.md"


def contract_keys():
    keys = set()
    for line in TOPICS_MD.read_text().splitlines():
        match = re.match(r"^\| ([a-z_]+(?:, [a-z_]+)*) \|", line)
        if match and match.group(1) != "key":
            keys.update(match.group(1).split(", "))
    return keys


@pytest.mark.skipif(not TOPICS_MD.exists(), reason="../shared/topics.md is not beside the repository")
def test_every_contract_topic_is_an_intent():
    keys = contract_keys()
    assert len(keys) >= 30
    assert keys - set(DOMAIN["intents"]) == set()


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_response_has_an_sms_variant_that_fits_two_segments(name):
    variants = DOMAIN["responses"][name]
    sms = [v for v in variants if v.get("channel") == "sms"]
    assert len(sms) == 1, f"{name} needs exactly one `channel: sms` variant"
    text = sms[0]["text"]
    assert is_gsm7(text) and text.isascii(), f"{name}: SMS text must be plain ASCII"
    bodies, options = compose_sms_reply([sms[0]])
    assert len(bodies) == 1, f"{name}: the SMS answer must be one message"
    assert bodies[0].startswith(text), f"{name}: the SMS text was cut to fit; shorten it"
    assert sms_segments(bodies[0]) <= 2, f"{name}: {sms_segments(bodies[0])} segments"
    assert len(options) == len(sms[0].get("buttons") or [])


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_web_variant_exists_and_is_not_empty(name):
    web = [v for v in DOMAIN["responses"][name] if "channel" not in v]
    assert len(web) == 1 and web[0]["text"].strip()
