"""Rendering of benchmarks/RESULTS.md from the outcome of each benchmark run."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from benchmarks.machine import Machine
from benchmarks.report import BenchmarkReport, Figure

GIB = 1024**3
LINE_WIDTH = 100


@dataclass
class BenchRun:
    """How one benchmark subprocess ended; `report` is None when it wrote no figures."""

    name: str
    command: str
    seconds: float
    exit_code: int | None
    report: BenchmarkReport | None
    log_path: str
    timed_out: bool = False
    output_tail: list[str] = field(default_factory=list)

    @property
    def crashed(self) -> bool:
        return self.timed_out or self.report is None

    def status(self) -> str:
        if self.timed_out:
            return f"CRASHED: timed out after {self.seconds:.0f} s"
        if self.report is None:
            return f"CRASHED: exit code {self.exit_code}, no figures"
        return "completed"

    def aims(self) -> tuple[int, int]:
        """(aims met, aims checked)."""
        checked = [f.met for f in self.report.figures if f.met is not None] if self.report else []
        return sum(checked), len(checked)


@dataclass(frozen=True)
class RunContext:
    started: datetime
    seconds: float
    command: str
    machine: Machine
    revision: str
    load_before: float | None
    load_after: float | None


def cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _load(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.2f}"


def machine_section(context: RunContext) -> list[str]:
    machine = context.machine
    memory = "unknown" if machine.memory_bytes is None else f"{machine.memory_bytes / GIB:.1f} GiB"
    rows = [
        ["CPU", machine.cpu_model],
        ["cores", f"{machine.cores} ({machine.usable_cores} usable by the benchmarks)"],
        ["memory", memory],
        ["Python", machine.python],
        ["system", machine.system],
        ["commit", context.revision],
        [
            "load average (1 min), start / end",
            f"{_load(context.load_before)} / {_load(context.load_after)}",
        ],
    ]
    return ["## Machine", "", *table(["fact", "value"], rows)]


def summary_section(runs: Sequence[BenchRun]) -> list[str]:
    rows = []
    for run in runs:
        met, checked = run.aims()
        aims = f"{met} of {checked}" if not run.crashed else "-"
        rows.append([f"[{run.name}](#{run.name})", run.status(), aims, duration(run.seconds)])
    return ["## Summary", "", *table(["benchmark", "outcome", "aims met", "took"], rows)]


def figure_row(figure: Figure) -> list[str]:
    name = f"{figure.name} ({figure.note})" if figure.note else figure.name
    return [name, figure.value_text(), figure.target or "-", figure.verdict() or "-"]


def options_text(parameters: Mapping[str, object]) -> str:
    """The settings a run used, as command-line options (a flag only when it was on)."""
    options = []
    for name, value in parameters.items():
        if value is True:
            options.append(f"`--{name}`")
        elif value is not False:
            options.append(f"`--{name} {value}`")
    return ", ".join(options)


def benchmark_section(run: BenchRun) -> list[str]:
    lines = [f"## {run.name}", ""]
    reproduce = f"Reproduce: `{run.command}` (took {duration(run.seconds)})."
    if run.report is None or run.timed_out:
        lines += [f"**{run.status()}.** {reproduce} Full output: `{run.log_path}`.", ""]
        lines += ["Last lines of its output:", "", "```text", *run.output_tail, "```"]
        return lines
    report = run.report
    lines += [f"{report.title}.", "", reproduce]
    if settings := options_text(report.parameters):
        lines += ["", f"Settings: {settings}."]
    rows = [figure_row(figure) for figure in report.figures]
    lines += ["", *table(["figure", "value", "target", "met"], rows)]
    if report.notes:
        lines += ["", *(f"- {note}" for note in report.notes)]
    if run.exit_code:
        lines += ["", f"It exited with code {run.exit_code} (it does so when an aim is missed)."]
    return lines


def introduction(context: RunContext) -> list[str]:
    stamp = context.started.strftime("%Y-%m-%d %H:%M %Z").strip()
    paragraphs = [
        f"Written on {stamp} by `{context.command}` (`make bench` runs every benchmark); the "
        f"whole run took {duration(context.seconds)}. Each benchmark ran once, in turn, as its "
        "own process with its own embedded servers.",
        "These figures were measured on the machine described below. What else was running on "
        "it at the time is unknown (the load average is the only hint), so compare figures from "
        "the same machine and rerun `make bench` before drawing conclusions.",
    ]
    lines = ["# Benchmark results"]
    for paragraph in paragraphs:
        lines += ["", textwrap.fill(paragraph, width=LINE_WIDTH, break_on_hyphens=False)]
    return lines


def render(context: RunContext, runs: Sequence[BenchRun]) -> str:
    sections = [introduction(context), machine_section(context), summary_section(runs)]
    sections += [benchmark_section(run) for run in runs]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
