"""Whether a message is worded as a question: a question mark, or a question word first."""

from __future__ import annotations

import re

# Openers that come before the question itself ("oh and, how much is it").
FILLER_OPENERS = (
    r"(?:(?:and|but|so|oh|ok|okay|wait|sorry|also|actually|hey|hi|um|hmm|quick question|random question"
    r"|one more thing|quick quiz(?: question)?)[\s,.!:-]+)*"
)
QUESTION_START = re.compile(
    rf"^\W*{FILLER_OPENERS}(?:what|what's|whats|why|how|how's|hows|where|where's|when|which|who|whose|is|are|am|do|"
    r"does|did|can|could|would|will|should|shall|may|might|have|has|was|were|isn't|aren't|don't|doesn't|won't|"
    r"can't)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """Worded as a question: a question mark, or a question word first ("how much is it")."""
    return bool((text or "").rstrip().endswith("?") or QUESTION_START.match(text or ""))
