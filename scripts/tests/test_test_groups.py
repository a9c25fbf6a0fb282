"""The parallel test-group runner behind `make test`."""

from __future__ import annotations

import stat
from pathlib import Path

from scripts.test_groups import (
    GroupResult,
    load_durations,
    run_lanes,
    save_durations,
    schedule_order,
    summary_lines,
)


def test_known_durations_order_groups_longest_first() -> None:
    order = schedule_order(["a", "b", "c"], {"a": 5.0, "b": 50.0, "c": 20.0})
    assert order == ["b", "c", "a"]


def test_unrecorded_heavy_groups_go_first() -> None:
    order = schedule_order(["common_core/tests", "tests/functional", "tests/unit"], {})
    assert order[0] == "tests/functional"
    assert order[1:] == ["common_core/tests", "tests/unit"]


def test_durations_round_trip_and_merge(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "durations.json"
    save_durations(path, [GroupResult("a", 0, 12.34, "")])
    save_durations(path, [GroupResult("b", 1, 3.0, "")])
    assert load_durations(path) == {"a": 12.3, "b": 3.0}


def test_unreadable_durations_mean_none_known(tmp_path: Path) -> None:
    path = tmp_path / "durations.json"
    path.write_text("not json")
    assert load_durations(path) == {}
    path.write_text("[1, 2]")
    assert load_durations(path) == {}


def test_summary_names_failures_and_wall_clock() -> None:
    lines = summary_lines([GroupResult("ok", 0, 1.0, ""), GroupResult("bad", 2, 9.0, "")], 9.5)
    assert "FAILED (2)" in lines[1] and lines[1].startswith("bad")
    assert lines[2].startswith("ok") and "passed" in lines[2]
    assert lines[-1] == "wall clock 9.5 s"


async def test_lanes_run_every_group_and_report_exit_codes(tmp_path: Path) -> None:
    fake_pytest = tmp_path / "fake-pytest"
    fake_pytest.write_text('#!/bin/sh\necho "ran $1"\ncase "$1" in *bad*) exit 3;; esac\n')
    fake_pytest.chmod(fake_pytest.stat().st_mode | stat.S_IEXEC)

    results = await run_lanes(str(fake_pytest), ["g1", "g2-bad", "g3"], lanes=2)

    by_group = {result.group: result for result in results}
    assert set(by_group) == {"g1", "g2-bad", "g3"}
    assert by_group["g2-bad"].exit_code == 3
    assert by_group["g1"].passed and by_group["g1"].output.strip() == "ran g1"
