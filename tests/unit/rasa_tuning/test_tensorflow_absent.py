"""bot/rasa_tuning/tensorflow_absent.py: Rasa imports, TensorFlow stays unloaded, and a real call fails loudly.

Each case runs in a fresh interpreter: the stand-in must be installed before rasa is imported."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from bot.rasa_tuning import _model_argument, prepare
from bot.rasa_tuning.tensorflow_absent import TensorFlowAbsent, check_model

ROOT = Path(__file__).resolve().parents[3]


def run_python(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"}
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_rasa_server_modules_import_without_loading_tensorflow():
    done = run_python(
        """
        import sys
        from bot.rasa_tuning import tensorflow_absent
        tensorflow_absent.install()
        import rasa.core.run, rasa.core.agent, rasa.core.policies.rule_policy
        import rasa.nlu.classifiers.diet_classifier  # the deepest TensorFlow user imports too
        import thinc.compat
        loaded = [n for n in sys.modules if n.split('.')[0] in ('tensorflow', 'keras', 'jax')]
        real = [n for n in loaded if getattr(sys.modules[n], '__file__', None)]
        print('real', real)
        print('thinc sees tensorflow', thinc.compat.has_tensorflow)
        import tensorflow as tf
        try:
            tf.constant(1)
        except tensorflow_absent.TensorFlowAbsent as error:
            print('called:', error)
        """
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "real []" in done.stdout
    # spaCy's thinc asks for TensorFlow on its own: for it, it is simply not installed
    assert "thinc sees tensorflow False" in done.stdout
    assert "called: tensorflow.constant was called" in done.stdout
    assert "RASA_WITH_TENSORFLOW=1" in done.stdout


def test_installing_after_tensorflow_loaded_is_refused():
    done = run_python(
        """
        import tensorflow
        from bot.rasa_tuning import tensorflow_absent
        tensorflow_absent.install()
        """
    )
    assert done.returncode != 0
    assert "install() came too late" in done.stderr


def _archive(tmp_path: Path, component: str) -> Path:
    path = tmp_path / f"{component}.tar.gz"
    metadata = json.dumps({"predict_schema": {"nodes": {"n": {"uses": f"rasa.x.{component}"}}}}).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(metadata)
        archive.addfile(info, io.BytesIO(metadata))
    return path


def test_a_model_that_needs_tensorflow_is_refused_before_loading(tmp_path):
    with pytest.raises(TensorFlowAbsent, match="DIETClassifier"):
        check_model(_archive(tmp_path, "DIETClassifier"))
    with pytest.raises(TensorFlowAbsent, match="TEDPolicy"):
        check_model(_archive(tmp_path, "TEDPolicy"))
    check_model(_archive(tmp_path, "RulePolicy"))  # no error


@pytest.mark.parametrize(
    "args",
    [
        ["train"],
        ["run", "actions", "--actions", "actions"],
        ["test", "core"],
    ],
)
def test_only_the_rasa_server_goes_without_tensorflow(args, monkeypatch):
    installed = []
    monkeypatch.setattr("bot.rasa_tuning.tensorflow_absent.install", lambda: installed.append(True))
    prepare(args)
    assert installed == []


def test_rasa_with_tensorflow_1_keeps_it(monkeypatch):
    installed = []
    monkeypatch.setattr("bot.rasa_tuning.tensorflow_absent.install", lambda: installed.append(True))
    monkeypatch.setenv("RASA_WITH_TENSORFLOW", "1")
    prepare(["run", "--model", "models/assistant.tar.gz"])
    assert installed == []


def test_the_server_model_is_checked_first(tmp_path, monkeypatch):
    monkeypatch.delenv("RASA_WITH_TENSORFLOW", raising=False)
    monkeypatch.setattr("bot.rasa_tuning.tensorflow_absent.install", lambda: None)
    with pytest.raises(TensorFlowAbsent):
        prepare(["run", "--model", str(_archive(tmp_path, "TEDPolicy"))])


def test_model_argument_forms():
    assert _model_argument(["run", "--model", "a.tar.gz"]) == Path("a.tar.gz")
    assert _model_argument(["run", "--model=b.tar.gz"]) == Path("b.tar.gz")
    assert _model_argument(["run", "-m", "c.tar.gz"]) == Path("c.tar.gz")
    assert _model_argument(["run"]) is None
