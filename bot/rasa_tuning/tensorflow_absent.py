"""Serve Rasa without loading TensorFlow, which our model never calls.

Rasa 3.6 imports TensorFlow at module level on the way to its policies and
featurizers (rasa.core.agent -> ... -> rasa.utils.train_utils), even when the
pipeline has no DIET, TED or ResponseSelector, as ours does not. Loading it
costs about 430 MB per process (TensorFlow plus the jax it pulls in), which is
what keeps two Rasa processes over 1.5 GB.

`install()` puts a stand-in `tensorflow` package in front of the real one. The
modules that only name TensorFlow while being imported (base classes, type
hints, decorators) get inert placeholders. Anything that really calls it at run
time fails loudly with `TensorFlowAbsent` instead of giving a wrong answer, and
`check_model` refuses a model whose graph needs TensorFlow before it is loaded.
Training never installs it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from pathlib import Path
from typing import Any

_ROOTS = ("tensorflow", "keras", "tensorflow_addons", "tensorflow_hub", "tensorflow_text")

# Graph components that run TensorFlow when they load or predict.
NEEDS_TENSORFLOW = (
    "DIETClassifier",
    "TEDPolicy",
    "UnexpecTEDIntentPolicy",
    "ResponseSelector",
    "ConveRTFeaturizer",
    "LanguageModelFeaturizer",
)


class TensorFlowAbsent(RuntimeError):
    """Something called TensorFlow in a process serving without it."""


def _absent(name: str) -> TensorFlowAbsent:
    return TensorFlowAbsent(
        f"{name} was called, but this Rasa process serves without TensorFlow "
        "(bot/rasa_tuning/tensorflow_absent.py). Start plain `rasa run`, or set "
        "RASA_WITH_TENSORFLOW=1, for a model that needs it."
    )


class _PlaceholderType(type):
    """Placeholders are classes, so Rasa's modules can subclass them and use them in hints."""

    def __getattr__(cls, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return _placeholder(f"{cls.__qualname__}.{attr}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # Used as a decorator while a module is imported (keras' serialisable
        # registration): hand the decorated thing back unchanged.
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]
        if _is_decorator_factory(cls.__qualname__):
            return lambda target: target
        raise _absent(cls.__qualname__)

    def __or__(cls, other: Any) -> Any:  # `tf.Tensor | None` in a hint
        return cls

    __ror__ = __or__

    def __getitem__(cls, item: Any) -> Any:  # `tf.Variable[...]` in a hint
        return cls


# Decorator factories that Rasa's modules call at import time, e.g.
# @tf.keras.utils.register_keras_serializable(package="Rasa").
_DECORATOR_FACTORIES = ("register_keras_serializable",)


def _is_decorator_factory(qualname: str) -> bool:
    return qualname.rsplit(".", 1)[-1] in _DECORATOR_FACTORIES


def _placeholder(qualname: str) -> type:
    return _PlaceholderType(qualname.rsplit(".", 1)[-1], (), {"__qualname__": qualname, "__module__": "tensorflow"})


class _AbsentModule(types.ModuleType):
    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return _placeholder(f"{self.__name__}.{attr}")


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _AbsentModule(spec.name)
        module.__path__ = []  # a package, so `tensorflow.keras.backend` imports too
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


def _importer() -> str:
    """The module whose `import` statement is being served, skipping importlib's frames."""
    frame = sys._getframe(2)
    while frame is not None and (
        frame.f_code.co_filename.startswith("<frozen importlib") or frame.f_globals.get("__name__") == __name__
    ):
        frame = frame.f_back
    return "" if frame is None else str(frame.f_globals.get("__name__", ""))


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name.split(".", 1)[0] not in _ROOTS:
            return None
        if _importer().split(".", 1)[0] in ("rasa", *_ROOTS):
            return importlib.machinery.ModuleSpec(name, _Loader(), is_package=True)
        # Other libraries (thinc, spaCy) treat TensorFlow as optional: for them it is not installed.
        raise ModuleNotFoundError(f"No module named {name!r} (serving without TensorFlow)", name=name)


def install() -> None:
    """Serve this process without TensorFlow; must run before anything imports rasa."""
    loaded = [name for name in sys.modules if name.split(".", 1)[0] in _ROOTS]
    if any(not isinstance(sys.modules[name], _AbsentModule) for name in loaded):
        raise RuntimeError("TensorFlow is already loaded in this process: install() came too late")
    if not installed():
        sys.meta_path.insert(0, _Finder())


def installed() -> bool:
    return any(isinstance(finder, _Finder) for finder in sys.meta_path)


def check_model(model_archive: Path) -> None:
    """Refuse, before loading, a trained model whose graph has a component that needs TensorFlow."""
    import tarfile

    with tarfile.open(model_archive) as archive:
        names = [m.name for m in archive.getmembers() if m.name.endswith("metadata.json")]
        text = "".join(archive.extractfile(name).read().decode() for name in names)  # type: ignore[union-attr]
    needed = sorted(c for c in NEEDS_TENSORFLOW if f".{c}" in text or f'"{c}"' in text)
    if needed:
        raise _absent(", ".join(needed) + " in " + model_archive.name)
