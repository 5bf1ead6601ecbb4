"""Messages nobody could read: emoji, punctuation and key-mash are caught; short real words are not."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.unclear_detector import UnclearDetector
from bot.nlu.unclear_text import has_words, is_filler, is_key_mash, is_unclear, strip_markup


@pytest.mark.parametrize(
    "text",
    [
        "qwe rty",
        "asdf jkl",
        "asdfgh",
        "hjkl",
        "poiuy",
        "jjjjjj",
        "\U0001f642\U0001f642",
        "???",
        "<b></b>",
        "...",
        "zxcvbnm",
    ],
)
def test_unreadable_messages(text):
    assert is_unclear(text)


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "hmm",
        "pls hlp",
        "thnks",
        "tmrw",
        "Ng",
        "Dana Kowalski",
        "liberty",
        "property tax",
        "typewriter",
        "12",
        "415 555 0142",
        "<b>hi</b>",
        "/affirm",
        "\u4f60\u597d",
    ],
)
def test_short_real_words_numbers_and_payloads_are_readable(text):
    assert not is_unclear(text)


def test_helpers():
    assert strip_markup("<i>Dana</i> <br/>here").split() == ["Dana", "here"]
    assert strip_markup("<script>alert(1)</script> hi").split() == ["hi"]
    assert has_words("\u00e9") and not has_words("\U0001f44d !")
    assert is_key_mash("qwerty") and not is_key_mash("rhythm") and not is_key_mash("Kowalski")


@pytest.mark.parametrize(
    "text", ["hmm", "hmmm idk", "ugh", "erm", "ok whatever lol", "mmm blah", "blah blah", "huh?", "lol", "hm ok"]
)
def test_filler_only_messages(text):
    assert is_filler(text)


@pytest.mark.parametrize("text", ["ok", "no", "nah", "yes", "sure", "i dont know", "no idea", "Dana", "so"])
def test_short_answers_are_not_filler(text):
    assert not is_filler(text)


def test_the_component_makes_unreadable_and_filler_messages_unclear_with_no_guess():
    ranking = [{"name": "inappropriate_request", "confidence": 0.37}, {"name": "deny", "confidence": 0.23}]
    messages = []
    for text in ("qwe rty", "hmm", "how much is it?"):
        message = Message(data={"text": text})
        message.set("intent", ranking[0])
        message.set("intent_ranking", ranking)
        messages.append(message)
    mash, filler, question = UnclearDetector().process(messages)
    for message in (mash, filler):
        assert message.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
        assert message.get("intent_ranking") == [message.get("intent")]  # no topic to suggest
    assert question.get("intent")["name"] == "inappropriate_request"
