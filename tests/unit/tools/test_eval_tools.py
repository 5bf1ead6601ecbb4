"""tools/evaluate.py without Rasa training: folds, metrics, baselines, the report and its summary line."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest
import yaml

import tools.evaluate as evaluate
from bot.paths import REPO_ROOT
from tools.evaluate import (
    FALLBACK_INTENT,
    HELDOUT,
    NOT_RED_FLAGS,
    OURS,
    RASA_DEFAULT,
    TFIDF,
    Clock,
    CrossValidation,
    Results,
    accuracy,
    config_with_epochs,
    load_examples,
    stratified_folds,
    summary_line,
    topic_scores,
    train_tfidf,
    write_nlu_file,
    write_report,
)


def test_the_rasa_default_baseline_is_what_rasa_fills_into_a_rasa_init_project():
    import rasa.engine.recipes.default_recipe as recipe

    installed = yaml.safe_load((Path(recipe.__file__).parent / "config_files" / "default_config.yml").read_text())
    ours = yaml.safe_load((REPO_ROOT / "tools" / "baselines" / "rasa_default.yml").read_text())
    assert ours["pipeline"] == installed["pipeline"]
    assert ours["policies"] == installed["policies"]
    assert ours["language"] == installed["language"] == "en"


def test_folds_cover_every_example_once_and_spread_each_topic_evenly():
    labels = ["a"] * 23 + ["b"] * 11 + ["c"] * 7
    folds = stratified_folds(labels, 5)
    tested = sorted(i for _, test in folds for i in test)
    assert tested == list(range(len(labels)))
    for train, test in folds:
        assert not set(train) & set(test)
        per_topic = collections.Counter(labels[i] for i in test)
        assert 4 <= per_topic["a"] <= 5 and 2 <= per_topic["b"] <= 3 and 1 <= per_topic["c"] <= 2
    assert folds == stratified_folds(labels, 5), "the same folds on every run"


def test_epoch_override_changes_only_epochs(tmp_path):
    source = REPO_ROOT / "tools" / "baselines" / "rasa_default.yml"
    changed = yaml.safe_load(config_with_epochs(source, 7, tmp_path / "c.yml").read_text())
    original = yaml.safe_load(source.read_text())
    for before, after in zip(original["pipeline"], changed["pipeline"]):
        assert {k: v for k, v in after.items() if k != "epochs"} == {k: v for k, v in before.items() if k != "epochs"}
        if "epochs" in before:
            assert after["epochs"] == 7
    assert changed["policies"] == original["policies"]


def test_training_file_round_trips_awkward_texts(tmp_path):
    examples = [
        ("greet", "hi: is anyone there?"),
        ("greet", '"hello" - {name}'),
        ("pricing", "- how much?"),
        ("pricing", "what's the price # for 60 min"),
    ]
    write_nlu_file(examples, tmp_path / "nlu.yml")
    assert sorted(load_examples(tmp_path / "nlu.yml")) == sorted(examples)


def test_a_fallback_counts_as_a_miss_and_scores_are_per_topic():
    truth = ["hours", "hours", "pricing", "pricing"]
    predicted = ["hours", FALLBACK_INTENT, "hours", "pricing"]
    assert accuracy(truth, predicted) == 0.5
    scores = topic_scores(truth, predicted)
    assert scores.precision == {"hours": 0.5, "pricing": 1.0}
    assert scores.recall == {"hours": 0.5, "pricing": 0.5}
    assert scores.support == {"hours": 2, "pricing": 2}
    assert scores.macro_f1 == pytest.approx((0.5 + 2 / 3) / 2)


def test_tfidf_baseline_learns_topics_from_examples():
    examples = [
        ("hours", t)
        for t in (
            "when are you open",
            "opening hours?",
            "are you open on sunday",
            "what time do you close",
            "open saturday?",
        )
    ]
    examples += [
        ("pricing", t)
        for t in (
            "how much is a massage",
            "prices please",
            "what does 60 minutes cost",
            "is it expensive",
            "cost of a session",
        )
    ]
    classifier = train_tfidf(examples)
    assert list(classifier.predict(["what time do you open", "how much does it cost"])) == ["hours", "pricing"]


def _results() -> Results:
    sets = {
        HELDOUT: [("hours", "when are you open"), ("pricing", "how much"), ("hours", "open sunday?")],
        NOT_RED_FLAGS: [("pregnancy", "I'm pregnant, is massage ok")],
        "red_flags.yml": [("medical_red_flag", "my calf is swollen and hot"), ("medical_red_flag", "numb foot")],
    }
    predictions = {
        OURS: {
            HELDOUT: ["hours", "pricing", "hours"],
            NOT_RED_FLAGS: ["pregnancy"],
            "red_flags.yml": ["medical_red_flag", "medical_red_flag"],
        },
        RASA_DEFAULT: {
            HELDOUT: ["hours", FALLBACK_INTENT, "pricing"],
            NOT_RED_FLAGS: ["medical_red_flag"],
            "red_flags.yml": ["medical_red_flag", "talk_to_therapist"],
        },
        TFIDF: {
            HELDOUT: ["hours", "pricing", "pricing"],
            NOT_RED_FLAGS: ["pregnancy"],
            "red_flags.yml": ["soreness_pain", "medical_red_flag"],
        },
    }
    cv = {
        m: CrossValidation([0.9, 0.8], ["hours", "pricing"] * 2, ["hours", "pricing", "hours", FALLBACK_INTENT])
        for m in (OURS, TFIDF)
    }
    return Results(
        sets,
        predictions,
        cv,
        baseline_epochs=10,
        default_epochs=100,
        folds=2,
        jobs=2,
        training_examples=40,
        training_topics=2,
    )


def test_summary_line_has_the_exact_format_scripts_read():
    line = summary_line(_results())
    assert line == "eval: heldout_acc=1.000 rasa_default_acc=0.333 tfidf_acc=0.667"
    assert re.fullmatch(r"eval: heldout_acc=\d\.\d{3} rasa_default_acc=\d\.\d{3} tfidf_acc=\d\.\d{3}", line)


def test_report_names_the_machine_the_target_verdict_and_draws_the_confusion_matrices(tmp_path, monkeypatch):
    model = tmp_path / "assistant.tar.gz"
    model.write_bytes(b"x" * 1000)
    data = tmp_path / "nlu"
    data.mkdir()
    (data / "a.yml").write_text("version: '3.1'\n")
    monkeypatch.setattr(evaluate, "OUR_MODEL", model)
    monkeypatch.setattr(evaluate, "TRAINING_DATA", data)
    monkeypatch.setattr(evaluate, "OUR_CONFIG", data / "a.yml")
    clock = Clock()
    clock.stage("a stage", 3.0, 2.5)
    facts = evaluate.machine.describe(["rasa"])

    report = write_report(_results(), clock, facts, "0.10 / 0.20 / 0.30", tmp_path).read_text()

    for fact in ("CPU:", "cores:", "RAM:", "Python:", "rasa:"):
        assert fact in report
    assert "100.0% -> **met**" in report  # ours got 3/3 against the 95% target
    assert "10 epochs instead of 100" in report  # the baseline's cut is stated, not hidden
    assert "| red_flags.yml | 2 | 2/2 (100%) (2) | 1/2 (50%) (2) | 1/2 (50%) (1) |" in report
    assert "- Rasa default: 1/1 (100%) flagged" in report
    for png in ("eval_confusion_heldout.png", "eval_confusion_cv.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({png})" in report
