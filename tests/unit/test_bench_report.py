"""The pure parts of the benchmark report: figures, targets, RESULTS.md, the runner's verdicts."""

from __future__ import annotations

import argparse
import math
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks import bus, pipeline, websocket
from benchmarks.http_load import LatencySummary
from benchmarks.machine import Machine, parse_cpu_model, parse_mem_total
from benchmarks.report import (
    BenchmarkReport,
    Target,
    against,
    format_number,
    measured,
    parameters_of,
    read_json,
    write_json,
)
from benchmarks.results_md import BenchRun, RunContext, options_text, render
from benchmarks.run_all import BenchSpec, run_benchmark, select

MACHINE = Machine("AMD EPYC 7B13", 2, 2, 8 * 1024**3, "3.11.7 (CPython)", "Linux-x86_64")


def context() -> RunContext:
    started = datetime(2026, 5, 9, 10, 30, tzinfo=UTC)
    return RunContext(started, 125.0, "python -m benchmarks.run_all", MACHINE, "abc1234", 0.5, 1.5)


def a_report() -> BenchmarkReport:
    figures = [
        measured("(a) plain", 47051.3, "msg/s"),
        against("(b) / (a)", 0.61, Target(">=", 0.5)),
        against("(d) Postgres | 1 txn", 482.0, Target(">=", 1000, "msg/s")),
    ]
    return BenchmarkReport("bus", "Consumer throughput", figures, {"messages": 20000}, ["note"])


def completed(report: BenchmarkReport, exit_code: int = 0) -> BenchRun:
    return BenchRun("bus", "python -m benchmarks.bus", 95.0, exit_code, report, "x.log")


@pytest.mark.parametrize(
    ("value", "text"),
    [(47051.3, "47,051"), (313.84, "313.8"), (0.614, "0.61"), (120, "120"), (math.nan, "n/a")],
)
def test_numbers_are_shown_at_a_readable_precision(value: float, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("target", "value", "met"),
    [
        (Target(">=", 100), 100.0, True),
        (Target(">=", 100), 99.9, False),
        (Target("<=", 20), 20.0, True),
        (Target("<=", 20), 20.1, False),
        (Target("<", 5), 5.0, False),
        (Target("<", 5), 4.99, True),
        (Target(">", 0), 0.0, False),
        (Target("<=", 20), math.nan, False),
    ],
)
def test_a_target_is_met_only_on_its_side_of_the_threshold(
    target: Target, value: float, met: bool
) -> None:
    assert target.met_by(value) is met


def test_a_target_reads_like_the_issue() -> None:
    assert str(Target(">=", 1000, "msg/s")) == ">= 1,000 msg/s"
    assert str(Target(">=", 0.25)) == ">= 0.25"
    assert str(Target("<", 5, "s")) == "< 5 s"


def test_a_checked_figure_carries_its_target_unit_and_verdict() -> None:
    figure = against("p99", 313.8, Target("<=", 20, "ms"))
    assert (figure.unit, figure.target, figure.met) == ("ms", "<= 20 ms", False)
    assert (figure.value_text(), figure.verdict()) == ("313.8 ms", "NOT met")
    plain = measured("tabs", "5/5")
    assert (plain.met, plain.verdict(), plain.value_text()) == (None, "", "5/5")


def test_a_report_survives_its_json_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "bus.json"
    write_json(path, a_report())
    assert read_json(path) == a_report()


def test_the_report_parameters_are_the_run_options_without_the_output_path() -> None:
    args = argparse.Namespace(messages=20000, fast_postgres=False, json=Path("x.json"))
    assert parameters_of(args) == {"messages": 20000, "fast-postgres": False}
    assert options_text({"messages": 20000, "fast-postgres": False, "stub-ras": True}) == (
        "`--messages 20000`, `--stub-ras`"
    )


def test_results_md_names_the_machine_the_date_and_each_figure_with_its_verdict() -> None:
    text = " ".join(render(context(), [completed(a_report(), exit_code=1)]).split())
    for expected in (
        "2026-05-09 10:30 UTC",
        "| CPU | AMD EPYC 7B13 |",
        "| cores | 2 (2 usable by the benchmarks) |",
        "| memory | 8.0 GiB |",
        "| Python | 3.11.7 (CPython) |",
        "| load average (1 min), start / end | 0.50 / 1.50 |",
        "What else was running on it at the time is unknown",
        "| [bus](#bus) | completed | 1 of 2 | 1 min 35 s |",
        "Reproduce: `python -m benchmarks.bus`",
        "Settings: `--messages 20000`.",
        "| (a) plain | 47,051 msg/s | - | - |",
        "| (b) / (a) | 0.61 | >= 0.5 | met |",
        "| (d) Postgres \\| 1 txn | 482.0 msg/s | >= 1,000 msg/s | NOT met |",
        "It exited with code 1",
    ):
        assert expected in text, expected


