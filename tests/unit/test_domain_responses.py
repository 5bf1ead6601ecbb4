"""Every answer in the domain has a web form and an SMS form that fits two segments."""

from __future__ import annotations

import pytest
import yaml

from bot.channels.sms import compose_sms_reply
from bot.channels.sms_text import is_gsm7, sms_segments
from bot.paths import REPO_ROOT

DOMAIN = yaml.safe_load((REPO_ROOT / "domain.yml").read_text())


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
