"""SMS text rules: GSM-7 segment counting, plain-ASCII folding, the two-segment cap.

A single SMS carries 160 GSM-7 characters. Longer texts are split into concatenated
segments of 153 characters each (the rest of each segment is a header). One character
outside GSM-7 switches the whole text to UCS-2: 70 code units alone, 67 per segment.
Characters from the GSM-7 extension table (such as [ ] { } ~ and the euro sign) take
two septets. We cap every reply at two segments so a client never gets a wall of
text and the practice never pays for it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

MAX_SEGMENTS = 2

# GSM 03.38 default alphabet (the escape code itself left out) and its extension table.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE_LIMIT, GSM7_SEGMENT = 160, 153
UCS2_SINGLE_LIMIT, UCS2_SEGMENT = 70, 67

ELLIPSIS = "..."


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def _pack(costs: Iterable[int], single_limit: int, segment_size: int) -> int:
    costs = list(costs)
    if sum(costs) <= single_limit:
        return 1
    # A two-unit character (escape pair or surrogate pair) never straddles segments.
    segments, used = 1, 0
    for cost in costs:
        if used + cost > segment_size:
            segments += 1
            used = 0
        used += cost
    return segments


def sms_segments(text: str) -> int:
    """How many SMS segments `text` is billed and delivered as (0 for empty text)."""
    if not text:
        return 0
    if is_gsm7(text):
        return _pack((2 if ch in GSM7_EXTENDED else 1 for ch in text), GSM7_SINGLE_LIMIT, GSM7_SEGMENT)
    return _pack((2 if ord(ch) > 0xFFFF else 1 for ch in text), UCS2_SINGLE_LIMIT, UCS2_SEGMENT)


def fits_two_segments(text: str) -> bool:
    return sms_segments(text) <= MAX_SEGMENTS


# Room an answer leaves for the numbered options the SMS channel adds below it
# ("Reply 1 for Book, 2 for Talk to a therapist.").
OPTIONS_ROOM = 50


def fits_with_options(text: str) -> bool:
    """Whether `text` and a line of numbered options fit two segments together."""
    return fits_two_segments(text + "\n" + "-" * OPTIONS_ROOM)


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def _longest_fitting_prefix(text: str, tail: str, segments: int) -> int:
    """Largest n such that text[:n] + ELLIPSIS + tail fits (segment count grows with n)."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if sms_segments(text[:mid].rstrip() + ELLIPSIS + tail) <= segments:
            low = mid
        else:
            high = mid - 1
    return low


def fit_to_two_segments(text: str, tail: str = "") -> str:
    """Shorten `text` so that `text + tail` fits in two SMS segments."""
    return fit_to_segments(text, tail, MAX_SEGMENTS)


def fit_to_segments(text: str, tail: str = "", segments: int = MAX_SEGMENTS, whole_sentences: bool = True) -> str:
    """Shorten `text` so that `text + tail` fits in `segments` SMS segments.

    `tail` (for example the "Reply 1 for ..." line) is always kept whole when it fits
    by itself. The text is cut at the end of a sentence when that keeps most of it
    (unless `whole_sentences` is False: staff notes always show the cut), otherwise
    at a word boundary with "..." so the reader sees it was shortened.
    """

    def fits(candidate: str) -> bool:
        return sms_segments(candidate) <= segments

    if fits(text + tail):
        return text + tail
    if not fits(tail):
        return fit_to_segments(tail.strip(), "", segments, whole_sentences)

    limit = _longest_fitting_prefix(text, tail, segments)
    # Ending on a full sentence reads better than "...", if it doesn't lose much.
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text)] if whole_sentences else []
    for end in reversed(sentence_ends):
        if end < limit * 0.6:
            break
        candidate = text[:end].rstrip()
        if fits(candidate + tail):
            return candidate + tail
    room = text[:limit]
    word_break = max(room.rfind(" "), room.rfind("\n"))
    if word_break >= limit * 0.6:
        room = room[:word_break]
    return room.rstrip(" \n,;:-") + ELLIPSIS + tail


# -- plain ASCII for SMS ------------------------------------------------------

_ASCII_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": " - ",
    "\u2015": " - ",
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00b7": "-",
    "\u20ac": "EUR ",
    "\u00a3": "GBP ",
    "\u00a5": "JPY ",
    "\u00d7": "x",
    "\u00bd": "1/2",
    "\u00bc": "1/4",
    "\u00be": "3/4",
}
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def to_sms_text(text: str) -> str:
    """Fold text to plain ASCII so it stays GSM-7 (curly quotes, dashes, accents, emoji)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_ZERO_WIDTH)
    text = "".join(_ASCII_REPLACEMENTS.get(ch, ch) for ch in text)
    # Accented letters keep their base letter; anything else non-ASCII (emoji) is dropped.
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