def test_results_md_shows_a_crash_with_the_end_of_its_output() -> None:
    crashed = BenchRun("cj", "python -m benchmarks.cj", 12.0, 2, None, "cj.log")
    crashed.output_tail = ["Traceback (most recent call last):", "RuntimeError: boom"]
    timed_out = BenchRun("intake", "python -m benchmarks.intake", 400.0, -9, None, "i.log", True)
    text = render(context(), [crashed, timed_out])
    assert "| [cj](#cj) | CRASHED: exit code 2, no figures | - | 12 s |" in text
    assert "**CRASHED: timed out after 400 s.**" in text
    assert "RuntimeError: boom\n```" in text


def test_machine_facts_are_read_from_proc_text() -> None:
    assert parse_mem_total("MemFree: 1 kB\nMemTotal:  2048 kB\n") == 2048 * 1024
    assert parse_mem_total("nothing here") is None
    cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\n"
    assert parse_cpu_model(cpuinfo) == "AMD EPYC 7B13"
    assert parse_cpu_model("") is None


def test_the_benchmarks_judge_their_own_aims() -> None:
    results = [bus.Result(f"s{i}", 1000, seconds) for i, seconds in enumerate([1, 2, 1, 1, 2, 1])]
    verdicts = {f.name: f.met for f in bus.figures(results) if f.met is not None}
    assert verdicts == {"(b) / (a)": True, "s4": False, "s5": True}

    slow_class = pipeline.Run(essays=25, seconds=5.0, correction_seconds=0.5)
    lean_batch = pipeline.Run(essays=200, seconds=5.0, correction_seconds=1.5)
    aims = [f.met for f in pipeline.figures(slow_class, lean_batch) if f.met is not None]
    assert aims == [False, True]  # 5 s is not < 5 s; 17.5 ms <= 20 ms

    fast = LatencySummary(count=500, errors=0, p50_ms=1.0, p99_ms=2.0, max_ms=3.0)
    tabs = websocket.figures(fast, fast, [True, True, False])[-1]
    assert (tabs.value, tabs.met) == ("2/3", False)


def fake_benchmark(code: str) -> list[str]:
    """A stand-in benchmark: a Python snippet that gets `--json PATH` as argv[1:3]."""
    return [sys.executable, "-c", code]


WRITES_FIGURES = (
    "import sys; from pathlib import Path\n"
    "from benchmarks.report import BenchmarkReport, Target, against, write_json\n"
    "figure = against('rate', 5.0, Target('>=', 10, 'x/s'))\n"
    "write_json(Path(sys.argv[2]), BenchmarkReport('fake', 'Fake', [figure]))\n"
    "print('done'); sys.exit(1)\n"
)


def test_a_missed_aim_is_a_result_not_a_crash(tmp_path: Path) -> None:
    run = run_benchmark(BenchSpec("fake", 60), tmp_path, fake_benchmark(WRITES_FIGURES))
    assert not run.crashed and run.exit_code == 1
    assert run.report is not None and run.report.figures[0].met is False
    assert "done" in (tmp_path / "fake.log").read_text()


def test_a_crash_is_reported_with_its_output(tmp_path: Path) -> None:
    code = "print('starting'); raise RuntimeError('stack did not start')"
    run = run_benchmark(BenchSpec("fake", 60), tmp_path, fake_benchmark(code))
    assert run.crashed and run.exit_code == 1 and run.report is None
    assert run.output_tail[0] == "starting"
    assert run.output_tail[-1] == "RuntimeError: stack did not start"


def test_a_benchmark_past_its_timeout_is_stopped_and_reported(tmp_path: Path) -> None:
    code = "import time; print('waiting', flush=True); time.sleep(120)"
    run = run_benchmark(BenchSpec("fake", 1.0), tmp_path, fake_benchmark(code))
    assert run.crashed and run.timed_out and run.exit_code is not None
    assert 1.0 <= run.seconds < 60
    assert "timed out after" in run.status()


def test_unknown_benchmark_names_are_refused() -> None:
    assert [spec.name for spec in select(["cj", "bus"])] == ["cj", "bus"]
    with pytest.raises(SystemExit, match="unknown benchmark"):
        select(["nope"])
