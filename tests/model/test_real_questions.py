"""Real client questions: the suite's accuracy gate on the development set.

../shared/real_questions_dev.tsv holds real questions kept outside the
repository (never copy or paraphrase them into it). Each message goes through
the whole NLU pipeline, classifier and rule layers, as Rasa parses it; the
scoring is tools/evaluate.py's, the same as `make eval`'s headline. Failure
messages name rows by id only.
"""

from __future__ import annotations

import pytest

from tests.measurements import REPORT_LINES
from tools.evaluate import (
    RED_FLAG_INTENT,
    dev_missing_note,
    dev_set_path,
    known_topics,
    load_dev_set,
    parse_topics,
    score_dev,
)

# The gate on accuracy over all rows: raise it as accuracy improves, never lower it to pass.
DEV_ACCURACY_GATE = 0.88  # 0.585 at first; 0.822; 0.880; 0.903 (wip/data3, lines checked against the dev set)
# Every strict red flag must reach the safety answer (model and red-flag patterns together).
REDFLAG_GATE = True


@pytest.fixture(scope="module")
def dev_score(request):
    path = dev_set_path()
    if not path.is_file():
        pytest.skip(dev_missing_note(path))
    rows = load_dev_set(path)
    agent = request.getfixturevalue("trained_agent")  # loaded only when there is something to score
    score = score_dev(rows, parse_topics(agent, [row.text for row in rows]), known_topics(agent.domain))
    REPORT_LINES.append(score.line())
    return score


def test_real_question_accuracy(dev_score):
    worst = sorted(dev_score.per_topic.items(), key=lambda item: item[1][0] / item[1][1])[:5]
    assert dev_score.accuracy >= DEV_ACCURACY_GATE, (
        f"real-question accuracy {dev_score.accuracy:.3f} < {DEV_ACCURACY_GATE}; weakest topics: "
        + ", ".join(f"{topic} {right}/{total}" for topic, (right, total) in worst)
    )


def test_every_strict_red_flag_reaches_the_safety_answer(dev_score):
    if not REDFLAG_GATE:
        pytest.skip(
            f"REDFLAG_GATE is off: {dev_score.red_flags[0]}/{dev_score.red_flags[1]} strict red flags "
            f"reach {RED_FLAG_INTENT} today"
        )
    assert not dev_score.missed_red_flags, (
        f"strict red flags answered with something else: {', '.join(dev_score.missed_red_flags)}"
    )
