"""The practice's own questions: matching a client's words, reading and editing the profile."""

from __future__ import annotations

import shutil

import pytest
import yaml

from bot.answers.own_questions import (
    MATCHER,
    WORD_MATCHER,
    OwnQuestion,
    add_own_question,
    best_own_question,
    current_own_questions,
    parse_own_questions,
    remove_own_question,
    token_overlap,
)
from bot.practice.profile import DEFAULT_PROFILE_PATH, ProfileError

VOUCHERS = OwnQuestion("Do you sell gift vouchers for couples?", "Yes, couples vouchers too.", "Yes, couples too.")
SHOWER = OwnQuestion("Is there a shower I can use afterwards?", "Yes, a shower with towels.", "Yes, with towels.")
LIFT = OwnQuestion("Do you have a lift to the second floor?", "Yes, beside the entrance.", "Yes, by the door.")
CHILDREN = OwnQuestion("Can I bring my children with me?", "Yes, they can wait in reception.", "Yes, in reception.")


@pytest.mark.parametrize(
    "message, expected",
    [
        ("can I buy a gift voucher for a couple", VOUCHERS),
        ("Gift vouchers for couples??", VOUCHERS),
        ("is there a shower to use after my massage", SHOWER),
        ("what are your opening hours", None),
        ("gift", None),  # one shared word is chance
        ("", None),
    ],
)
def test_matching_by_meaning_and_by_content_words(message, expected):
    for matcher in (MATCHER, WORD_MATCHER):
        found = best_own_question(message, [VOUCHERS, SHOWER], matcher)
        assert (found[0] if found else None) == expected


@pytest.mark.parametrize(
    "message, expected",
    [
        # The same question in other words: no content word shared.
        ("do you have an elevator", LIFT),
        ("is there a lift", LIFT),
        ("shower?", SHOWER),
        # Another question on the same subject is not a match.
        ("can I bring a friend", None),
        ("what floor are you on", None),
        ("how much are gift vouchers", None),
    ],
)
def test_the_default_matcher_compares_meaning(message, expected):
    found = best_own_question(message, [VOUCHERS, SHOWER, LIFT, CHILDREN])
    assert (found[0] if found else None) == expected


def test_the_matchers_scores_are_ordered():
    for matcher in (MATCHER, WORD_MATCHER):
        assert 0 < matcher.threshold < matcher.clear < matcher.strong <= 1


def test_the_matcher_has_nearest_passages_shape():
    match = MATCHER.match("a shower afterwards?", [VOUCHERS.question, SHOWER.question])
    assert match.index == 1 and match.text == SHOWER.question and 0 < match.score <= 1
    assert token_overlap("nothing alike", ["zebra crossing"]).score == 0


def test_a_bad_list_names_the_field():
    with pytest.raises(ProfileError, match=r"own_questions\[0\]\.sms"):
        parse_own_questions({"own_questions": [{"question": "q?", "answer": "a"}]})
    with pytest.raises(ProfileError, match="longer than 306"):
        parse_own_questions({"own_questions": [{"question": "q?", "answer": "a", "sms": "x" * 400}]})
    assert parse_own_questions({}) == []


def test_editing_keeps_the_practices_comments_and_everything_else(tmp_path):
    path = tmp_path / "profile.yml"
    shutil.copy(DEFAULT_PROFILE_PATH, path)
    before = path.read_text(encoding="utf-8")
    add_own_question("  Do you sell gift vouchers   for couples? ", VOUCHERS.answer, VOUCHERS.sms, path)
    add_own_question(SHOWER.question, "Yes: a shower, with towels.", SHOWER.sms, path)
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # nothing above was touched, comments included
    assert current_own_questions(path) == [
        VOUCHERS,
        OwnQuestion(SHOWER.question, "Yes: a shower, with towels.", SHOWER.sms),
    ]
    assert yaml.safe_load(after)["hours"] == yaml.safe_load(before)["hours"]

    assert not remove_own_question(0, "someone changed it meanwhile", path)
    assert remove_own_question(0, VOUCHERS.question, path)
    assert [q.question for q in current_own_questions(path)] == [SHOWER.question]
    with pytest.raises(ProfileError):
        add_own_question("q?", "", "sms", path)
    assert [q.question for q in current_own_questions(path)] == [SHOWER.question]
