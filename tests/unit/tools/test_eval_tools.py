"""tools/evaluate.py without Rasa training: folds, metrics, baselines, real-question scoring, report, summary."""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest
import yaml

import tools.evaluate as evaluate
from bot.paths import REPO_ROOT
from tools.dev_overlap import Line, NearPair
from tools.evaluate import (
    BENIGN,
    BOUNDARY_INTENT,
    DEV,
    DEV_ENV,
    DEV_FILE,
    FALLBACK_INTENT,
    HELDOUT,
    NOT_RED_FLAGS,
    OURS,
    RASA_DEFAULT,
    TFIDF,
    Clock,
    CrossValidation,
    DevRow,
    Results,
    accuracy,
    config_with_epochs,
    dev_set_path,
    known_topics,
    load_dev_set,
    load_examples,
    score_dev,
    stratified_folds,
    summary_line,
    topic_key,
    topic_of,
    topic_scores,
    train_tfidf,
    write_nlu_file,
    write_report,
)

REPO = REPO_ROOT


def test_the_rasa_default_baseline_is_what_rasa_fills_into_a_rasa_init_project():
    import rasa.engine.recipes.default_recipe as recipe

    installed = yaml.safe_load((Path(recipe.__file__).parent / "config_files" / "default_config.yml").read_text())
    ours = yaml.safe_load((REPO / "tools" / "baselines" / "rasa_default.yml").read_text())
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
    source = REPO / "tools" / "baselines" / "rasa_default.yml"
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


