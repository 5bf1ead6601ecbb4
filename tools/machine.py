"""The machine a measurement ran on, for the eval and bench reports.

Figures from a shared or busy machine mean little without this, so both
reports open with it (and with the load average, which shows contention).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Dict, List, Optional

REPO = Path(__file__).resolve().parent.parent


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> Optional[float]:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head or 'unknown'}{' (uncommitted changes)' if dirty else ''}"


def describe(packages: List[str]) -> Dict[str, str]:
    """CPU, cores, RAM, Python and the given packages' versions."""
    ram = _ram_gb()
    facts = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": git_revision(),
        "CPU": _cpu_model(),
        "cores": f"{_usable_cores()} usable ({os.cpu_count()} online)",
        "RAM": f"{ram:.1f} GB" if ram else "unknown",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
    }
    for package in packages:
        facts[package] = _version(package)
    return facts


def markdown(facts: Dict[str, str], load_at_start: str, load_at_end: str) -> List[str]:
    lines = [f"- {name}: {value}" for name, value in facts.items()]
    lines.append(
        f"- load average (1/5/15 min) at start: {load_at_start}; at end: {load_at_end} "
        f"(above the core count means other work shared the CPU and timings are inflated)"
    )
    return lines


def shown(path: Path) -> str:
    """A path as a report shows it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)
