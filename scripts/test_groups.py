"""Run the test groups of `make test` in parallel lanes, each group its own pytest session.

Every group gets its own embedded stack (the pytest plugin picks a free `test-N` profile), so
two lanes never share a broker, a database or a Redis. Groups are handed out longest first
(durations of the previous run, kept in `.huleedu/test-durations.json`), which keeps the lanes
about equally long. A group's output is printed in one piece when it finishes, never interleaved.

    python -m scripts.test_groups [--lanes 2] GROUP...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

DURATIONS_FILE = Path(".huleedu") / "test-durations.json"
DEFAULT_LANES = 2
# Before any run was recorded: the process-level groups are the long ones.
UNKNOWN_GROUP_SECONDS = 60.0
HEAVY_GROUP_HINTS = {"tests/functional": 400.0, "tests/resilience": 400.0}


@dataclass(frozen=True)
class GroupResult:
    group: str
    exit_code: int
    seconds: float
    output: str

    @property
    def passed(self) -> bool:
        return self.exit_code == 0


def schedule_order(groups: Sequence[str], known_seconds: Mapping[str, float]) -> list[str]:
    """Longest expected group first; ties keep the given order."""

    def expected(group: str) -> float:
        return known_seconds.get(group, HEAVY_GROUP_HINTS.get(group, UNKNOWN_GROUP_SECONDS))

    return sorted(groups, key=expected, reverse=True)


def summary_lines(results: Sequence[GroupResult], wall_seconds: float) -> list[str]:
    width = max((len(result.group) for result in results), default=5)
    lines = [f"{'group':<{width}}  result  seconds"]
    for result in sorted(results, key=lambda r: r.seconds, reverse=True):
        verdict = "passed" if result.passed else f"FAILED ({result.exit_code})"
        lines.append(f"{result.group:<{width}}  {verdict:<6}  {result.seconds:7.1f}")
    lines.append(f"wall clock {wall_seconds:.1f} s")
    return lines


def load_durations(path: Path) -> dict[str, float]:
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {str(k): float(v) for k, v in raw.items() if isinstance(v, int | float)}


def save_durations(path: Path, results: Sequence[GroupResult]) -> None:
    durations = load_durations(path)
    durations.update({result.group: round(result.seconds, 1) for result in results})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(durations, indent=2, sort_keys=True))


async def run_group(pytest: str, group: str) -> GroupResult:
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        pytest,
        group,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output, _ = await process.communicate()
    exit_code = process.returncode if process.returncode is not None else -1
    elapsed = time.monotonic() - started
    return GroupResult(group, exit_code, elapsed, output.decode(errors="replace"))


async def run_lanes(pytest: str, groups: Sequence[str], lanes: int) -> list[GroupResult]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for group in groups:
        queue.put_nowait(group)
    results: list[GroupResult] = []

    async def lane() -> None:
        while not queue.empty():
            group = queue.get_nowait()
            print(f"-- started pytest {group}", flush=True)
            result = await run_group(pytest, group)
            results.append(result)
            verdict = "passed" if result.passed else "FAILED"
            print(f"== pytest {group} ({verdict}, {result.seconds:.1f} s)", flush=True)
            print(result.output, flush=True)

    await asyncio.gather(*(lane() for _ in range(max(1, lanes))))
    return results


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("groups", nargs="+", help="test folders, one pytest session each")
    parser.add_argument(
        "--lanes",
        type=int,
        default=int(os.environ.get("TEST_LANES", DEFAULT_LANES)),
        help="groups run at the same time (env TEST_LANES; default %(default)s)",
    )
    parser.add_argument("--pytest", default=str(Path(sys.executable).with_name("pytest")))
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    order = schedule_order(args.groups, load_durations(DURATIONS_FILE))
    started = time.monotonic()
    results = asyncio.run(run_lanes(args.pytest, order, args.lanes))
    save_durations(DURATIONS_FILE, results)
    print("\n".join(summary_lines(results, time.monotonic() - started)))
    failed = [result.group for result in results if not result.passed]
    if failed:
        print(f"FAILED groups: {' '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
