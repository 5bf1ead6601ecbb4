"""`make eval`: how well the assistant understands clients, next to two baselines.

On the same data in one run:
- ours: the trained models/assistant.tar.gz (not retrained) on the held-out
  questions (tests/model/heldout.yml) and the red-flag sets in tests/model/;
- 5-fold stratified cross-validation of our NLU pipeline (config.yml, read at
  run time) on the training data, data/nlu/ (NLU-only training per fold);
- Rasa's default pipeline (what `rasa init` trains, tools/baselines/rasa_default.yml)
  and a TF-IDF + logistic regression classifier, both trained on data/nlu/ and
  scored on the same held-out files.

Writes reports/eval.md and confusion-matrix PNGs, and ends with one line for
scripts: `eval: heldout_acc=... rasa_default_acc=... tfidf_acc=...`.

The Rasa trainings run in worker processes (`--jobs` at a time): one DIET
training keeps about one core busy, so two at once use both; the main
process stays free of TensorFlow.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import importlib
import io
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from bot.nlu.red_flag_patterns import RED_FLAG_INTENT
from tools import machine

REPO = Path(__file__).resolve().parent.parent

TRAINING_DATA = REPO / "data" / "nlu"
OUR_CONFIG = REPO / "config.yml"
OUR_MODEL = REPO / "models" / "assistant.tar.gz"
RASA_DEFAULT_CONFIG = REPO / "tools" / "baselines" / "rasa_default.yml"
TEST_DIR = REPO / "tests" / "nlu"
HELDOUT = "heldout.yml"
NOT_RED_FLAGS = "not_red_flags.yml"
FALLBACK_INTENT = "nlu_fallback"  # Rasa's FallbackClassifier: too unsure to name a topic
# Either outcome is safe for a warning sign: the safety answer or a person.
SAFE_INTENTS = {RED_FLAG_INTENT, "talk_to_therapist"}
HELDOUT_TARGET = 0.95
FOLD_SEED = 4217
# Rasa's default DIET (2 transformer layers of 256 units, 100 epochs) costs about
# 20 CPU-seconds an epoch on this data: over half an hour on 2 cores, more than
# the whole eval + bench budget. The baseline is cut to this many epochs and the
# report says so.
# `--baseline-epochs 0` trains it exactly as configured.
BUDGET_BASELINE_EPOCHS = 10

OURS, RASA_DEFAULT, TFIDF = "ours", "rasa_default", "tfidf"
MODELS = (OURS, RASA_DEFAULT, TFIDF)
SHORT = {OURS: "ours", RASA_DEFAULT: "Rasa default", TFIDF: "TF-IDF + LR"}

Example = Tuple[str, str]  # (intent, text)


# ---------------------------------------------------------------- data


def load_examples(path: Path) -> List[Example]:
    """(intent, text) pairs from a Rasa NLU YAML file or folder, in file order."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(message.get("intent"), message.get("text")) for message in data.intent_examples]


def scored_sets() -> Dict[str, List[Example]]:
    """The held-out file, the ordinary-health-question set and every red-flag set."""
    names = [HELDOUT, NOT_RED_FLAGS] + sorted(p.name for p in TEST_DIR.glob("red_flags*.yml"))
    missing = [name for name in names if not (TEST_DIR / name).exists()]
    if missing:
        raise SystemExit(f"missing test files in {TEST_DIR}: {', '.join(missing)}")
    return {name: load_examples(TEST_DIR / name) for name in names}


def stratified_folds(labels: Sequence[str], folds: int, seed: int = FOLD_SEED) -> List[Tuple[List[int], List[int]]]:
    """Train/test index lists; every topic is spread evenly over the folds."""
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return [(list(train), list(test)) for train, test in splitter.split(list(labels), list(labels))]


def write_nlu_file(examples: Sequence[Example], path: Path) -> None:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    messages = [Message.build(text=text, intent=intent) for intent, text in examples]
    RasaYAMLWriter().dump(path, TrainingData(training_examples=messages))


def config_with_epochs(source: Path, epochs: int, target: Path) -> Path:
    """A copy of a Rasa config with every component's `epochs` set to `epochs`."""
    config = yaml.safe_load(source.read_text())
    for component in config.get("pipeline") or []:
        if "epochs" in component:
            component["epochs"] = epochs
    target.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


