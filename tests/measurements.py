"""Figures measured during the run (accuracy etc.), printed in the summary."""

from typing import List

REPORT_LINES: List[str] = []