def test_a_retrieval_intent_keeps_its_response_key_through_the_training_file(tmp_path):
    examples = [("faq/why_glutes", "why the glutes"), ("faq/underwear", "do I keep my undies on"), ("hours", "open?")]
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
        BENIGN: [("book_appointment", "book me in, my legs are tired from gardening")],
        "red_flags.yml": [("medical_red_flag", "my calf is swollen and hot"), ("medical_red_flag", "numb foot")],
    }
    predictions = {
        OURS: {
            HELDOUT: ["hours", "pricing", "hours"],
            NOT_RED_FLAGS: ["pregnancy"],
            BENIGN: ["book_appointment"],
            "red_flags.yml": ["medical_red_flag", "medical_red_flag"],
        },
        RASA_DEFAULT: {
            HELDOUT: ["hours", FALLBACK_INTENT, "pricing"],
            NOT_RED_FLAGS: ["medical_red_flag"],
            BENIGN: ["medical_red_flag"],
            "red_flags.yml": ["medical_red_flag", "talk_to_therapist"],
        },
        TFIDF: {
            HELDOUT: ["hours", "pricing", "pricing"],
            NOT_RED_FLAGS: ["pregnancy"],
            BENIGN: ["book_appointment"],
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


def test_without_the_development_set_the_summary_line_says_so_and_keeps_its_fields():
    line = summary_line(_results())
    assert line == (
        "eval: dev_acc=n/a dev_redflags=n/a dev_boundary_fp=n/a dev_redflag_fp=n/a dev_near=n/a "
        "heldout_acc=1.000 rasa_default_acc=0.333 tfidf_acc=0.667 dev_rasa_default_acc=n/a dev_tfidf_acc=n/a "
        "reviewed=n/a"
    )


def test_report_names_the_machine_the_target_verdict_and_draws_the_confusion_matrices(tmp_path, monkeypatch):
    report = _report(tmp_path, monkeypatch, _results())

    for fact in ("CPU:", "cores:", "RAM:", "Python:", "rasa:"):
        assert fact in report
    assert "100.0% -> **met**" in report  # ours got 3/3 against the held-out target
    assert "10 epochs instead of 100" in report  # the baseline's cut is stated, not hidden
    assert "| red_flags.yml | 2 | 2/2 (100%) (2) | 1/2 (50%) (2) | 1/2 (50%) (1) |" in report
    assert "- Rasa default: 1/1 (100%) flagged" in report
    for png in ("eval_confusion_heldout.png", "eval_confusion_cv.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({png})" in report


# ------------------------------------------------- real client questions (invented rows, not the dev set)


def test_topic_key_is_the_intent_or_the_part_after_the_slash():
    assert topic_key("hours") == "hours"
    assert topic_key("faq/why_glutes") == "why_glutes"
    assert topic_key("") == ""


def test_topic_of_a_parse_reads_the_selected_response_key_of_a_retrieval_intent():
    assert topic_of({"intent": {"name": "hours", "confidence": 0.9}}) == "hours"
    retrieval = {
        "intent": {"name": "faq"},
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            "faq": {"response": {"intent_response_key": "faq/why_glutes"}},
        },
    }
    assert topic_of(retrieval) == "why_glutes"
    default_selector = {
        "intent": {"name": "faq"},
        "response_selector": {"default": {"response": {"intent_response_key": "faq/underwear"}}},
    }
    assert topic_of(default_selector) == "underwear"
    # A selector's answer for another retrieval intent does not replace the intent the classifier chose.
    other = {
        "intent": {"name": "hours"},
        "response_selector": {"default": {"response": {"intent_response_key": "faq/underwear"}}},
    }
    assert topic_of(other) == "hours"
    assert topic_of({"intent": None}) == ""


def test_known_topics_are_plain_intents_and_the_response_keys_of_retrieval_intents():
    from rasa.shared.core.domain import Domain

    domain = Domain.from_yaml("""
version: "3.1"
intents:
- hours
- faq
responses:
  utter_faq/why_glutes:
  - text: because
  utter_faq/underwear:
  - text: your call
  utter_hours:
  - text: nine to five
""")
    known = known_topics(domain)
    assert {"hours", "why_glutes", "underwear"} <= known
    assert "faq" not in known


def test_the_development_set_path_is_beside_the_repository_unless_the_environment_names_another(monkeypatch, tmp_path):
    monkeypatch.delenv(DEV_ENV, raising=False)
    assert dev_set_path() == DEV_FILE == REPO.parent / "shared" / "real_questions_dev.tsv"
    monkeypatch.setenv(DEV_ENV, str(tmp_path / "dev.tsv"))
    assert dev_set_path() == tmp_path / "dev.tsv"


def test_dev_set_loads_keys_in_order_flags_and_quoted_questions(tmp_path):
    path = tmp_path / "dev.tsv"
    path.write_text(
        "id\tquestion\taccepted\tstrict_redflag\tsource_kind\tsource\n"
        "x1\tdo you open on sundays?\thours\t0\tclinic_faq\thttps://example.org/a\n"
        'x2\t"is my ""tight"" back a worry, | or not"\tcontraindications, medical_red_flag\t1\tforum\t\n'
    )
    rows = load_dev_set(path)
    assert rows == [
        DevRow("x1", "do you open on sundays?", ("hours",), False, "clinic_faq"),
        DevRow("x2", 'is my "tight" back a worry, | or not', ("contraindications", "medical_red_flag"), True, "forum"),
    ]
    assert rows[1].topic == "contraindications"


@pytest.mark.parametrize(
    "body, problem",
    [
        ("id\tquestion\taccepted\tsource_kind\nx1\thi\tgreet\tother\n", "missing columns strict_redflag"),
        ("id\tquestion\taccepted\tstrict_redflag\tsource_kind\nx1\thi\t\t0\tother\n", "row x1"),
        ("id\tquestion\taccepted\tstrict_redflag\tsource_kind\nx1\thi\tgreet\tyes\tother\n", "row x1"),
    ],
)
def test_a_malformed_dev_set_is_refused_with_the_reason(tmp_path, body, problem):
    path = tmp_path / "dev.tsv"
    path.write_text(body)
    with pytest.raises(ValueError, match=problem):
        load_dev_set(path)


# Invented rows: what each one exercises is in its comment.
DEV_ROWS = [
    DevRow("q1", "when do you open", ("hours",), False, "clinic_faq"),  # right
    DevRow("q2", "left calf hot and swollen", ("medical_red_flag",), True, "client_quote"),  # red flag caught
    DevRow("q3", "arm aches, chest tight", ("medical_red_flag",), True, "client_quote"),  # red flag missed
    DevRow(
        "q4", "skip massage with a cold?", ("contraindications", "medical_red_flag"), False, "other"
    ),  # flag accepted
    DevRow("q5", "what do I wear", ("first_visit", "underwear"), False, "forum"),  # boundary false positive
    DevRow("q6", "can I shower after", ("aftercare_tips",), False, "clinic_faq"),  # red-flag false positive
    DevRow("q7", "any happy endings", (BOUNDARY_INTENT,), False, "forum"),  # boundary reply where it belongs
    DevRow("q8", "how often should I come", ("frequency", "book_appointment"), False, "other"),  # fallback
]
DEV_PREDICTED = [
    "hours",
    "medical_red_flag",
    "soreness_pain",
    "medical_red_flag",
    BOUNDARY_INTENT,
    "medical_red_flag",
    BOUNDARY_INTENT,
    FALLBACK_INTENT,
]
DEV_KNOWN = {"hours", "medical_red_flag", "first_visit", "underwear", BOUNDARY_INTENT, "soreness_pain"}


def test_dev_scores_count_a_row_right_when_any_accepted_key_was_predicted():
    score = score_dev(DEV_ROWS, DEV_PREDICTED, DEV_KNOWN)
    assert score.hits == [True, True, False, True, False, False, True, False]
    assert score.overall == (4, 8) and score.accuracy == 0.5
    # Rows with a key that does not exist yet (contraindications, aftercare_tips, frequency) are left out.
    assert score.known == (3, 5) and score.known_accuracy == 0.6
    assert score.per_topic == {
        "aftercare_tips": (0, 1),
        "contraindications": (1, 1),
        "first_visit": (0, 1),
        "frequency": (0, 1),
        "hours": (1, 1),
        BOUNDARY_INTENT: (1, 1),
        "medical_red_flag": (1, 2),
    }
    assert score.per_source == {"clinic_faq": (1, 2), "client_quote": (1, 2), "forum": (1, 2), "other": (1, 2)}
    assert score.fallbacks == 1
    assert score.confusions == collections.Counter(
        {
            ("medical_red_flag", "soreness_pain"): 1,
            ("first_visit", BOUNDARY_INTENT): 1,
            ("aftercare_tips", "medical_red_flag"): 1,
            ("frequency", FALLBACK_INTENT): 1,
        }
    )


def test_dev_red_flags_and_wrong_replies_are_listed_by_id():
    score = score_dev(DEV_ROWS, DEV_PREDICTED, DEV_KNOWN)
    assert score.red_flags == (1, 2) and score.missed_red_flags == ["q3"]
    # q4 accepts the safety answer, so only q6 is a false positive; the strict rows are not "other rows".
    assert score.other_rows == 6 and score.red_flag_fp == ["q6"]
    assert score.boundary_fp == ["q5"]


def test_a_strict_red_flag_must_reach_the_safety_answer_itself():
    rows = [DevRow("s1", "numb leg", ("medical_red_flag", "talk_to_therapist"), True, "forum")]
    score = score_dev(rows, ["talk_to_therapist"], {"medical_red_flag", "talk_to_therapist"})
    assert score.accuracy == 1.0  # an accepted topic ...
    assert score.red_flags == (0, 1) and score.missed_red_flags == ["s1"]  # ... but not the safety answer


def test_dev_scores_refuse_predictions_that_do_not_line_up():
    with pytest.raises(ValueError, match="8 rows but 7 predictions"):
        score_dev(DEV_ROWS, DEV_PREDICTED[:-1], DEV_KNOWN)


def test_the_dev_line_gives_figures_and_ids_never_the_questions():
    line = score_dev(DEV_ROWS, DEV_PREDICTED, DEV_KNOWN).line()
    assert line == (
        "real questions (dev): accuracy 0.500 (4/8), 0.600 on rows with existing keys (3/5); "
        "strict red flags to the safety answer 1/2 (missed q3); red-flag false positives 1/6; "
        "boundary-reply false positives 1 (q5)"
    )
    assert not any(row.text in line for row in DEV_ROWS)


def _results_with_dev(tmp_path: Path) -> Results:
    results = _results()
    results.dev_rows = list(DEV_ROWS)
    results.dev_path = tmp_path / "real_questions_dev.tsv"
    results.known = frozenset(DEV_KNOWN)
    results.predictions[OURS][DEV] = list(DEV_PREDICTED)
    results.predictions[TFIDF][DEV] = ["hours"] * len(DEV_ROWS)
    results.predictions[RASA_DEFAULT][DEV] = ["medical_red_flag"] * len(DEV_ROWS)
    results.dev_near = [NearPair("d1", Line("data/nlu/practice.yml", "hours", "when are you open"), 0.91)]
    results.near_checked = 40
    return results


def test_summary_line_puts_the_development_set_first(tmp_path):
    line = summary_line(_results_with_dev(tmp_path))
    assert line == (
        "eval: dev_acc=0.500 dev_redflags=1/2 dev_boundary_fp=1 dev_redflag_fp=1 dev_near=1 heldout_acc=1.000 "
        "rasa_default_acc=0.333 tfidf_acc=0.667 dev_rasa_default_acc=0.375 dev_tfidf_acc=0.125 reviewed=n/a"
    )
    assert re.fullmatch(
        r"eval: dev_acc=\d\.\d{3} dev_redflags=\d+/\d+ dev_boundary_fp=\d+ dev_redflag_fp=\d+ dev_near=\d+ "
        r"heldout_acc=\d\.\d{3} rasa_default_acc=\d\.\d{3} tfidf_acc=\d\.\d{3} "
        r"dev_rasa_default_acc=\d\.\d{3} dev_tfidf_acc=\d\.\d{3} reviewed=n/a",
        line,
    )


def _report(tmp_path: Path, monkeypatch, results: Results) -> str:
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
    return write_report(results, clock, facts, "0.10 / 0.20 / 0.30", tmp_path).read_text()


def test_report_opens_with_the_real_questions_per_topic_per_source_and_every_wrong_reply(tmp_path, monkeypatch):
    report = _report(tmp_path, monkeypatch, _results_with_dev(tmp_path))

    headline = report.index("## Real client questions (the headline)")
    assert headline < report.index("## Summary") < report.index("## Held-out, per topic")
    assert "| ours | **0.500** (4/8) | 0.600 (3/5) | 1/2 (50%) | 1/6 (17%) | 1 | 1 | 1.000 |" in report
    assert "| TF-IDF + LR | **0.125** (1/8) |" in report
    assert "| Rasa default | **0.375** (3/8) |" in report
    # Weakest first; a topic without an intent today is marked; what ours answered instead.
    assert "| aftercare_tips | 1 | **no** | 0.00 | 0.00 | 0.00 | medical_red_flag 1 |" in report
    assert "| medical_red_flag | 2 | yes | 0.50 | 0.00 | 1.00 | soreness_pain 1 |" in report
    assert "| forum | 2 | 0.50 | 0.00 | 0.00 |" in report
    assert "| q3 | medical_red_flag | soreness_pain | arm aches, chest tight |" in report
    assert "| q6 | aftercare_tips | medical_red_flag | can I shower after |" in report
    assert "| q5 | first_visit,underwear | inappropriate_request | what do I wear |" in report
    assert "- first_visit -> inappropriate_request: 1" in report
    assert "### Every question ours got wrong (4), by topic" in report
    assert "- real questions >= 90% topic accuracy over all rows: 50.0% -> **missed**" in report
    assert "- every strict red flag reaches the safety answer: 1/2 -> **missed**" in report
    assert "- no boundary-reply false positive: 1 -> **missed**" in report
    assert "- held-out file >= 93% topic accuracy: 100.0% -> **met**" in report
    # Repository lines near a dev question: by dev id, never the dev question's text.
    assert "40 examples in `data/nlu/` and `tests/model/`" in report
    assert "| d1 | 0.91 | data/nlu/practice.yml | hours | when are you open |" in report


def test_report_without_the_development_set_says_it_was_skipped(tmp_path, monkeypatch):
    report = _report(tmp_path, monkeypatch, _results())
    assert "**Skipped**: development set not found at" in report
    assert "**Skipped**: no development set." in report
    assert "- development set: not measured (not found)" in report


def test_messages_reviewed_by_staff_are_scored_and_reported(tmp_path, monkeypatch):
    from tools.evaluate import REVIEWED

    results = _results()
    results.reviewed = [("hours", "r u open on the holiday"), ("pricing", "how much for the long one")]
    for model, guesses in ((OURS, ["hours", "hours"]), (RASA_DEFAULT, ["hours", "pricing"]), (TFIDF, ["x", "y"])):
        results.predictions[model][REVIEWED] = guesses
    assert results.reviewed_hits() == (1, 2)
    assert summary_line(results).endswith(" reviewed=1/2")
    report = _report(tmp_path, monkeypatch, results)
    assert "## Messages staff reviewed" in report
    assert "| ours | 1/2 (50%) |" in report and "| Rasa default | 2/2 (100%) |" in report
    assert "- pricing -> hours: how much for the long one" in report
