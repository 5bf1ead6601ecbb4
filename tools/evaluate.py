"""`make eval`: how well the assistant understands clients, next to two baselines.

The headline is the development set of real client questions,
../shared/real_questions_dev.tsv (kept outside the repository; skipped with a
note when absent, REAL_QUESTIONS_DEV=path points elsewhere): accuracy overall,
per topic and per source kind, strict red-flag recall through the whole
pipeline, red-flag and boundary-reply false positives.

On the same data in one run:
- ours: the trained models/assistant.tar.gz (not retrained) on the development
  set, the held-out questions (tests/model/heldout.yml) and the red-flag sets in
  tests/model/;
- 5-fold stratified cross-validation of our NLU pipeline (config.yml, read at
  run time) on the training data, data/nlu/ (NLU-only training per fold);
- Rasa's default pipeline (what `rasa init` trains, tools/baselines/rasa_default.yml)
  and a TF-IDF + logistic regression classifier, both trained on data/nlu/ and
  scored on the same files.

Writes reports/eval.md (git-ignored: it quotes the development questions) and
confusion-matrix PNGs, and ends with one line for scripts:
`eval: dev_acc=... dev_redflags=k/n dev_boundary_fp=... dev_near=N heldout_acc=... reviewed=k/n`.

dev_near counts the lines of data/nlu and tests/model close in meaning to a
development question (tools/dev_overlap.py): the dev set is for measuring only.

Messages staff labelled in the console's review queue (data/nlu/reviewed.yml) are
scored too: how many of them the current model gets right (before the next
training, how many it already got; after it, how many it learned).

The Rasa trainings run in worker processes (`--jobs` at a time): one DIET
training keeps about one core busy, so two at once use both; the main
process stays free of TensorFlow.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import csv
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
from typing import Counter, Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple

import yaml

from bot.console.review import reviewed_examples, reviewed_nlu_path
from bot.nlu.red_flag_patterns import RED_FLAG_INTENT
from bot.paths import REPO_ROOT
from tools import dev_overlap, machine

REPO = REPO_ROOT

TRAINING_DATA = REPO / "data" / "nlu"
OUR_CONFIG = REPO / "config.yml"
OUR_MODEL = REPO / "models" / "assistant.tar.gz"
RASA_DEFAULT_CONFIG = REPO / "tools" / "baselines" / "rasa_default.yml"
TEST_DIR = REPO / "tests" / "model"
HELDOUT = "heldout.yml"
NOT_RED_FLAGS = "not_red_flags.yml"
BENIGN = "benign.yml"  # everyday messages with body and health words in passing
FALLBACK_INTENT = "nlu_fallback"  # Rasa's FallbackClassifier: too unsure to name a topic
BOUNDARY_INTENT = "inappropriate_request"  # the sexual-boundary reply
# Either outcome is safe for a warning sign: the safety answer or a person.
SAFE_INTENTS = {RED_FLAG_INTENT, "talk_to_therapist"}
# The development set of real client questions lives beside the repository, never in it.
DEV_FILE = REPO.parent / "shared" / "real_questions_dev.tsv"
DEV_ENV = "REAL_QUESTIONS_DEV"  # another path to it (a worktree whose ../shared is elsewhere)
DEV = "real questions (dev)"  # its key among each model's predictions
REVIEWED = "reviewed by staff"  # data/nlu/reviewed.yml, from the console's review queue
# Issue 12's targets: real questions, warning signs, wrong boundary and safety replies.
DEV_TARGET = 0.90
DEV_RED_FLAG_FP_TARGET = 0.01  # share of the rows that are not strict red flags
HELDOUT_TARGET = 0.93
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

Example = Tuple[str, str]  # (intent label, text); a retrieval intent's label is "faq/why_glutes"


# ---------------------------------------------------------------- data


def load_examples(path: Path) -> List[Example]:
    """(intent label, text) pairs from a Rasa NLU YAML file or folder, in file order."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        (message.get("intent_response_key") or message.get("intent"), message.get("text"))
        for message in data.intent_examples
    ]


