"""The Rasa server runs without TensorFlow (bot/rasa_tuning/tensorflow_absent.py): the trained model
must understand and answer exactly as it does with TensorFlow loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import require_model
from tests.model.test_heldout_accuracy import load_examples, predict

ROOT = Path(__file__).resolve().parents[2]
TURNS = ["hi", "is it ok if I'm pregnant?", "can I book for thursday?", "actually never mind"]


def served_without_tensorflow(model: Path, texts: list) -> dict:
    code = textwrap.dedent(
        """
        import asyncio, json, sys
        from bot.rasa_tuning import tensorflow_absent, apply
        tensorflow_absent.install()
        apply()
        from rasa.core.agent import Agent
        agent = Agent.load(sys.argv[1])
        texts, turns = json.loads(sys.stdin.read())

        async def run():
            parsed = [(await agent.parse_message(t))["intent"] for t in texts]
            replies = [await agent.handle_text(t, sender_id="same") for t in turns]
            return parsed, replies

        parsed, replies = asyncio.run(run())
        print(json.dumps({"parsed": parsed, "replies": replies, "tensorflow": [
            n for n in sys.modules if n.split(".")[0] == "tensorflow" and getattr(sys.modules[n], "__file__", None)
        ]}))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"}
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code, str(model)],
        input=json.dumps([texts, TURNS]),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_model_answers_the_same_without_tensorflow(trained_agent):
    import asyncio

    texts = [text for _, text in load_examples("heldout.yml")]
    served = served_without_tensorflow(require_model(), texts)
    assert served["tensorflow"] == []
    assert [intent["name"] for intent in served["parsed"]] == predict(trained_agent, texts)

    async def replies():
        return [await trained_agent.handle_text(t, sender_id="same-with-tf") for t in TURNS]

    with_tf = asyncio.run(replies())
    without = served["replies"]
    assert [[r.get("text") for r in turn] for turn in without] == [[r.get("text") for r in turn] for turn in with_tf]
