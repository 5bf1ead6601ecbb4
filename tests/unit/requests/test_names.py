"""Client names as people type them, in reply to the name question and in passing."""

from __future__ import annotations

import pytest

from bot.requests.names import as_name, name_in_answer, name_in_message


@pytest.mark.parametrize(
    "reply, name",
    [
        ("Dana Kowalski", "Dana Kowalski"),
        ("Name's Dana Kowalski", "Dana Kowalski"),  # once stored as "Name Dana Kowalski"
        ("name dana kowalski", "Dana Kowalski"),
        ("Name: Dana", "Dana"),
        ("my name is sam lee", "Sam Lee"),
        ("it's Dana", "Dana"),
        ("Its dana", "Dana"),
        ("Dana here", "Dana"),
        ("hi, Dana here", "Dana"),
        ("I'm Sam", "Sam"),
        ("this is Priya Shah", "Priya Shah"),
        ("Sam Lee please", "Sam Lee"),
        ("dana", "Dana"),
        ("DANA KOWALSKI", "Dana Kowalski"),
        ("siobhan o'neill", "Siobhan O'Neill"),
        ("Siobhan O\u2019Neill", "Siobhan O'Neill"),
        ("jean-luc picard", "Jean-Luc Picard"),
        ("Dana Kowalski-Smith", "Dana Kowalski-Smith"),
        ("D'Angelo Russell", "D'Angelo Russell"),
        ("ludwig van beethoven", "Ludwig van Beethoven"),
        ("McKenzie", "McKenzie"),  # typed with care: kept as typed
        ("Nguyễn Thị Mai", "Nguyễn Thị Mai"),
        ("Oluwaseun Adeyemi", "Oluwaseun Adeyemi"),
        ("José María García", "José María García"),
        ("Can Yılmaz", "Can Yılmaz"),
        ("An Nguyen", "An Nguyen"),
        ("Will Smith", "Will Smith"),
        ("李明", "李明"),
        ("Ng", "Ng"),
        ("Anna Wertheim", "Anna Wertheim"),  # "wert" runs along a keyboard row, as key-mash does
        ("Alan Trewin", "Alan Trewin"),
        ("Lena Ewert", "Lena Ewert"),
        ("Dana Kowalski, 415 555 0142", "Dana Kowalski"),
        ("Sure, it's Dana Kowalski and my number is 415 555 0142", "Dana Kowalski"),
        ("<b>Dana</b>", "Dana"),
    ],
)
def test_a_reply_to_the_name_question_is_read_as_a_name(reply, name):
    assert name_in_answer(reply) == name


@pytest.mark.parametrize(
    "reply",
    [
        "Name",
        "name?",
        "my name",
        "no thanks",
        "yes",
        "how much is it?",
        "book me a massage",
        "tomorrow at 3",
        "I don't want to say",
        "asdfgh",
        "qwe rty",
        "\U0001f642\U0001f642",
        "12345",
        "/affirm",
        "",
    ],
)
def test_what_is_not_a_name_is_not_taken_for_one(reply):
    assert name_in_answer(reply) is None


def test_names_given_in_passing_need_explicit_wording_or_a_person_entity():
    assert name_in_message("Book Jane Doe, 415 555 0142, next Tuesday 3pm") == "Jane Doe"
    assert name_in_message("Book Sam Lee for next Tuesday at 3pm") == "Sam Lee"
    assert name_in_message("Dana here, can I book?") == "Dana"
    # spaCy tags "Name" as a PERSON too; the word itself is never the name.
    assert name_in_message("Name's Dana Kowalski", ["Name", "Dana Kowalski"]) == "Dana Kowalski"
    assert name_in_message("for Thursday please", ["Thursday"]) is None
    assert name_in_message("I'm 30 weeks pregnant") is None
    assert name_in_message("I'm free next Tuesday") is None


def test_as_name_limits():
    assert as_name("A") is None
    assert as_name("one two three four five six") is None
    assert as_name("x" * 61) is None
    assert as_name("Mrs. Dana Kowalski") == "Mrs. Dana Kowalski"


def test_after_words_that_can_only_mean_a_name_any_case_is_a_name():
    assert name_in_message("bk 90min fri 3pm w glutes, name sam okafor") == "Sam Okafor"
    assert name_in_message("oh, the name should be Katarzyna Nowak, not Kasia") == "Katarzyna Nowak"
    assert name_in_message("my name is Pia Larsen and I want to book") == "Pia Larsen"
    assert name_in_message("what name should I use") is None
    # In passing, spaCy's PERSON counts only as typed with a capital ("tmrw" is nobody).
    assert name_in_message("can someone get back to me tmrw?", ["tmrw"]) is None
    assert name_in_message("I'd like a therapist to call me back please") is None
    assert name_in_message("you can call me Sam") == "Sam"
