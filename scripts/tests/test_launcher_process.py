"""A launcher in its own process: SIGKILL leftovers, `huleedu stop`, part-down supervision."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio

from scripts.cli import main as huleedu
from scripts.launcher.platform import Platform
from scripts.launcher.processes import pid_alive
from scripts.launcher.state import StackDir
from scripts.tests.stack_helpers import DUMMY, LAUNCHER_TEST_ROOT, dummy_spec, new_profile

pytestmark = pytest.mark.integration

_READY_LINE = "Press Ctrl-C to stop everything."
_START_TIMEOUT_S = 60.0
PARTS = ("postgres", "redis", "kafka", DUMMY)


@dataclass
class Child:
    profile: str
    process: asyncio.subprocess.Process
    output: list[str]

    @property
    def stack(self) -> StackDir:
        return StackDir(self.profile, LAUNCHER_TEST_ROOT)

    def pids(self) -> dict[str, int]:
        state = self.stack.read_state()
        assert state is not None
        return {name: record.pid for name, record in state.processes.items()}

    async def wait(self) -> int:
        assert self.process.stdout is not None
        rest = await asyncio.wait_for(self.process.stdout.read(), _START_TIMEOUT_S)
        self.output += rest.decode().splitlines()
        return await self.process.wait()


async def _start_child(profile: str) -> Child:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "scripts.tests.launcher_child", profile,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    child = Child(profile, process, [])
    assert process.stdout is not None
    while _READY_LINE not in child.output:
        line = await asyncio.wait_for(process.stdout.readline(), _START_TIMEOUT_S)
        if not line:
            raise AssertionError(f"launcher exited early:\n{chr(10).join(child.output)}")
        child.output.append(line.decode().rstrip())
    return child


@pytest_asyncio.fixture(loop_scope="session")
async def child() -> AsyncIterator[Child]:
    started = await _start_child(new_profile())
    yield started
    if started.process.returncode is None:
        started.process.kill()
        await started.process.wait()
    huleedu(["stop", "--profile", started.profile, "--data-root", str(LAUNCHER_TEST_ROOT)])
    started.stack.wipe()
    started.stack.lock_path.unlink(missing_ok=True)


def _all_gone(pids: dict[str, int]) -> bool:
    return not any(pid_alive(pid) for pid in pids.values())


async def test_huleedu_stop_clears_the_leftovers_of_a_sigkilled_launcher(child: Child) -> None:
    pids = child.pids()
    assert set(pids) == set(PARTS)

    child.process.send_signal(signal.SIGKILL)
    await child.process.wait()
    assert all(pid_alive(pid) for pid in pids.values())  # orphans, Postgres included

    assert (
        huleedu(["stop", "--profile", child.profile, "--data-root", str(LAUNCHER_TEST_ROOT)]) == 0
    )
    assert _all_gone(pids)


async def test_next_start_clears_the_leftovers_of_a_sigkilled_launcher(child: Child) -> None:
    pids = child.pids()
    child.process.send_signal(signal.SIGKILL)
    await child.process.wait()

    platform = Platform(child.profile, data_root=LAUNCHER_TEST_ROOT, services=[dummy_spec()])
    await platform.start_infrastructure()
    try:
        assert _all_gone(pids)
        assert platform.is_running("postgres") and platform.pid("postgres") != pids["postgres"]
    finally:
        await platform.stop_all()


async def test_huleedu_stop_ends_a_live_launcher_which_stops_its_parts(child: Child) -> None:
    pids = child.pids()

    assert (
        huleedu(["stop", "--profile", child.profile, "--data-root", str(LAUNCHER_TEST_ROOT)]) == 0
    )

    assert await child.wait() == 0
    assert _all_gone(pids)


async def test_a_part_that_dies_stops_the_whole_stack_and_is_named(child: Child) -> None:
    pids = child.pids()

    os.kill(pids[DUMMY], signal.SIGKILL)

    assert await child.wait() == 1
    assert any(f"{DUMMY} exited unexpectedly (exit code -9)" in line for line in child.output)
    assert _all_gone(pids)
