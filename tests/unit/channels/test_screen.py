"""The shared input screen (bot.channels.screen): pure text in, text out."""

from __future__ import annotations

import pytest

from bot.channels.screen import MAX_MESSAGE_CHARS, clean_text, cut_to, screen_message


def test_control_characters_are_removed_and_spacing_kept_readable():
    screened = screen_message("what\x00 are\x07 your\x1b[31m hours\x7f?\x85")
    assert screened.text == "what are your[31m hours?"
    assert not screened.is_empty and not screened.was_cut
    # Tabs, vertical tabs and form feeds are spacing; CR and Unicode breaks are newlines.
    assert clean_text("a\tb\x0bc\x0cd") == "a b c d"
    assert clean_text("line one\r\nline two\rline three\u2028four") == "line one\nline two\nline three\nfour"
    assert clean_text("para\n\n\n\n\nnext   word  \n  indented") == "para\n\nnext word\nindented"


def test_invisible_direction_overrides_and_lone_surrogates_are_removed():
    # "Trojan source"-style reordering and a lone surrogate (valid in JSON, not in UTF-8).
    screened = screen_message("book \u202eevil\u202c me \u2066x\u2069\ufeff\u200b \ud800please")
    assert screened.text == "book evil me x please"
    screened.text.encode("utf-8")  # storable and loggable


def test_emoji_other_scripts_and_joiners_pass_through():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji made with zero-width joiners
    assert screen_message(family).text == family
    assert screen_message("\U0001f486\u200d\u2640\ufe0f\U0001f64f").text == "\U0001f486\u200d\u2640\ufe0f\U0001f64f"
    assert screen_message("¿Tienen masajes prenatales? 你好 مرحبا").text == "¿Tienen masajes prenatales? 你好 مرحبا"
    # Decomposed accents are composed, so "café" is one spelling for NLU.
    assert screen_message("cafe\u0301").text == "caf\u00e9"


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        "<b>bold</b> & <i>more</i>",
        "'; DROP TABLE events; --",
        "Robert'); DELETE FROM requests WHERE '1'='1",
        "{{7*7}} ${jndi:ldap://x} %s%s%n",
    ],
)
def test_markup_and_sql_looking_text_are_plain_text_left_alone(text):
    assert screen_message(text).text == text


@pytest.mark.parametrize(
    "raw", ["", "   ", "\n\t \r\n", "\x00\x01\x02", "\u200b\u202e", None, 42, ["hi"], {"text": "hi"}]
)
def test_empty_whitespace_or_non_text_is_flagged_empty(raw):
    screened = screen_message(raw)
    assert screened.is_empty and screened.text == "" and not screened.was_cut


def test_a_10000_character_message_is_cut_at_a_word_break_and_flagged():
    words = ("relax " * 2000).strip()  # 11,999 characters
    screened = screen_message(words)
    assert screened.was_cut
    assert len(screened.text) <= MAX_MESSAGE_CHARS
    assert len(screened.text) >= MAX_MESSAGE_CHARS * 0.8
    assert screened.text.endswith("relax")  # never half a word
    assert words.startswith(screened.text)


def test_a_long_unbroken_message_is_cut_hard():
    screened = screen_message("x" * 10_000)
    assert screened.was_cut and screened.text == "x" * MAX_MESSAGE_CHARS


def test_exactly_the_limit_is_not_cut_and_leading_blank_space_does_not_count():
    assert not screen_message("y" * MAX_MESSAGE_CHARS).was_cut
    padded = screen_message(" " * 9000 + "what are your hours?")
    assert padded.text == "what are your hours?" and not padded.was_cut


def test_a_flood_of_control_characters_is_cleaned_whole():
    screened = screen_message("a" * 10 + "\x00" * 50_000 + " tail words")
    assert screened.text == "aaaaaaaaaa tail words" and not screened.was_cut


def test_cut_to_prefers_a_nearby_word_break():
    assert cut_to("short", 10) == "short"
    assert cut_to("aaaa bbbb cccc", 10) == "aaaa bbbb"
    assert cut_to("aaaaaaaaa bbbb", 9) == "aaaaaaaaa"  # the break right after the limit
    assert cut_to("a bbbbbbbbbbbbbbbbbbb", 10) == "a bbbbbbbb"  # the only break is too early
