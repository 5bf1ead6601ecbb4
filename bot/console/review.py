"""The review queue: client messages the assistant was unsure about, labelled by staff.

Every client message in the tracker store marked low_confidence, fallback,
grounded or boundary (bot.conversations.turns) is an item, with the assistant's
guess and confidence. Staff confirm the guess, pick another topic, mark it "new
topic" (nothing covers it: write the practice's own answer) or "ignore". Labels
live in the table `review_labels` of the request database.

export_training_file() writes every message labelled with a topic to
data/nlu/reviewed.yml (BOT_REVIEWED_NLU elsewhere), phone numbers and e-mail
addresses masked, so the next `make train` learns from them and `make eval`
reports how many of them the current model gets right. A text already in the
other training files, or labelled with two topics, is left out (Rasa's validator
fails on an example under two intents).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import sqlalchemy as sa
import yaml

from bot import topics
from bot.conversations.database import engine_with
from bot.conversations.tracker_reader import StoredEvent, TrackerReader
from bot.conversations.turns import CLIENT, transcript
from bot.paths import REPO_ROOT
from bot.practice import clock
from bot.requests.notifier import mask_pii
from bot.requests.store import UtcDateTime, default_url

REVIEWED_NLU_ENV = "BOT_REVIEWED_NLU"
DEFAULT_REVIEWED_NLU = REPO_ROOT / "data" / "nlu" / "reviewed.yml"
TRAINING_DIR = REPO_ROOT / "data" / "nlu"
UNSURE_MARKS = ("fallback", "low_confidence", "grounded", "boundary")
TOPIC, NEW_TOPIC, IGNORE = "topic", "new_topic", "ignore"
KINDS = (TOPIC, NEW_TOPIC, IGNORE)
# Intents set by pipeline components, never learned from examples.
NOT_TRAINABLE = frozenset({"other_language", "own_question"})

metadata = sa.MetaData()
labels_table = sa.Table(
    "review_labels",
    metadata,
    sa.Column("item_key", sa.String(64), primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("message_at", UtcDateTime(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("guess", sa.String(64)),
    sa.Column("confidence", sa.Float),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("topic", sa.String(64)),
    sa.Column("labelled_by", sa.Text()),
    sa.Column("labelled_at", UtcDateTime(), nullable=False),
)


@dataclass
class ReviewItem:
    key: str
    sender_id: str
    at: dt.datetime
    text: str
    guess: str
    confidence: Optional[float]
    marks: Tuple[str, ...]
    channel: str
    closest: str = ""  # for a message not understood: the best-ranked real topic
    closest_confidence: Optional[float] = None
    kind: str = ""  # "" while unlabelled
    topic: str = ""
    labelled_by: str = ""


def item_key(sender_id: str, timestamp: float, text: str) -> str:
    """Stable across reads: the conversation, the moment and the words."""
    return hashlib.sha256(f"{sender_id}\0{timestamp:.6f}\0{text}".encode()).hexdigest()[:32]


def unsure_items(events: Iterable[StoredEvent]) -> List[ReviewItem]:
    """Items from a mixed list of events (several conversations), newest first."""
    by_sender: Dict[str, List[StoredEvent]] = {}
    for event in events:
        by_sender.setdefault(event.sender_id, []).append(event)
    items = []
    for sender, own in by_sender.items():
        for turn in transcript(own):
            marks = tuple(mark for mark in UNSURE_MARKS if mark in turn.marks)
            if turn.kind != CLIENT or not marks or not turn.text.strip() or turn.text.startswith("/"):
                continue
            items.append(
                ReviewItem(
                    item_key(sender, turn.at.timestamp(), turn.text),
                    sender,
                    turn.at,
                    turn.text,
                    turn.intent or "",
                    turn.confidence,
                    marks,
                    turn.channel,
                    turn.closest or "",
                    turn.closest_confidence,
                )
            )
    items.sort(key=lambda item: item.at, reverse=True)
    return items


def topic_choices() -> List[str]:
    """Topics staff may label a message with: the registry, less the ones no example can teach."""
    return [key for key in topics.KEYS if key not in NOT_TRAINABLE]


class ReviewQueue:
    def __init__(self, reader: TrackerReader, url: Optional[str] = None) -> None:
        self.reader = reader
        self.url = url or default_url()

    def _engine(self):
        return engine_with(metadata, self.url)

    def labels(self) -> Dict[str, sa.engine.Row]:
        with self._engine().connect() as conn:
            return {row.item_key: row for row in conn.execute(sa.select(labels_table))}

    def items(self, since: Optional[dt.datetime] = None, state: str = "open") -> List[ReviewItem]:
        """state: open (not labelled yet), done (labelled) or all."""
        found = unsure_items(self.reader.events_between(start=since, with_data_for=("user", "bot")))
        labels = self.labels()
        chosen = []
        for item in found:
            label = labels.get(item.key)
            if label is not None:
                item.kind, item.topic, item.labelled_by = label.kind, label.topic or "", label.labelled_by or ""
            if state == "all" or (state == "open") == (label is None):
                chosen.append(item)
        return chosen

    def find(self, key: str) -> Optional[ReviewItem]:
        return next((item for item in self.items(state="all") if item.key == key), None)

    def label(self, item: ReviewItem, kind: str, topic: str, by: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        if kind == TOPIC and topic not in topic_choices():
            raise ValueError(f"unknown topic {topic!r}")
        values = dict(
            sender_id=item.sender_id,
            message_at=item.at,
            text=item.text,
            guess=item.guess,
            confidence=item.confidence,
            kind=kind,
            topic=topic if kind == TOPIC else None,
            labelled_by=by,
            labelled_at=clock.now(),
        )
        table = labels_table
        with self._engine().begin() as conn:
            updated = conn.execute(table.update().where(table.c.item_key == item.key).values(**values)).rowcount
            if not updated:
                conn.execute(table.insert().values(item_key=item.key, **values))

    def unlabel(self, key: str) -> bool:
        with self._engine().begin() as conn:
            return bool(conn.execute(labels_table.delete().where(labels_table.c.item_key == key)).rowcount)

    def topic_labels(self) -> List[Tuple[str, str]]:
        """(topic, text) of every message labelled with a topic, oldest label first."""
        query = (
            sa.select(labels_table.c.topic, labels_table.c.text)
            .where(labels_table.c.kind == TOPIC)
            .order_by(labels_table.c.labelled_at, labels_table.c.item_key)
        )
        with self._engine().connect() as conn:
            return [(row.topic, row.text) for row in conn.execute(query)]

    def counts(self) -> Dict[str, int]:
        query = sa.select(labels_table.c.kind, sa.func.count()).group_by(labels_table.c.kind)
        with self._engine().connect() as conn:
            return {kind: count for kind, count in conn.execute(query)}


# -- the training file ------------------------------------------------------------------


def reviewed_nlu_path() -> Path:
    return Path(os.environ.get(REVIEWED_NLU_ENV) or DEFAULT_REVIEWED_NLU)


def training_text(text: str) -> str:
    """A client's words as a training example: contacts masked, one line, no entity markup."""
    text = " ".join(mask_pii(text).split())
    return text.replace("[", "(").replace("]", ")").replace("{", "(").replace("}", ")")


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def existing_examples(folder: Path, skip: Path) -> Set[str]:
    """Every example text in the other NLU files, normalized."""
    texts: Set[str] = set()
    for path in sorted(folder.rglob("*.yml")):
        if path.resolve() == skip.resolve():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.add(_normal(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line[2:])))
    return texts


