"""The review queue: unsure messages from the tracker store, labels, and the training file."""

from __future__ import annotations

import yaml

from bot.console.review import (
    IGNORE,
    NEW_TOPIC,
    TOPIC,
    ReviewQueue,
    export_training_file,
    reviewed_examples,
    topic_choices,
    training_text,
)
from bot.conversations.tracker_reader import TrackerReader
from tests.unit.conversations.tracker_files import (
    action,
    bot,
    handoff_conversation,
    stamped,
    user,
    write_conversations,
)


def queue_for(tmp_path) -> ReviewQueue:
    url = write_conversations(
        tmp_path / "conversations.db",
        {
            "web-1": handoff_conversation(),
            "sms-2": stamped(
                [
                    action("action_listen"),
                    user("whats ur number, mine is 503-555-0188", "location_contact", 0.52, "sms"),
                    action("action_practice_answer"),
                    bot("Call us at +1 415 555 0100."),
                    action("action_listen"),
                    user("tell me a joke", "out_of_scope", 0.97, "sms"),
                    action("utter_out_of_scope"),
                    bot("I can only help with massage."),
                    action("action_listen"),
                    user(
                        "how much 4 the long 1",
                        "nlu_fallback",
                        0.3,
                        "sms",
                        ranking=[{"name": "pricing", "confidence": 0.28}],
                    ),
                    action("action_two_stage_fallback"),
                    action("action_listen"),
                    user("/book_appointment", "book_appointment", 0.2, "sms"),
                ]
            ),
        },
    )
    return ReviewQueue(TrackerReader(url), f"sqlite:///{tmp_path / 'requests.db'}")


def test_unsure_messages_become_items_with_the_guess(tmp_path):
    queue = queue_for(tmp_path)
    items = {item.text: item for item in queue.items()}
    assert set(items) == {
        "does glute work help a stiff hip?",
        "qwxz blorp",
        "whats ur number, mine is 503-555-0188",
        "tell me a joke",
        "how much 4 the long 1",
    }
    fallback = items["how much 4 the long 1"]
    assert (fallback.guess, fallback.closest, fallback.closest_confidence) == ("nlu_fallback", "pricing", 0.28)
    hip = items["does glute work help a stiff hip?"]
    assert (hip.guess, hip.confidence, hip.marks, hip.channel) == (
        "conditions_helped",
        0.41,
        ("low_confidence",),
        "socketio",
    )
    assert items["qwxz blorp"].marks == ("fallback", "low_confidence")
    assert items["tell me a joke"].marks == ("boundary",)
    assert len({item.key for item in items.values()}) == 5
    assert queue.items(state="done") == []


def test_labelling_moves_items_out_of_the_open_queue_and_exports_masked(tmp_path):
    queue = queue_for(tmp_path)
    items = {item.text: item for item in queue.items()}
    queue.label(items["does glute work help a stiff hip?"], TOPIC, "conditions_helped", "maya")
    queue.label(items["whats ur number, mine is 503-555-0188"], TOPIC, "location_contact", "maya")
    queue.label(items["qwxz blorp"], IGNORE, "", "maya")
    queue.label(items["tell me a joke"], NEW_TOPIC, "", "daniel")
    queue.label(items["how much 4 the long 1"], IGNORE, "", "daniel")
    assert queue.items() == []
    done = {item.text: item for item in queue.items(state="done")}
    assert (done["tell me a joke"].kind, done["tell me a joke"].labelled_by) == (NEW_TOPIC, "daniel")
    assert queue.counts() == {TOPIC: 2, IGNORE: 2, NEW_TOPIC: 1}
    # Relabelling replaces the label.
    queue.label(items["qwxz blorp"], TOPIC, "greet", "maya")
    assert queue.counts()[TOPIC] == 3

    target = tmp_path / "nlu" / "reviewed.yml"
    result = export_training_file(queue.topic_labels(), target, training_dir=tmp_path / "no-training-data")
    assert (result.written, result.topics) == (3, 3)
    data = yaml.safe_load(target.read_text())
    assert data["version"] == "3.1"
    assert {block["intent"] for block in data["nlu"]} == {"conditions_helped", "location_contact", "greet"}
    assert ("location_contact", "whats ur number, mine is ***88") in reviewed_examples(target)
    assert "503-555-0188" not in target.read_text()
    assert target.read_text().startswith("# Written by the staff console")


def test_export_leaves_out_known_examples_conflicts_and_component_topics(tmp_path):
    training = tmp_path / "nlu"
    training.mkdir()
    (training / "hours.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: hours\n  examples: |\n    - When are you OPEN?\n'
    )
    labelled = [
        ("hours", "when are you open?"),  # already a training example (case and spaces aside)
        ("pricing", "how much is it, jane@example.com"),
        ("pricing", "is the [long](service) one dearer"),
        ("hours", "open late"),
        ("pricing", "open late"),  # labelled two ways: left out
        ("own_question", "gift vouchers?"),
    ]
    result = export_training_file(labelled, training / "reviewed.yml", training_dir=training)
    assert (result.written, result.already_in_training, result.conflicting) == (2, 1, 1)
    assert reviewed_examples(training / "reviewed.yml") == [
        ("pricing", "how much is it, j***@example.com"),
        ("pricing", "is the (long)(service) one dearer"),
    ]
    # Exporting again reads its own file as its own, not as existing training data.
    assert export_training_file(labelled, training / "reviewed.yml", training_dir=training).written == 2
    empty = export_training_file([], tmp_path / "empty.yml", training_dir=training)
    assert empty.written == 0 and yaml.safe_load(empty.path.read_text()) == {"version": "3.1", "nlu": []}


def test_topic_choices_and_training_text():
    assert "hours" in topic_choices() and "own_question" not in topic_choices()
    assert training_text("  call me\non 415 555 0199 ") == "call me on ***99"
