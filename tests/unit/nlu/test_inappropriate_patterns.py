"""bot.nlu.inappropriate_patterns: clear sexual requests are caught; anxious or practical questions are not."""

from __future__ import annotations

import pytest

from bot.nlu.inappropriate_patterns import is_inappropriate_request


@pytest.mark.parametrize(
    "text",
    [
        "do you do happy endings?",
        "any rub n tug at your place",
        "is a tantric massage on the menu",
        "can we have sex after",
        "send me pics of the therapists",
        "can the therapist be topless",
        "are your therapists single?",
        "would she be up for fooling around",
        "please rub my junk too",
    ],
)
def test_clear_sexual_requests(text):
    assert is_inappropriate_request(text)


@pytest.mark.parametrize(
    "text",
    [
        "is glute massage sexual?",
        "is it weird to have my butt massaged",
        "can I ask for a female therapist?",
        "does the sex of the therapist matter?",
        "do I need to be naked for a massage",
        "can I keep my underwear on",
        "I'm single and nervous about my first massage, what happens?",
        "do you do anything more than massage, like stretching or cupping?",
        "is there something extra I can add, like hot stones?",
        "Can the therapist go lighter if it's too much?",
    ],
)
def test_anxious_or_practical_questions_are_left_alone(text):
    assert not is_inappropriate_request(text)
