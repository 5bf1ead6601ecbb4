"""The input screen every public channel (REST, SMS, web chat) runs first.

It turns whatever a client sent into plain text the bot can safely read:
- control characters (NUL, escape, backspace ...), lone UTF-16 surrogates and
  invisible direction overrides are removed; tabs and odd line breaks become
  ordinary spaces and newlines; runs of blank space shrink to one;
- empty or whitespace-only messages are flagged, so the channel can ask what the
  client would like to know without bothering NLU;
- very long messages are cut to MAX_MESSAGE_CHARS at a word break and flagged, so
  the reply can say that only the first part was read.

Everything else (emoji, other scripts, HTML, SQL-looking text) passes through as
plain text: the widget renders text as text, and the stores use bound parameters.
Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_MESSAGE_CHARS = 1000
# Cut at a word break only if that keeps most of the allowed length.
_WORD_BREAK_SHARE = 0.8

# Spacing controls (tab, vertical tab, form feed, the separators 0x1c-0x1f) read as a space.
_SPACING_CONTROLS = re.compile("[\t\x0b\x0c\x1c-\x1f]")
# Removed: the other control characters (Unicode category Cc: C0, DEL, C1), lone
# UTF-16 surrogates (category Cs: valid in JSON as "\ud800", but they fail when the
# text is encoded as UTF-8 for a store or a log), and invisible characters that can
# reorder or hide text (bidi marks, embeddings, overrides and isolates, zero-width
# space, word joiner, BOM). ZWJ (U+200D) and ZWNJ (U+200C) stay: emoji sequences
# and several scripts need them.
_REMOVED = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x9f\ud800-\udfff\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
)
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u0085": "\n", "\u2028": "\n", "\u2029": "\n"}
_LINE_BREAK = re.compile("|".join(map(re.escape, _LINE_BREAKS)))
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")  # any whitespace except newline
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class ScreenedMessage:
    text: str  # what the bot gets to read
    is_empty: bool  # nothing readable was sent
    was_cut: bool  # longer than MAX_MESSAGE_CHARS: only the first part is in `text`


def clean_text(raw: str) -> str:
    """`raw` without control or invisible characters, with tidy whitespace."""
    text = _LINE_BREAK.sub(lambda match: _LINE_BREAKS[match.group()], raw)
    text = _REMOVED.sub("", _SPACING_CONTROLS.sub(" ", text))
    text = unicodedata.normalize("NFC", text)
    text = _HORIZONTAL_SPACE.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def cut_to(text: str, limit: int) -> str:
    """`text` shortened to at most `limit` characters, at a word break if one is near."""
    if len(text) <= limit:
        return text
    room = text[: limit + 1]  # one extra: a space just past the limit is a clean break
    word_break = max(room.rfind(" "), room.rfind("\n"))
    if word_break >= limit * _WORD_BREAK_SHARE:
        return room[:word_break].rstrip()
    return text[:limit].rstrip()


def screen_message(raw: object, limit: int = MAX_MESSAGE_CHARS) -> ScreenedMessage:
    """Screen one client message (anything that is not a string counts as empty)."""
    if not isinstance(raw, str):
        return ScreenedMessage("", is_empty=True, was_cut=False)
    text = clean_text(raw)
    if not text:
        return ScreenedMessage("", is_empty=True, was_cut=False)
    cut = cut_to(text, limit)
    return ScreenedMessage(cut, is_empty=False, was_cut=len(cut) < len(text))
