"""Structured benchmark figures: what each benchmark measured, its aim, and whether it was met.

Each benchmark states its aims once as `Target`s, turns its measurements into `Figure`s and,
given `--json PATH`, writes them as a `BenchmarkReport` that `benchmarks.run_all` collects into
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Comparison = Literal[">=", "<=", ">", "<"]
Value = float | int | str
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


def format_number(value: float | int) -> str:
    """A measured number at a precision fit for reading: 47,051 / 313.8 / 0.61."""
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value) or math.isinf(value):
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_threshold(value: float) -> str:
    """A target's threshold as written in the issue: 1,000 / 0.25 / 20."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


@dataclass(frozen=True)
class Target:
    """An aim of the form `value <comparison> threshold`, e.g. `>= 100 essays/s`."""

    comparison: Comparison
    threshold: float
    unit: str = ""

    def met_by(self, value: float) -> bool:
        if math.isnan(value):
            return False
        return _COMPARE[self.comparison](value, self.threshold)

    def __str__(self) -> str:
        return f"{self.comparison} {format_threshold(self.threshold)} {self.unit}".rstrip()


@dataclass(frozen=True)
class Figure:
    """One measured figure. `met` is None when the figure has no target."""

    name: str
    value: Value
    unit: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""

    def value_text(self) -> str:
        shown = self.value if isinstance(self.value, str) else format_number(self.value)
        return f"{shown} {self.unit}".rstrip()

    def verdict(self) -> str:
        return {None: "", True: "met", False: "NOT met"}[self.met]


def measured(name: str, value: Value, unit: str = "", note: str = "") -> Figure:
    """A figure reported for context, without an aim."""
    return Figure(name, value, unit, note=note)


def against(name: str, value: float, target: Target, note: str = "") -> Figure:
    """A figure checked against its target (in the target's unit)."""
    return Figure(name, value, target.unit, str(target), target.met_by(value), note)


@dataclass
class BenchmarkReport:
    """Everything one benchmark run measured."""

    benchmark: str
    title: str
    figures: list[Figure]
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BenchmarkReport:
        return cls(
            benchmark=str(data["benchmark"]),
            title=str(data["title"]),
            figures=[Figure(**figure) for figure in data["figures"]],
            parameters=dict(data.get("parameters", {})),
            notes=[str(note) for note in data.get("notes", [])],
        )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", type=Path, metavar="PATH", help="also write the figures as JSON to PATH"
    )


def parameters_of(args: argparse.Namespace) -> dict[str, Any]:
    """The run's command-line settings, for the report (the output path itself left out)."""
    return {
        name.replace("_", "-"): value
        for name, value in vars(args).items()
        if name != "json" and isinstance(value, str | int | float | bool)
    }


def print_report(report: BenchmarkReport) -> None:
    """The human-readable form: the title, then one line per figure with its verdict."""
    print(f"\n{report.title}\n")
    width = max((len(figure.name) for figure in report.figures), default=0) + 2
    for figure in report.figures:
        line = f"  {figure.name:<{width}}{figure.value_text():>14}"
        if figure.target:
            line += f"   aim {figure.target}: {figure.verdict()}"
        print(line)
    for note in report.notes:
        print(f"\n  {note}")


def write_json(path: Path | None, report: BenchmarkReport) -> None:
    """Write `report` to `path` (nothing when no path was asked for)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> BenchmarkReport:
    return BenchmarkReport.from_json(json.loads(path.read_text(encoding="utf-8")))