def scored_sets() -> Dict[str, List[Example]]:
    """The held-out file, the ordinary-health-question set and every red-flag set."""
    names = [HELDOUT, NOT_RED_FLAGS, BENIGN] + sorted(p.name for p in TEST_DIR.glob("red_flags*.yml"))
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


# ---------------------------------------------------------------- real client questions


def topic_key(label: str) -> str:
    """The topic key of an intent label: the name, or for a retrieval intent the part after the slash."""
    return (label or "").rpartition("/")[2]


def topic_of(parse: dict) -> str:
    """The topic key Rasa's parse of a message settled on (retrieval intents: the selected response key)."""
    intent = (parse.get("intent") or {}).get("name") or ""
    selectors = parse.get("response_selector") or {}
    for selector in (intent, "default"):
        chosen = ((selectors.get(selector) or {}).get("response") or {}).get("intent_response_key") or ""
        if chosen.partition("/")[0] == intent and "/" in chosen:
            return topic_key(chosen)
    return intent


def known_topics(domain) -> FrozenSet[str]:
    """The topic keys a model's domain can answer with today (Rasa's default intents included)."""
    responses = {name[len("utter_") :].partition("/") for name in domain.responses if name.startswith("utter_")}
    # A response `utter_faq/why_glutes` makes `faq` a retrieval intent even where the domain does not say so.
    retrieval = set(domain.retrieval_intents) | {intent for intent, slash, _ in responses if slash}
    keys = {intent for intent in domain.intents if intent not in retrieval}
    keys |= {key for intent, slash, key in responses if slash and intent in retrieval}
    return frozenset(keys)


async def _parse_topics(agent, texts: Iterable[str]) -> List[str]:
    return [topic_of(await agent.parse_message(text)) for text in texts]


def parse_topics(agent, texts: Iterable[str]) -> List[str]:
    """Each text through the whole NLU pipeline (classifier, fallback, rule layers), as Rasa parses a message."""
    return asyncio.run(_parse_topics(agent, texts))


def dev_set_path() -> Path:
    override = os.environ.get(DEV_ENV)
    return Path(override) if override else DEV_FILE


def dev_missing_note(path: Path) -> str:
    return (
        f"development set not found at {path}: real-question figures skipped (it lives in ../shared/ beside "
        f"the repository; {DEV_ENV}=path points elsewhere)"
    )


@dataclass(frozen=True)
class DevRow:
    """One real client question: accepted topic keys, best first."""

    id: str
    text: str
    accepted: Tuple[str, ...]
    strict_red_flag: bool
    source_kind: str

    @property
    def topic(self) -> str:
        return self.accepted[0]


DEV_COLUMNS = ("id", "question", "accepted", "strict_redflag", "source_kind")