@dataclass
class ExportResult:
    path: Path
    written: int
    topics: int
    already_in_training: int
    conflicting: int


HEADER = (
    "# Written by the staff console's review queue (bot/console/review.py): client messages staff\n"
    "# labelled with a topic, phone numbers and e-mail addresses masked. `make train` learns from it.\n"
    "# Change labels in the console (Review), not here: the next export rewrites this file.\n"
)


def export_training_file(
    labelled: Sequence[Tuple[str, str]], path: Optional[Path] = None, training_dir: Path = TRAINING_DIR
) -> ExportResult:
    """Write the labelled messages as Rasa NLU training data; the whole file each time."""
    path = Path(path or reviewed_nlu_path())
    known = existing_examples(training_dir, path) if training_dir.is_dir() else set()
    by_text: Dict[str, Tuple[str, str]] = {}
    conflicts: Set[str] = set()
    already = 0
    for topic, raw in labelled:
        text = training_text(raw)
        key = _normal(text)
        if not text or topic in NOT_TRAINABLE or topic not in topics.BY_KEY:
            continue
        if key in known:
            already += 1
            continue
        if key in by_text and by_text[key][0] != topic:
            conflicts.add(key)
        by_text.setdefault(key, (topic, text))
    per_topic: Dict[str, List[str]] = {}
    for key, (topic, text) in by_text.items():
        if key not in conflicts:
            per_topic.setdefault(topic, []).append(text)
    lines = ['version: "3.1"', "nlu:" if per_topic else "nlu: []"]
    for topic in sorted(per_topic, key=topics.KEYS.index):
        # A literal block: any character is fine inside it, one example per line.
        lines += [f"- intent: {topic}", "  examples: |"]
        lines += [f"    - {text}" for text in sorted(per_topic[topic], key=str.lower)]
    body = "\n".join(lines) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".reviewed-", suffix=".yml", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(HEADER + body)
    os.replace(temporary, path)
    return ExportResult(path, sum(len(t) for t in per_topic.values()), len(per_topic), already, len(conflicts))


def reviewed_examples(path: Optional[Path] = None) -> List[Tuple[str, str]]:
    """(topic, text) pairs in the exported file, for `make eval`."""
    path = Path(path or reviewed_nlu_path())
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    pairs = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                pairs.append((block["intent"], line.strip()[2:]))
    return pairs