def configured_epochs(config_path: Path, component: str = "DIETClassifier") -> Optional[int]:
    config = yaml.safe_load(config_path.read_text())
    for item in config.get("pipeline") or []:
        if item.get("name") == component:
            return item.get("epochs")
    return None


# ---------------------------------------------------------------- Rasa models, in worker processes


@dataclass
class Job:
    """Classify texts with a trained model, or train one on `nlu_data` first."""

    name: str
    texts: Dict[str, List[str]]
    model: Optional[str] = None
    config: Optional[str] = None
    nlu_data: Optional[str] = None
    workdir: Optional[str] = None


@dataclass
class JobResult:
    name: str
    predictions: Dict[str, List[str]]
    train_s: float
    load_s: float
    predict_s: float
    cpu_s: float  # CPU time of the whole job, all threads: comparable across busy and idle machines


def _quiet_worker() -> None:
    # Rasa reads LOG_LEVEL: WARNING also turns off its epoch progress bars,
    # which would interleave between workers; structlog would print every parse.
    import logging
    import warnings

    os.environ["LOG_LEVEL"] = "WARNING"
    # TensorFlow's imports reset the warning filters and then warn a screenful.
    with contextlib.redirect_stderr(io.StringIO()):
        for module in ("rasa.core.agent", "rasa.model_training", "rasa.utils.log_utils"):
            importlib.import_module(module)
        from rasa.utils.log_utils import configure_structlog
    warnings.filterwarnings("ignore")
    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.ERROR)


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def run_job(job: Job) -> JobResult:
    cpu_at_start = cpu_seconds()
    _quiet_worker()
    from rasa.core.agent import Agent

    train_s = 0.0
    model = job.model
    if model is None:
        from rasa.model_training import train_nlu

        started = time.monotonic()
        with contextlib.redirect_stdout(io.StringIO()):  # "Your Rasa model is trained and saved at ..."
            model = train_nlu(job.config, job.nlu_data, job.workdir, fixed_model_name=job.name.replace(" ", "-"))
        train_s = time.monotonic() - started
        if not model:
            raise RuntimeError(f"{job.name}: Rasa did not train a model from {job.nlu_data}")
    started = time.monotonic()
    agent = Agent.load(model)
    load_s = time.monotonic() - started

    async def classify_all() -> Dict[str, List[str]]:
        predictions = {}
        for set_name, texts in job.texts.items():
            predictions[set_name] = [(await agent.parse_message(text))["intent"]["name"] for text in texts]
        return predictions

    started = time.monotonic()
    predictions = asyncio.run(classify_all())
    return JobResult(job.name, predictions, train_s, load_s, time.monotonic() - started, cpu_seconds() - cpu_at_start)


# ---------------------------------------------------------------- TF-IDF baseline


def tfidf_classifier():
    """Word 1-2 grams and character 2-5 grams (typos, text-speak) into logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )
    # liblinear (one-vs-rest): same held-out accuracy as lbfgs here, 7x faster.
    return make_pipeline(features, LogisticRegression(C=10.0, solver="liblinear"))


def train_tfidf(examples: Sequence[Example]):
    classifier = tfidf_classifier()
    classifier.fit([text for _, text in examples], [intent for intent, _ in examples])
    return classifier


# ---------------------------------------------------------------- metrics


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(t == p for t, p in zip(truth, predicted)) / len(truth) if truth else 0.0


@dataclass
class TopicScores:
    precision: Dict[str, float]
    recall: Dict[str, float]
    f1: Dict[str, float]
    support: Dict[str, int]
    macro_f1: float


def topic_scores(truth: Sequence[str], predicted: Sequence[str]) -> TopicScores:
    """Per-topic precision/recall/F1 over the true topics; a fallback counts as a miss."""
    from sklearn.metrics import precision_recall_fscore_support

    topics = sorted(set(truth))
    precision, recall, f1, support = precision_recall_fscore_support(
        list(truth), list(predicted), labels=topics, zero_division=0
    )
    return TopicScores(
        dict(zip(topics, map(float, precision))),
        dict(zip(topics, map(float, recall))),
        dict(zip(topics, map(float, f1))),
        dict(zip(topics, map(int, support))),
        float(sum(f1) / len(topics)) if topics else 0.0,
    )


def share(predicted: Sequence[str], wanted: set) -> Tuple[int, int]:
    return sum(p in wanted for p in predicted), len(predicted)


@dataclass
class CrossValidation:
    fold_accuracy: List[float] = field(default_factory=list)
    truth: List[str] = field(default_factory=list)
    predicted: List[str] = field(default_factory=list)

    def add(self, truth: List[str], predicted: List[str]) -> None:
        """One fold's held-back examples and their predictions."""
        self.fold_accuracy.append(accuracy(truth, predicted))
        self.truth += truth
        self.predicted += predicted

    @property
    def mean(self) -> float:
        return statistics.mean(self.fold_accuracy) if self.fold_accuracy else 0.0

    @property
    def spread(self) -> float:
        return statistics.stdev(self.fold_accuracy) if len(self.fold_accuracy) > 1 else 0.0