def load_dev_set(path: Path) -> List[DevRow]:
    """The development set's rows (a tab-separated file with a header; quoted fields as in CSV)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = [c for c in DEV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(missing)}")
        rows = []
        for record in reader:
            accepted = tuple(key.strip() for key in (record["accepted"] or "").split(",") if key.strip())
            flag = (record["strict_redflag"] or "").strip()
            if not accepted or flag not in ("0", "1"):
                raise ValueError(f"{path}: row {record['id']} needs accepted keys and strict_redflag 0 or 1")
            rows.append(
                DevRow(
                    record["id"].strip(),
                    record["question"],
                    accepted,
                    flag == "1",
                    (record["source_kind"] or "").strip() or "?",
                )
            )
    return rows


Tally = Tuple[int, int]  # (right, rows)


def _tally(groups: Iterable[Tuple[str, bool]]) -> Dict[str, Tally]:
    tally: Dict[str, List[int]] = {}
    for group, right in groups:
        counts = tally.setdefault(group, [0, 0])
        counts[0] += right
        counts[1] += 1
    return {group: (right, total) for group, (right, total) in sorted(tally.items())}


def rate(tally: Tally) -> float:
    right, total = tally
    return right / total if total else 0.0


@dataclass
class DevScore:
    """One model's predictions on the development set, scored (see score_dev)."""

    rows: List[DevRow]
    predicted: List[str]
    hits: List[bool]
    overall: Tally
    known: Tally  # rows whose accepted keys all exist as topics today
    per_topic: Dict[str, Tally]  # by first accepted key
    per_source: Dict[str, Tally]
    red_flags: Tally  # strict red flags that reached the safety answer
    missed_red_flags: List[str]
    other_rows: int  # rows that are not strict red flags
    red_flag_fp: List[str]  # of those, sent to the safety answer where it is not an accepted key
    boundary_fp: List[str]  # sexual-boundary reply where it is not an accepted key
    fallbacks: int
    confusions: Counter  # (first accepted key, predicted) of the misses

    @property
    def accuracy(self) -> float:
        return rate(self.overall)

    @property
    def known_accuracy(self) -> float:
        return rate(self.known)

    def line(self) -> str:
        """The figures in one line, ids only (never the questions)."""
        right, total = self.overall
        known_right, known_total = self.known
        caught, strict = self.red_flags
        missed = f" (missed {', '.join(self.missed_red_flags)})" if self.missed_red_flags else ""
        boundary = f" ({', '.join(self.boundary_fp)})" if self.boundary_fp else ""
        return (
            f"real questions (dev): accuracy {self.accuracy:.3f} ({right}/{total}), "
            f"{self.known_accuracy:.3f} on rows with existing keys ({known_right}/{known_total}); "
            f"strict red flags to the safety answer {caught}/{strict}{missed}; red-flag false positives "
            f"{len(self.red_flag_fp)}/{self.other_rows}; boundary-reply false positives "
            f"{len(self.boundary_fp)}{boundary}"
        )


def score_dev(rows: Sequence[DevRow], predicted: Sequence[str], known: Iterable[str]) -> DevScore:
    """Score predicted topic keys: a row is right when its prediction is among its accepted keys.

    A strict red flag must reach medical_red_flag itself. A red-flag or boundary
    false positive is that reply on a row that does not accept it.
    """
    if len(rows) != len(predicted):
        raise ValueError(f"{len(rows)} rows but {len(predicted)} predictions")
    known = frozenset(known)
    hits = [p in row.accepted for row, p in zip(rows, predicted)]
    pairs = list(zip(rows, predicted, hits))
    strict = [(row, p) for row, p, _ in pairs if row.strict_red_flag]
    others = [(row, p) for row, p, _ in pairs if not row.strict_red_flag]
    return DevScore(
        rows=list(rows),
        predicted=list(predicted),
        hits=hits,
        overall=(sum(hits), len(hits)),
        known=_tally(("", hit) for row, _, hit in pairs if set(row.accepted) <= known).get("", (0, 0)),
        per_topic=_tally((row.topic, hit) for row, _, hit in pairs),
        per_source=_tally((row.source_kind, hit) for row, _, hit in pairs),
        red_flags=(sum(p == RED_FLAG_INTENT for _, p in strict), len(strict)),
        missed_red_flags=[row.id for row, p in strict if p != RED_FLAG_INTENT],
        other_rows=len(others),
        red_flag_fp=[row.id for row, p in others if p == RED_FLAG_INTENT and RED_FLAG_INTENT not in row.accepted],
        boundary_fp=[row.id for row, p, _ in pairs if p == BOUNDARY_INTENT and BOUNDARY_INTENT not in row.accepted],
        fallbacks=sum(p == FALLBACK_INTENT for p in predicted),
        confusions=collections.Counter((row.topic, p) for row, p, hit in pairs if not hit),
    )


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
    topics: FrozenSet[str] = frozenset()  # the topic keys the model's domain knows


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

    started = time.monotonic()
    predictions = {set_name: parse_topics(agent, texts) for set_name, texts in job.texts.items()}
    return JobResult(
        job.name,
        predictions,
        train_s,
        load_s,
        time.monotonic() - started,
        cpu_seconds() - cpu_at_start,
        known_topics(agent.domain) if agent.domain else frozenset(),
    )


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
    predictions: Dict[str, Dict[str, List[str]]]  # model -> test set -> predicted topic keys
    cross_validation: Dict[str, CrossValidation]
    baseline_epochs: Optional[int]
    default_epochs: Optional[int]
    folds: int
    jobs: int
    training_examples: int
    training_topics: int
    dev_rows: Optional[List[DevRow]] = None  # None: the development set was not there
    dev_path: Path = DEV_FILE
    known: FrozenSet[str] = frozenset()  # topic keys our model's domain has today
    reviewed: List[Example] = field(default_factory=list)  # (topic, text) labelled by staff
    # Repository lines near a dev question, and how many lines were checked (None: no dev set).
    dev_near: Optional[List[dev_overlap.NearPair]] = None
    near_checked: int = 0

    def reviewed_hits(self, model: str = OURS) -> Tuple[int, int]:
        """How many staff-reviewed messages the model gets right, of how many."""
        predicted = self.predictions.get(model, {}).get(REVIEWED, [])
        return sum(p == topic_key(t) for (t, _), p in zip(self.reviewed, predicted)), len(self.reviewed)

    def dev_score(self, model: str) -> DevScore:
        return score_dev(self.dev_rows or [], self.predictions[model][DEV], self.known)

    @property
    def red_flag_sets(self) -> List[str]:
        return [name for name in self.sets if name.startswith("red_flags")]

    def truth(self, set_name: str) -> List[str]:
        return [topic_key(label) for label, _ in self.sets[set_name]]

    def heldout_accuracy(self, model: str) -> float:
        return accuracy(self.truth(HELDOUT), self.predictions[model][HELDOUT])


