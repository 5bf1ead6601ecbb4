"""Where the project keeps things on disk: the repository root and var/ (state, ignored by git)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"