# ---------------------------------------------------------------- plots


def plot_confusion(truth: Sequence[str], predicted: Sequence[str], title: str, path: Path) -> None:
    """Rows: true topic; columns: predicted (incl. nlu_fallback); colour: share of the row."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from sklearn.metrics import confusion_matrix

    rows = sorted(set(truth))
    columns = rows + sorted(set(predicted) - set(rows))
    counts = confusion_matrix(list(truth), list(predicted), labels=columns)[: len(rows)]
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    size = max(8.0, 0.32 * len(columns) + 3)
    figure, axes = plt.subplots(figsize=(size, size * 0.9))
    axes.imshow(shares, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    axes.set_xticks(range(len(columns)), columns, rotation=90, fontsize=7)
    axes.set_yticks(range(len(rows)), rows, fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true topic")
    axes.set_title(title, fontsize=10)
    for i, j in zip(*np.nonzero(counts)):
        colour = "white" if shares[i, j] > 0.6 else ("black" if i == j else "firebrick")
        axes.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=6, color=colour)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


# ---------------------------------------------------------------- the run


class Clock:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.stages: List[Tuple[str, float, Optional[float]]] = []  # (what, wall s, CPU s)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def note(self, message: str) -> None:
        print(f"[{self.elapsed():5.0f}s] {message}", flush=True)

    def stage(self, name: str, seconds: float, cpu_s: Optional[float] = None) -> None:
        self.stages.append((name, seconds, cpu_s))

    @staticmethod
    def cpu_total() -> float:
        """CPU seconds of this process and of its finished workers."""
        return cpu_seconds(resource.RUSAGE_SELF) + cpu_seconds(resource.RUSAGE_CHILDREN)


@dataclass
class Results:
    sets: Dict[str, List[Example]]
    predictions: Dict[str, Dict[str, List[str]]]  # model -> test set -> predicted intents
    cross_validation: Dict[str, CrossValidation]
    baseline_epochs: Optional[int]
    default_epochs: Optional[int]
    folds: int
    jobs: int
    training_examples: int
    training_topics: int

    @property
    def red_flag_sets(self) -> List[str]:
        return [name for name in self.sets if name.startswith("red_flags")]

    def truth(self, set_name: str) -> List[str]:
        return [intent for intent, _ in self.sets[set_name]]

    def heldout_accuracy(self, model: str) -> float:
        return accuracy(self.truth(HELDOUT), self.predictions[model][HELDOUT])


def run_rasa_jobs(rasa_jobs: Sequence[Job], workers: int, clock: Clock) -> Dict[str, JobResult]:
    """Every job in `workers` spawned processes; results by job name."""
    # Workers inherit this environment: no shared training cache, so each
    # training does its full work (honest timings) and leaves .rasa/ alone.
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    stage_names = {
        OURS: "ours: load the trained model, classify the test sets",
        RASA_DEFAULT: "Rasa default: NLU training on data/nlu, classify the test sets",
    }
    results: Dict[str, JobResult] = {}
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        pending = {pool.submit(run_job, job): job for job in rasa_jobs}
        try:
            for future in concurrent.futures.as_completed(pending):
                job, result = pending[future], future.result()
                trained = f"train {result.train_s:.0f}s, " if result.train_s else ""
                clock.note(
                    f"{job.name}: {trained}load {result.load_s:.0f}s, classify {result.predict_s:.0f}s "
                    f"(CPU {result.cpu_s:.0f}s)"
                )
                clock.stage(
                    stage_names.get(job.name, f"{job.name}: NLU training with config.yml, classify the rest"),
                    result.train_s + result.load_s + result.predict_s,
                    result.cpu_s,
                )
                results[job.name] = result
        except BaseException:
            # Fail fast: jobs not yet started are dropped instead of run to completion.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return results


def fold_job_name(number: int) -> str:
    return f"{OURS} fold {number}"


def evaluate(folds: int, jobs: int, baseline_epochs: int, workdir: Path, clock: Clock) -> Results:
    sets = scored_sets()
    texts = {name: [text for _, text in examples] for name, examples in sets.items()}
    training = load_examples(TRAINING_DATA)
    clock.note(
        f"{len(training)} training examples in {machine.shown(TRAINING_DATA)}; test sets: "
        + ", ".join(f"{name} ({len(examples)})" for name, examples in sets.items())
    )
    splits = stratified_folds([intent for intent, _ in training], folds)
    predictions: Dict[str, Dict[str, List[str]]] = {}
    cross_validation = {OURS: CrossValidation(), TFIDF: CrossValidation()}

    # The TF-IDF baseline takes seconds: done first, so its figures are its own.
    cpu_at_start, started = cpu_seconds(), time.monotonic()
    classifier = train_tfidf(training)
    predictions[TFIDF] = {name: list(classifier.predict(t)) for name, t in texts.items()}
    clock.stage(
        "TF-IDF + LR: train on data/nlu, classify the test sets",
        time.monotonic() - started,
        cpu_seconds() - cpu_at_start,
    )
    cpu_at_start, started = cpu_seconds(), time.monotonic()
    for train_index, test_index in splits:
        fold_classifier = train_tfidf([training[i] for i in train_index])
        cross_validation[TFIDF].add(
            [training[i][0] for i in test_index], list(fold_classifier.predict([training[i][1] for i in test_index]))
        )
    clock.stage(f"TF-IDF + LR: {folds}-fold cross-validation", time.monotonic() - started, cpu_seconds() - cpu_at_start)
    clock.note("TF-IDF baseline done")

    rasa_default_config = RASA_DEFAULT_CONFIG
    if baseline_epochs:
        rasa_default_config = config_with_epochs(RASA_DEFAULT_CONFIG, baseline_epochs, workdir / "rasa_default.yml")
    training_file = workdir / "training.yml"
    write_nlu_file(training, training_file)
    # The longest job first, so that it never runs alone at the end.
    rasa_jobs = [
        Job(RASA_DEFAULT, texts, config=str(rasa_default_config), nlu_data=str(training_file), workdir=str(workdir)),
        Job(OURS, texts, model=str(OUR_MODEL)),
    ]
    for number, (train_index, test_index) in enumerate(splits, start=1):
        fold_file = workdir / f"fold-{number}.yml"
        write_nlu_file([training[i] for i in train_index], fold_file)
        rasa_jobs.append(
            Job(
                fold_job_name(number),
                {"fold": [training[i][1] for i in test_index]},
                config=str(OUR_CONFIG),
                nlu_data=str(fold_file),
                workdir=str(workdir),
            )
        )
    clock.note(
        f"{len(rasa_jobs)} Rasa jobs, {jobs} at a time: the Rasa default pipeline (train + test), ours on "
        f"the held-out sets, {folds} cross-validation folds of config.yml (train + test)"
    )
    finished = run_rasa_jobs(rasa_jobs, jobs, clock)

    predictions[OURS] = finished[OURS].predictions
    predictions[RASA_DEFAULT] = finished[RASA_DEFAULT].predictions
    for number, (_, test_index) in enumerate(splits, start=1):
        cross_validation[OURS].add(
            [training[i][0] for i in test_index], finished[fold_job_name(number)].predictions["fold"]
        )
    return Results(
        sets,
        predictions,
        cross_validation,
        baseline_epochs or None,
        configured_epochs(RASA_DEFAULT_CONFIG),
        folds,
        jobs,
        len(training),
        len({intent for intent, _ in training}),
    )


# ---------------------------------------------------------------- the report


def _ratio(count: Tuple[int, int]) -> str:
    hit, total = count
    return f"{hit}/{total} ({hit / total:.0%})" if total else "-"


def _model_facts() -> List[str]:
    newest_input = max(p.stat().st_mtime for p in [OUR_CONFIG, *TRAINING_DATA.rglob("*.yml")])
    model_time = OUR_MODEL.stat().st_mtime
    facts = [
        f"- our model: `{machine.shown(OUR_MODEL)}`, {OUR_MODEL.stat().st_size / 1e6:.1f} MB, trained "
        f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(model_time))}"
    ]
    if model_time < newest_input:
        facts.append(
            "- **warning: config.yml or data/nlu changed after this model was trained; "
            "the held-out figures describe the older model** (`make train` updates it)"
        )
    return facts


def _model_legend(results: Results, rasa_version: str) -> List[str]:
    rasa_default = (
        f"the NLU pipeline of a fresh `rasa init` project in Rasa {rasa_version} (`tools/baselines/rasa_default.yml`)"
    )
    if results.baseline_epochs:
        rasa_default += (
            f", except that DIET trains {results.baseline_epochs} epochs instead of "
            f"{results.default_epochs}: its full training alone takes longer than this run's time budget "
            "on 2 cores, so its figures are likely a lower bound (`make eval BASELINE_EPOCHS=0` trains it "
            "as configured)"
        )
    return [
        f"- **{SHORT[OURS]}**: on the held-out files, the model `make train` built (loaded, not retrained); "
        "in cross-validation, the pipeline in config.yml as it stands, trained per fold (NLU only)",
        f"- **{SHORT[RASA_DEFAULT]}**: {rasa_default}; trained on `data/nlu/` in this run",
        f"- **{SHORT[TFIDF]}**: scikit-learn TF-IDF of word 1-2 grams and character 2-5 grams, logistic regression "
        "(C=10, one-vs-rest); trained on `data/nlu/` in this run",
        f"- accuracy counts exact topic matches; Rasa's `{FALLBACK_INTENT}` (confidence below its threshold) is a miss",
    ]


def _summary_section(results: Results, scores: Dict[str, TopicScores]) -> List[str]:
    k = results.folds
    lines = [
        "## Summary",
        "",
        "| model | held-out accuracy | held-out macro F1 | held-out fallbacks | red flags to the safety answer | "
        f"ordinary health questions not flagged | {k}-fold CV accuracy |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in MODELS:
        flagged = [p for name in results.red_flag_sets for p in results.predictions[m][name]]
        kept = [p != RED_FLAG_INTENT for p in results.predictions[m][NOT_RED_FLAGS]]
        cv = results.cross_validation.get(m)
        cv_cell = f"{cv.mean:.3f} ± {cv.spread:.3f}" if cv else "not run (time budget)"
        lines.append(
            f"| {SHORT[m]} | {results.heldout_accuracy(m):.3f} | {scores[m].macro_f1:.3f} | "
            f"{_ratio(share(results.predictions[m][HELDOUT], {FALLBACK_INTENT}))} | "
            f"{_ratio(share(flagged, {RED_FLAG_INTENT}))} | {_ratio((sum(kept), len(kept)))} | {cv_cell} |"
        )
    ours_accuracy = results.heldout_accuracy(OURS)
    met = "met" if ours_accuracy >= HELDOUT_TARGET else "missed"
    lines += [
        "",
        "## Target",
        "",
        f"- hidden-style real questions >= {HELDOUT_TARGET:.0%} topic accuracy (the held-out file stands in "
        f"for them): {ours_accuracy:.1%} -> **{met}**",
    ]
    return lines


def _per_topic_section(
    results: Results, scores: Dict[str, TopicScores], cv_scores: Dict[str, TopicScores]
) -> List[str]:
    lines = [
        "## Held-out, per topic",
        "",
        "Precision, recall and F1 of ours per topic, weakest first; beside it the F1 of the baselines and of "
        f"our {results.folds}-fold cross-validation.",
        "",
        "![confusion matrix, ours on the held-out file](eval_confusion_heldout.png)",
        "",
        f"| topic | n | precision | recall | F1 | F1 {SHORT[RASA_DEFAULT]} | F1 {SHORT[TFIDF]} | F1 ours CV |",
        "|---|---|---|---|---|---|---|---|",
    ]
    ours = scores[OURS]
    for topic in sorted(ours.f1, key=lambda t: (ours.f1[t], t)):
        cv_f1 = cv_scores[OURS].f1.get(topic)
        lines.append(
            f"| {topic} | {ours.support[topic]} | {ours.precision[topic]:.2f} | {ours.recall[topic]:.2f} | "
            f"{ours.f1[topic]:.2f} | {scores[RASA_DEFAULT].f1[topic]:.2f} | {scores[TFIDF].f1[topic]:.2f} | "
            f"{'-' if cv_f1 is None else f'{cv_f1:.2f}'} |"
        )
    return lines


def _red_flag_section(results: Results) -> List[str]:
    lines = [
        "## Red flags",
        "",
        f"Warning-sign messages classified `{RED_FLAG_INTENT}`, and in brackets the safe outcomes (that or "
        "`talk_to_therapist`). Ours includes the rule layer `bot.nlu.red_flag_detector`; the baselines have only "
        "their classifier.",
        "",
        "| set | n | " + " | ".join(SHORT[m] for m in MODELS) + " |",
        "|---|---|" + "---|" * len(MODELS),
    ]
    for name in results.red_flag_sets:
        cells = [
            f"{_ratio(share(results.predictions[m][name], {RED_FLAG_INTENT}))} "
            f"({share(results.predictions[m][name], SAFE_INTENTS)[0]})"
            for m in MODELS
        ]
        lines.append(f"| {name} | {len(results.sets[name])} | " + " | ".join(cells) + " |")
    truth = results.truth(NOT_RED_FLAGS)
    lines += [
        "",
        f"Ordinary health questions (`{NOT_RED_FLAGS}`, {len(truth)}): wrongly sent to the "
        "safety answer, and topic accuracy:",
        "",
    ]
    for m in MODELS:
        predicted = results.predictions[m][NOT_RED_FLAGS]
        lines.append(
            f"- {SHORT[m]}: {_ratio(share(predicted, {RED_FLAG_INTENT}))} flagged; "
            f"topic accuracy {accuracy(truth, predicted):.3f}"
        )
    return lines


def _cross_validation_section(results: Results, cv_scores: Dict[str, TopicScores]) -> List[str]:
    k = results.folds
    lines = [
        f"## {k}-fold cross-validation on the training data",
        "",
        f"Stratified folds (seed {FOLD_SEED}): each fold trains on {k - 1}/{k} of `data/nlu/` and classifies "
        f"the rest, which it never saw. The Rasa default is left out: {k} more of its trainings do not fit "
        "the time budget.",
        "",
        "![confusion matrix, ours cross-validated](eval_confusion_cv.png)",
        "",
        "| model | " + " | ".join(f"fold {i}" for i in range(1, k + 1)) + " | mean ± sd | macro F1 | fallbacks |",
        "|---|" + "---|" * (k + 3),
    ]
    for m, cv in results.cross_validation.items():
        lines.append(
            f"| {SHORT[m]} | "
            + " | ".join(f"{a:.3f}" for a in cv.fold_accuracy)
            + f" | {cv.mean:.3f} ± {cv.spread:.3f} | {cv_scores[m].macro_f1:.3f} | "
            f"{_ratio(share(cv.predicted, {FALLBACK_INTENT}))} |"
        )
    return lines


def _timing_section(results: Results, clock: Clock) -> List[str]:
    lines = [
        "## How long each stage took",
        "",
        f"The TF-IDF baseline ran first; then the Rasa jobs, {results.jobs} at a time in worker processes, so "
        "their wall times overlap and each is slower than it would be alone.",
        "",
        "| stage | wall s | CPU s |",
        "|---|---|---|",
    ]
    lines += [
        f"| {name} | {seconds:.0f} | {'-' if cpu is None else f'{cpu:.0f}'} |" for name, seconds, cpu in clock.stages
    ]
    cpu_total = clock.cpu_total()
    cores = max(1, min(results.jobs, os.cpu_count() or 1))
    longest = max((cpu for _, _, cpu in clock.stages if cpu is not None), default=0.0)
    lines += [
        f"| **whole run** | **{clock.elapsed():.0f}** | **{cpu_total:.0f}** |",
        "",
        f"CPU time does not grow when other work shares the machine; on an idle {cores}-core machine this "
        f"run would take roughly {max(cpu_total / cores, longest):.0f} s (its CPU time spread over {cores} "
        "workers, or its longest job if that is longer).",
    ]
    return lines


def write_report(results: Results, clock: Clock, facts: Dict[str, str], load_at_start: str, out: Path) -> Path:
    heldout_truth = results.truth(HELDOUT)
    scores = {m: topic_scores(heldout_truth, results.predictions[m][HELDOUT]) for m in MODELS}
    cv_scores = {m: topic_scores(cv.truth, cv.predicted) for m, cv in results.cross_validation.items()}
    plot_confusion(
        heldout_truth,
        results.predictions[OURS][HELDOUT],
        f"Ours on {HELDOUT}: accuracy {results.heldout_accuracy(OURS):.3f} ({len(heldout_truth)} questions)",
        out / "eval_confusion_heldout.png",
    )
    cv = results.cross_validation[OURS]
    plot_confusion(
        cv.truth,
        cv.predicted,
        f"Ours, {results.folds}-fold cross-validation on data/nlu: accuracy {accuracy(cv.truth, cv.predicted):.3f}",
        out / "eval_confusion_cv.png",
    )

    lines = [
        "# NLU evaluation",
        "",
        "Topic (intent) classification of client messages, ours next to two baselines, on the same data in "
        "one run. Timings are provisional when the load average below exceeds the core count.",
        "",
        "## Machine and inputs",
        "",
    ]
    lines += machine.markdown(facts, load_at_start, machine.load_average())
    lines += _model_facts()
    lines += [
        f"- training data: `data/nlu/`, {results.training_examples} examples, {results.training_topics} topics",
        f"- held-out: `tests/model/{HELDOUT}`, {len(heldout_truth)} questions written apart from the training data",
        "",
        "## Models",
        "",
    ]
    lines += _model_legend(results, facts.get("rasa", "?"))
    for section in (
        _summary_section(results, scores),
        _per_topic_section(results, scores, cv_scores),
        _red_flag_section(results),
        _cross_validation_section(results, cv_scores),
        _timing_section(results, clock),
    ):
        lines += [""] + section
    path = out / "eval.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def summary_line(results: Results) -> str:
    return (
        f"eval: heldout_acc={results.heldout_accuracy(OURS):.3f} "
        f"rasa_default_acc={results.heldout_accuracy(RASA_DEFAULT):.3f} "
        f"tfidf_acc={results.heldout_accuracy(TFIDF):.3f}"
    )


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="Rasa trainings at a time (default: 2, or 1 on one core)",
    )
    parser.add_argument(
        "--baseline-epochs",
        type=int,
        default=BUDGET_BASELINE_EPOCHS,
        help=f"DIET epochs for the Rasa default baseline (default {BUDGET_BASELINE_EPOCHS}; 0 = as configured)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "reports")
    args = parser.parse_args(argv)

    if not OUR_MODEL.exists():
        print(f"No trained model at {OUR_MODEL}: run `make train` first.", file=sys.stderr)
        return 1
    clock = Clock()
    load_at_start = machine.load_average()
    facts = machine.describe(["rasa", "tensorflow", "scikit-learn", "spacy"])
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nlu-eval-") as folder:
        results = evaluate(args.folds, max(1, args.jobs), args.baseline_epochs, Path(folder), clock)
    report = write_report(results, clock, facts, load_at_start, args.out)
    clock.note(f"report: {machine.shown(report)}")
    print(summary_line(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