def run_rasa_jobs(rasa_jobs: Sequence[Job], workers: int, clock: Clock) -> Dict[str, JobResult]:
    """Every job in `workers` spawned processes; results by job name."""
    # Workers inherit this environment: no shared training cache, so each
    # training does its full work (honest timings) and leaves .rasa/ alone.
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    stage_names = {
        OURS: "ours: load the trained model, classify the test sets",  # incl. the development set
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
    dev_path = dev_set_path()
    dev_rows = load_dev_set(dev_path) if dev_path.is_file() else None
    if dev_rows is None:
        clock.note(dev_missing_note(dev_path))
    else:
        texts[DEV] = [row.text for row in dev_rows]
        clock.note(f"development set: {len(dev_rows)} real questions from {dev_path}")
    reviewed = reviewed_examples()
    if reviewed:
        texts[REVIEWED] = [text for _, text in reviewed]
        clock.note(f"{len(reviewed)} messages reviewed by staff in {machine.shown(reviewed_nlu_path())}")
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
    predictions[TFIDF] = {name: [topic_key(p) for p in classifier.predict(t)] for name, t in texts.items()}
    clock.stage(
        "TF-IDF + LR: train on data/nlu, classify the test sets",
        time.monotonic() - started,
        cpu_seconds() - cpu_at_start,
    )
    cpu_at_start, started = cpu_seconds(), time.monotonic()
    for train_index, test_index in splits:
        fold_classifier = train_tfidf([training[i] for i in train_index])
        fold_predicted = fold_classifier.predict([training[i][1] for i in test_index])
        cross_validation[TFIDF].add(
            [topic_key(training[i][0]) for i in test_index], [topic_key(p) for p in fold_predicted]
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
    near = dev_near_lines(dev_rows, sets, clock) if dev_rows is not None else (None, 0)

    predictions[OURS] = finished[OURS].predictions
    predictions[RASA_DEFAULT] = finished[RASA_DEFAULT].predictions
    for number, (_, test_index) in enumerate(splits, start=1):
        cross_validation[OURS].add(
            [topic_key(training[i][0]) for i in test_index], finished[fold_job_name(number)].predictions["fold"]
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
        len({topic_key(label) for label, _ in training}),
        dev_rows,
        dev_path,
        finished[OURS].topics,
        reviewed,
        dev_near=near[0],
        near_checked=near[1],
    )


def dev_near_lines(
    dev_rows: Sequence[DevRow], sets: Dict[str, List[Example]], clock: Clock
) -> Tuple[List[dev_overlap.NearPair], int]:
    """Lines of data/nlu and the scored test files near a dev question, and how many were checked."""
    from bot.nlu.sentence_encoder import get_encoder

    cpu_at_start, started = cpu_seconds(), time.monotonic()
    files = sorted(TRAINING_DATA.rglob("*.yml")) + [TEST_DIR / name for name in sets]
    lines = dev_overlap.repository_lines(files, REPO, load_examples)
    pairs = dev_overlap.near_pairs(lines, [(row.id, row.text) for row in dev_rows], get_encoder().encode)
    clock.stage(
        "repository lines near a dev question (sentence encoder)",
        time.monotonic() - started,
        cpu_seconds() - cpu_at_start,
    )
    clock.note(f"{len(pairs)} of {len(lines)} repository lines near a dev question")
    return pairs, len(lines)


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
        f"- **{SHORT[OURS]}**: on the development set and the held-out files, the model `make train` built "
        "(loaded, not retrained); in cross-validation, the pipeline in config.yml as it stands, trained per "
        "fold (NLU only)",
        f"- **{SHORT[RASA_DEFAULT]}**: {rasa_default}; trained on `data/nlu/` in this run",
        f"- **{SHORT[TFIDF]}**: scikit-learn TF-IDF of word 1-2 grams and character 2-5 grams, logistic regression "
        "(C=10, one-vs-rest); trained on `data/nlu/` in this run",
        f"- accuracy counts exact topic matches; Rasa's `{FALLBACK_INTENT}` (confidence below its threshold) is a miss",
    ]


def _cell(text: str) -> str:
    """Text safe inside a markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _wrong_answers(score: DevScore, topic: str, top: int = 3) -> str:
    wrong = collections.Counter({got: n for (first, got), n in score.confusions.items() if first == topic})
    return ", ".join(f"{p} {n}" for p, n in wrong.most_common(top)) or "-"


def _dev_section(results: Results) -> List[str]:
    lines = ["## Real client questions (the headline)", ""]
    if results.dev_rows is None:
        return lines + [f"**Skipped**: {dev_missing_note(results.dev_path)}."]
    scores = {m: results.dev_score(m) for m in MODELS}
    ours = scores[OURS]
    lines += [
        f"`{results.dev_path}`: {len(results.dev_rows)} questions real clients asked, each with the topic "
        "keys that answer it (first is best). A row is right when the predicted topic key is among them. "
        f"{ours.known[1]} rows use only keys that exist today ({len(results.known)} in our domain); the "
        "others need a topic not built yet. Ours is the whole pipeline as Rasa parses a message "
        "(classifier, fallback, boundary and red-flag rules); the baselines have only their classifier.",
        "",
        "This section quotes the questions: `reports/` is git-ignored, and they never go into the repository.",
        "",
        "| model | accuracy, all rows | rows with existing keys | strict red flags to `medical_red_flag` | "
        "red-flag false positives | boundary-reply false positives | fallbacks | held-out accuracy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in MODELS:
        score = scores[m]
        lines.append(
            f"| {SHORT[m]} | **{score.accuracy:.3f}** ({score.overall[0]}/{score.overall[1]}) | "
            f"{score.known_accuracy:.3f} ({score.known[0]}/{score.known[1]}) | {_ratio(score.red_flags)} | "
            f"{_ratio((len(score.red_flag_fp), score.other_rows))} | {len(score.boundary_fp)} | "
            f"{score.fallbacks} | {results.heldout_accuracy(m):.3f} |"
        )
    lines += [
        "",
        "A red-flag false positive is the safety answer on a row that is not a strict red flag and does not "
        f"accept `{RED_FLAG_INTENT}`; a boundary-reply false positive is `{BOUNDARY_INTENT}` on a row that "
        "does not accept it.",
        "",
        "### Per topic (by first accepted key), weakest first",
        "",
        f"| topic | n | exists today | ours | {SHORT[TFIDF]} | {SHORT[RASA_DEFAULT]} | ours answered instead |",
        "|---|---|---|---|---|---|---|",
    ]
    for topic in sorted(ours.per_topic, key=lambda t: (rate(ours.per_topic[t]), t)):
        lines.append(
            f"| {topic} | {ours.per_topic[topic][1]} | {'yes' if topic in results.known else '**no**'} | "
            f"{rate(ours.per_topic[topic]):.2f} | {rate(scores[TFIDF].per_topic[topic]):.2f} | "
            f"{rate(scores[RASA_DEFAULT].per_topic[topic]):.2f} | {_wrong_answers(ours, topic)} |"
        )
    lines += [
        "",
        "### Per source kind",
        "",
        f"| source kind | n | ours | {SHORT[TFIDF]} | {SHORT[RASA_DEFAULT]} |",
        "|---|---|---|---|---|",
    ]
    for kind, tally in ours.per_source.items():
        lines.append(
            f"| {kind} | {tally[1]} | {rate(tally):.2f} | {rate(scores[TFIDF].per_source[kind]):.2f} | "
            f"{rate(scores[RASA_DEFAULT].per_source[kind]):.2f} |"
        )
    rows = {row.id: (row, p) for row, p in zip(ours.rows, ours.predicted)}

    def listing(title: str, ids: List[str], empty: str) -> List[str]:
        block = ["", f"### {title}", ""]
        if not ids:
            return block + [empty]
        block += ["| id | accepted | ours | question |", "|---|---|---|---|"]
        return block + [
            f"| {i} | {','.join(rows[i][0].accepted)} | {rows[i][1]} | {_cell(rows[i][0].text)} |" for i in ids
        ]

    lines += listing(
        f"Strict red flags ours missed ({ours.red_flags[0]}/{ours.red_flags[1]} caught)",
        ours.missed_red_flags,
        "None: every strict red flag reached the safety answer.",
    )
    lines += listing(
        f"Red-flag false positives, ours ({len(ours.red_flag_fp)} of {ours.other_rows} other rows)",
        ours.red_flag_fp,
        "None.",
    )
    lines += listing(f"Boundary-reply false positives, ours ({len(ours.boundary_fp)})", ours.boundary_fp, "None.")
    lines += ["", "### Most common confusions, ours (first accepted key -> answered)", ""]
    lines += [f"- {topic} -> {got}: {n}" for (topic, got), n in ours.confusions.most_common(15)] or ["None."]
    misses = sorted((row.topic, row.id) for row, hit in zip(ours.rows, ours.hits) if not hit)
    lines += listing(f"Every question ours got wrong ({len(misses)}), by topic", [i for _, i in misses], "None.")
    return lines


def _reviewed_section(results: Results) -> List[str]:
    lines = ["## Messages staff reviewed", ""]
    if not results.reviewed:
        return lines + [
            f"No `{machine.shown(reviewed_nlu_path())}` yet: label messages in the staff console's review "
            "queue and export them."
        ]
    lines += [
        f"Client messages staff labelled in the console (`{machine.shown(reviewed_nlu_path())}`, also training "
        "data): how many each model gets right. Before the next `make train` this is what the model already "
        "knew; after it, what it learned.",
        "",
        "| model | right |",
        "|---|---|",
    ]
    lines += [f"| {SHORT[m]} | {_ratio(results.reviewed_hits(m))} |" for m in MODELS]
    misses = [
        f"- {topic_key(label)} -> {predicted}: {text}"
        for (label, text), predicted in zip(results.reviewed, results.predictions[OURS].get(REVIEWED, []))
        if predicted != topic_key(label)
    ]
    return lines + ["", f"Ours got wrong ({len(misses)}):", ""] + (misses or ["None."])


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
    lines += ["", "## Targets (issue 12)", ""] + _targets(results)
    return lines


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def _targets(results: Results) -> List[str]:
    heldout = results.heldout_accuracy(OURS)
    lines = []
    if results.dev_rows is None:
        lines.append("- development set: not measured (not found)")
    else:
        dev = results.dev_score(OURS)
        caught, strict = dev.red_flags
        fp_share = len(dev.red_flag_fp) / dev.other_rows if dev.other_rows else 0.0
        lines += [
            f"- real questions >= {DEV_TARGET:.0%} topic accuracy over all rows: {dev.accuracy:.1%} -> "
            f"{_verdict(dev.accuracy >= DEV_TARGET)}",
            f"- every strict red flag reaches the safety answer: {caught}/{strict} -> {_verdict(caught == strict)}",
            f"- no boundary-reply false positive: {len(dev.boundary_fp)} -> {_verdict(not dev.boundary_fp)}",
            f"- red-flag false positives <= {DEV_RED_FLAG_FP_TARGET:.0%} of the other rows: {fp_share:.1%} -> "
            f"{_verdict(fp_share <= DEV_RED_FLAG_FP_TARGET)}",
        ]
    lines.append(
        f"- held-out file >= {HELDOUT_TARGET:.0%} topic accuracy: {heldout:.1%} -> "
        f"{_verdict(heldout >= HELDOUT_TARGET)}"
    )
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
    for name, what in (
        (NOT_RED_FLAGS, "Ordinary health questions"),
        (BENIGN, "Everyday messages (target: <= 1% flagged)"),
    ):
        truth = results.truth(name)
        lines += ["", f"{what} (`{name}`, {len(truth)}): wrongly sent to the safety answer, and topic accuracy:", ""]
        for m in MODELS:
            predicted = results.predictions[m][name]
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
        "one run: real client questions first, then the files in `tests/model/` and cross-validation. Timings "
        "are provisional when the load average below exceeds the core count.",
        "",
        "## Machine and inputs",
        "",
    ]
    lines += machine.markdown(facts, load_at_start, machine.load_average())
    lines += _model_facts()
    lines += [
        f"- training data: `data/nlu/`, {results.training_examples} examples, {results.training_topics} topics",
        f"- development set: `{results.dev_path}`, "
        + (f"{len(results.dev_rows)} real client questions" if results.dev_rows is not None else "not found"),
        f"- held-out: `tests/model/{HELDOUT}`, {len(heldout_truth)} questions written apart from the training data",
        "",
        "## Models",
        "",
    ]
    lines += _model_legend(results, facts.get("rasa", "?"))
    for section in (
        _dev_section(results),
        _near_section(results),
        _reviewed_section(results),
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


def _near_section(results: Results) -> List[str]:
    if results.dev_near is None:
        return ["## Repository lines close to a real question", "", "**Skipped**: no development set."]
    return dev_overlap.section(results.dev_near, results.near_checked)


def summary_line(results: Results) -> str:
    """dev_* fields: the development set (n/a when it was not there); the rest: the held-out file."""
    if results.dev_rows is None:
        dev = {
            "dev_acc": "n/a",
            "dev_redflags": "n/a",
            "dev_boundary_fp": "n/a",
            "dev_redflag_fp": "n/a",
            "dev_near": "n/a",
        }
        baselines = {"dev_rasa_default_acc": "n/a", "dev_tfidf_acc": "n/a"}
    else:
        ours = results.dev_score(OURS)
        dev = {
            "dev_acc": f"{ours.accuracy:.3f}",
            "dev_redflags": "{}/{}".format(*ours.red_flags),
            "dev_boundary_fp": str(len(ours.boundary_fp)),
            "dev_redflag_fp": str(len(ours.red_flag_fp)),
            "dev_near": "n/a" if results.dev_near is None else str(len(results.dev_near)),
        }
        baselines = {
            "dev_rasa_default_acc": f"{results.dev_score(RASA_DEFAULT).accuracy:.3f}",
            "dev_tfidf_acc": f"{results.dev_score(TFIDF).accuracy:.3f}",
        }
    heldout = {
        "heldout_acc": f"{results.heldout_accuracy(OURS):.3f}",
        "rasa_default_acc": f"{results.heldout_accuracy(RASA_DEFAULT):.3f}",
        "tfidf_acc": f"{results.heldout_accuracy(TFIDF):.3f}",
    }
    reviewed = {"reviewed": "{}/{}".format(*results.reviewed_hits()) if results.reviewed else "n/a"}
    return "eval: " + " ".join(f"{k}={v}" for k, v in {**dev, **heldout, **baselines, **reviewed}.items())


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
    if results.dev_rows is not None:
        print(results.dev_score(OURS).line(), flush=True)
    print(summary_line(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
