"""Messages nobody could read: emoji, punctuation and key-mash are caught; short real words are not."""

from __future__ import annotations

import pytest

from bot.nlu.unclear_text import has_words, is_key_mash, is_unclear, strip_markup


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
