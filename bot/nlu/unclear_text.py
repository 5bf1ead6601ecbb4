"""Messages nobody could read: emoji or punctuation only, key-mash ("asdfgh", "qwe rty"),
or only filler ("hmm", "ugh", "ok whatever lol", "blah blah").

The classifier gives such text a confident-looking guess anyway ("qwe rty" once
came back as a sexual request), so they are caught by rule: outside a form they
start the fallback (and the second one in a row offers a person), inside a form
the question just asked gets "sorry, I didn't catch that". Pure functions.
"""

from __future__ import annotations

import re
import unicodedata

# Four keys in a row along a keyboard row (either way) is no English word or name;
# "erty" is left out for liberty, property and poverty, "wert" and "trew" for
# names such as Wertheim, Ewert and Trewin (and "strewn").
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_ROW_RUNS = frozenset(
    run
    for row in _ROWS
    for line in (row, row[::-1])
    for run in (line[i : i + 4] for i in range(len(line) - 3))
    if run not in ("erty", "ytre", "wert", "trew")
)
_VOWELS = set("aeiouy")
_REPEATED = re.compile(r"(.)\1{3,}|^(.)\2{2,}$")  # "jjjjj", "hhhhhh", a word of one letter: "qqq"
# Sounds and shrugs that say nothing; the soft words only count beside one of them.
_FILLERS = re.compile(
    r"^(?:h+m+|m+|u+h*m+|u+h+|e+r+m*|e+h+|u+g+h+|m+e+h+|h+u+h+|b+l+a+h+|l+o+l+|l+m+a+o+|z+|whatever|idk|dunno|"
    r"meh|welp|sigh|ahh*|ohh*|pfft*|tsk|bleh|huh)$"
)
_SOFT_WORDS = frozenset("ok okay so well like yeah yes no i just um the dont know whatever idc sure then".split())
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_CODE_BLOCK = re.compile(r"<(script|style)\b[^<>]{0,200}>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def strip_markup(text: str) -> str:
    """HTML-looking tags removed ("<b>Dana</b>" reads as "Dana"), scripts and styles with their content."""
    return _TAG.sub(" ", _CODE_BLOCK.sub(" ", text or ""))


def has_words(text: str) -> bool:
    """True when the text holds at least one letter or digit (in any script)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text or "")


def _on_one_row(letters: str) -> bool:
    return any(letters[i : i + 4] in _ROW_RUNS for i in range(len(letters) - 3))


def is_key_mash(word: str) -> bool:
    """A typed-at-random word: a keyboard-row run, four repeats, or six letters without a vowel.

    (Text-speak keeps its vowels or stays short: "pls", "thx", "tmrw", "thnks".)"""
    word = word.lower()
    if not word.isascii() or not word.isalpha():
        return False
    if _on_one_row(word) or _REPEATED.search(word):
        return True
    return len(word) >= 6 and not (_VOWELS & set(word))


def is_filler(text: str) -> bool:
    """Only sounds and shrugs: "hmm", "ugh", "erm", "ok whatever lol", "hmmm idk", "blah blah"."""
    words = re.findall(r"[a-z]+", strip_markup(text).lower().replace("'", ""))
    if not words or len(words) > 5:
        return False
    fillers = [w for w in words if _FILLERS.match(w)]
    return bool(fillers) and all(w in _SOFT_WORDS or _FILLERS.match(w) for w in words)


def is_unclear(text: str) -> bool:
    """Nothing readable: no letters or digits at all, or only key-mash words."""
    text = strip_markup(text).strip()
    if text.startswith("/"):
        return False  # a button's payload
    if not has_words(text):
        return True
    if re.search(r"\d", text):
        return False  # a number, a time or a phone number is something
    words = re.findall(r"[^\W\d_]+", text)
    if words and all(is_key_mash(w) for w in words):
        return True
    # Short mashes split by a space: "qwe rty", "asdf jkl".
    letters = "".join(words).lower()
    return len(words) <= 3 and letters.isascii() and _on_one_row(letters)
