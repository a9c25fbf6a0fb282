"""Run every benchmark in turn and write benchmarks/RESULTS.md (what `make bench` does).

    .venv/bin/python -m benchmarks.run_all [--only NAME ...] [--output PATH]

Each benchmark runs as its own subprocess with `--json`, so a crash or a timeout of one is
reported in RESULTS.md and the others still run. Its output is shown as it runs and kept in
.huleedu/bench-results/NAME.log. Exit code 1 when a benchmark crashed or timed out; a missed
aim is a result, not a failure.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from benchmarks.machine import describe_machine, git_revision, load_average
from benchmarks.report import BenchmarkReport, read_json
from benchmarks.results_md import BenchRun, RunContext, duration, render
from scripts.launcher.leftovers import stop_stack
from scripts.launcher.state import StackDir

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "benchmarks" / "RESULTS.md"
WORK_DIR = ROOT / ".huleedu" / "bench-results"
INTERRUPT_GRACE_S = 60.0
TAIL_LINES = 30
READER_JOIN_S = 10.0


@dataclass(frozen=True)
class BenchSpec:
    name: str
    timeout_s: float
    # launcher profiles the benchmark starts, whose leftovers are stopped after a crash
    profiles: tuple[str, ...] = ()


BENCHMARKS = (
    BenchSpec("bus", 900),
    BenchSpec("intake", 400, ("bench",)),
    BenchSpec("pipeline", 600, ("bench",)),
    BenchSpec("cj", 400, ("bench-cj",)),
    BenchSpec("gateway", 400, ("bench-gateway",)),
    BenchSpec("websocket", 400, ("bench-websocket",)),
)


@dataclass(frozen=True)
class ProcessOutcome:
    exit_code: int | None
    timed_out: bool
    tail: list[str]
    seconds: float


def shown_path(path: Path) -> str:
    """`path` relative to the repository when it lies inside it."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def benchmark_command(name: str) -> list[str]:
    return [sys.executable, "-m", f"benchmarks.{name}"]


def shown_command(command: Sequence[str]) -> str:
    return " ".join([shown_path(Path(command[0])), *command[1:]])


def _copy_lines(stream: IO[str], log: IO[str], tail: deque[str]) -> None:
    for line in stream:
        sys.stdout.write(line)
        sys.stdout.flush()
        log.write(line)
        tail.append(line.rstrip("\n"))


def _interrupt(process: subprocess.Popen[str]) -> None:
    """Ask the benchmark to stop its stack (SIGINT), then kill whatever is left of its group."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=INTERRUPT_GRACE_S)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def run_process(command: Sequence[str], *, timeout_s: float, log_path: Path) -> ProcessOutcome:
    """Run `command` with its output shown, logged and its last lines kept; kill it on timeout."""
    started = time.monotonic()
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    timed_out = False
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,  # its own group, so that a timeout can end all of it
        )
        assert process.stdout is not None
        reader = threading.Thread(target=_copy_lines, args=(process.stdout, log, tail))
        reader.start()
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _interrupt(process)
        except KeyboardInterrupt:
            _interrupt(process)
            raise
        finally:
            reader.join(timeout=READER_JOIN_S)
    return ProcessOutcome(process.returncode, timed_out, list(tail), time.monotonic() - started)


def load_report(path: Path) -> BenchmarkReport | None:
    try:
        return read_json(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stop_leftovers(profiles: Iterable[str]) -> None:
    """Stop what a crashed benchmark left of its stacks; a profile in live use is left alone."""
    for profile in profiles:
        stack = StackDir(profile)
        if not stack.try_lock():
            continue
        stack.unlock()
        if stopped := stop_stack(stack):
            print(f"stopped leftovers of profile {profile!r}: {', '.join(stopped)}")


def run_benchmark(
    spec: BenchSpec, work_dir: Path, command: Sequence[str] | None = None
) -> BenchRun:
    command = list(command or benchmark_command(spec.name))
    json_path, log_path = work_dir / f"{spec.name}.json", work_dir / f"{spec.name}.log"
    json_path.unlink(missing_ok=True)
    print(f"\n== {shown_command(command)} (timeout {spec.timeout_s:.0f} s)", flush=True)
    outcome = run_process(
        [*command, "--json", str(json_path)], timeout_s=spec.timeout_s, log_path=log_path
    )
    run = BenchRun(
        name=spec.name,
        command=shown_command(command),
        seconds=outcome.seconds,
        exit_code=outcome.exit_code,
        report=None if outcome.timed_out else load_report(json_path),
        log_path=shown_path(log_path),
        timed_out=outcome.timed_out,
        output_tail=outcome.tail,
    )
    if run.crashed:
        stop_leftovers(spec.profiles)
    return run


def select(names: Sequence[str] | None) -> list[BenchSpec]:
    if not names:
        return list(BENCHMARKS)
    known = {spec.name: spec for spec in BENCHMARKS}
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[name] for name in names]


def print_summary(runs: Sequence[BenchRun], output: Path) -> None:
    print(f"\n{'benchmark':<12}{'took':>12}  outcome")
    for run in runs:
        met, checked = run.aims()
        aims = "" if run.crashed else f", aims met {met} of {checked}"
        print(f"{run.name:<12}{duration(run.seconds):>12}  {run.status()}{aims}")
    print(f"\nwrote {shown_path(output)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every benchmark and write RESULTS.md.")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    specs = select(args.only)
    started, clock, load_before = datetime.now().astimezone(), time.monotonic(), load_average()
    runs = [run_benchmark(spec, WORK_DIR) for spec in specs]
    runner = [sys.executable, "-m", "benchmarks.run_all", *(sys.argv[1:] if argv is None else argv)]
    context = RunContext(
        started=started,
        seconds=time.monotonic() - clock,
        command=shown_command(runner),
        machine=describe_machine(),
        revision=git_revision(ROOT),
        load_before=load_before,
        load_after=load_average(),
    )
    args.output.write_text(render(context, runs), encoding="utf-8")
    print_summary(runs, args.output)
    return 1 if any(run.crashed for run in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
