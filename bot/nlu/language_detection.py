"""Is this message in a language other than English?

The assistant only understands English. Rather than guess at a Spanish or
Chinese message (the classifier would pick some English topic with a made-up
confidence), a message that is clearly in another language gets a polite
English-only note with the practice's phone number. Offline and deterministic:
a script check for non-Latin alphabets, and for Latin-script languages a count
of their most common little words against common English ones. Mixed messages
("hola, can I book?") stay English.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

# Function words that are frequent in each language and are not English words
# (so "a", "no", "me", "die", "was", "also" are left out on purpose).
FOREIGN_WORDS = {
    "spanish": frozenset(
        (
            "el los las una del por para que qué es está estoy puedo quiero tengo hay cómo como "
            "cuánto cuesta masaje gracias hola sí pero muy mi tu su yo usted ustedes embarazada dolor "
            "cita hoy mañana abierto abiertos dónde cuándo necesito buenos buenas días tardes noches "
            "glúteos espalda también nosotros ellos hacer tienen tiene"
        ).split()
    ),
    "french": frozenset(
        (
            "le les une des est et je vous nous pour avec pas merci bonjour bonsoir oui suis puis "
            "peux voudrais combien coûte ouvert ouverts où quand rendez massage enceinte douleur dos "
            "fesses c'est j'ai aujourd'hui demain mon ma mes votre vos très ça aussi mais comment qui "
            "quoi avez êtes faire sont du au aux"
        ).split()
    ),
    "german": frozenset(
        (
            "der das und ist ich sie wir nicht ein eine einen mit für bitte danke hallo guten tag "
            "morgen heute wie viel kostet geöffnet offen wann wo termin schwanger schmerzen rücken "
            "gesäß kann möchte haben habe bin sind mein meine ihr auch aber oder noch sehr"
        ).split()
    ),
    "portuguese": frozenset(
        (
            "os uma não com para obrigado obrigada olá oi bom boa dia tarde noite quanto custa "
            "massagem grávida dor costas posso quero tenho você vocês está estou aberto abertos onde "
            "quando hoje amanhã consulta minha meu também mas muito são fazer"
        ).split()
    ),
    "italian": frozenset(
        (
            "il gli della che è sono grazie ciao buongiorno buonasera quanto costa massaggio incinta "
            "dolore schiena glutei posso voglio vorrei ho aperto aperti dove quando oggi domani "
            "appuntamento mio mia anche ma molto fare avete siete sì perché come per con non"
        ).split()
    ),
}
ENGLISH_WORDS = frozenset(
    (
        "the a an is are am i you we they it to of and or in on for with my your can do does how what "
        "when where why much massage book open hi hello thanks please pregnant pain hurt glutes today "
        "tomorrow have be will would should there this that me no yes not at if so but get want need"
    ).split()
)
# Whole-message greetings and thanks in other languages: clear on their own.
FOREIGN_ONE_WORDERS = frozenset(
    (
        "hola gracias bonjour bonsoir merci hallo danke ciao grazie obrigado obrigada olá buenas "
        "buongiorno salut привет spasibo"
    ).split()
)
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
# Scripts that are never English.
NON_LATIN_SCRIPTS = tuple(
    (
        "CJK HIRAGANA KATAKANA HANGUL CYRILLIC ARABIC HEBREW DEVANAGARI THAI GREEK BENGALI TAMIL "
        "GURMUKHI GUJARATI ARMENIAN GEORGIAN ETHIOPIC KHMER LAO MYANMAR SINHALA TELUGU KANNADA "
        "MALAYALAM"
    ).split()
)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    for script in NON_LATIN_SCRIPTS:
        if name.startswith(script):
            return script
    return "LATIN" if name.startswith("LATIN") else ""


def other_language(text: str) -> Optional[str]:
    """The name of the language (or script) a message is written in, if not English."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return None  # emoji, digits, punctuation: nothing to judge
    scripts = [_script(c) for c in letters]
    foreign_script = [s for s in scripts if s and s != "LATIN"]
    if len(foreign_script) >= 2 and len(foreign_script) >= 0.5 * len(letters):
        return max(set(foreign_script), key=foreign_script.count).lower()
    words = [w.lower() for w in WORD.findall(text)]
    if not words:
        return None
    if len(words) <= 2 and all(w in FOREIGN_ONE_WORDERS for w in words):
        return "greeting"
    english = sum(w in ENGLISH_WORDS for w in words)
    best_language, best_hits = None, 0
    for language, vocabulary in FOREIGN_WORDS.items():
        hits = sum(w in vocabulary and w not in ENGLISH_WORDS for w in words)
        if hits > best_hits:
            best_language, best_hits = language, hits
    # Enough of the little words are foreign, and clearly more than English ones.
    if best_hits >= 2 and best_hits >= 0.35 * len(words) and best_hits > 2 * english:
        return best_language
    return None
