"""Facts about the machine the benchmarks ran on, for benchmarks/RESULTS.md."""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

_MEMINFO = Path("/proc/meminfo")
_CPUINFO = Path("/proc/cpuinfo")


@dataclass(frozen=True)
class Machine:
    cpu_model: str
    cores: int
    usable_cores: int
    memory_bytes: int | None
    python: str
    system: str


def parse_mem_total(meminfo: str) -> int | None:
    """Bytes of `MemTotal` in the text of /proc/meminfo."""
    for line in meminfo.splitlines():
        name, _, rest = line.partition(":")
        if name == "MemTotal":
            amount, _, unit = rest.strip().partition(" ")
            return int(amount) * (1024 if unit.strip().lower() == "kb" else 1)
    return None


def parse_cpu_model(cpuinfo: str) -> str | None:
    """The first `model name` in the text of /proc/cpuinfo."""
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "model name" and value.strip():
            return value.strip()
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def describe_machine() -> Machine:
    cores = os.cpu_count() or 0
    return Machine(
        cpu_model=parse_cpu_model(_read(_CPUINFO)) or platform.processor() or "unknown",
        cores=cores,
        usable_cores=len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores,
        memory_bytes=parse_mem_total(_read(_MEMINFO)),
        python=f"{platform.python_version()} ({platform.python_implementation()})",
        system=platform.platform(),
    )


def load_average() -> float | None:
    """The one-minute load average, where the system offers it."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def git_revision(root: Path) -> str:
    """The checked-out commit, and whether the working tree differs from it."""

    def git(*args: str) -> str:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=True
        )
        return result.stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    return f"{commit} (with uncommitted changes)" if dirty else commit
