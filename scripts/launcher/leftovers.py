"""Find and stop what an earlier launcher of the same profile left running."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from scripts.launcher.processes import pid_matches, terminate
from scripts.launcher.server_base import ProcessRecord
from scripts.launcher.servers import stop_leftover
from scripts.launcher.state import StackBusyError, StackDir, StackState

INFRA_PARTS: tuple[str, ...] = ("postgres", "redis", "kafka")
_OWNER_STOP_TIMEOUT_S = 60.0
_LOCK_POLL_S = 0.05


def _stop_order(processes: dict[str, ProcessRecord]) -> list[ProcessRecord]:
    services = [rec for name, rec in processes.items() if name not in INFRA_PARTS]
    servers = [processes[name] for name in reversed(INFRA_PARTS) if name in processes]
    return services + servers


def _stop_unrecorded_postgres(pgdata: Path) -> bool:
    """Stop a postmaster of `pgdata` even if the launcher died before recording it."""
    pid_file = pgdata / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return False
    if not pid_matches(pid, ("postgres", str(pgdata))):
        return False
    terminate(pid, sig=signal.SIGINT)
    return True


def stop_recorded(state: StackState | None, pgdata: Path) -> list[str]:
    """Stop every process of `state` that is still ours; the names of those stopped."""
    stopped: list[str] = []
    if state is not None:
        stopped = [rec.name for rec in _stop_order(state.processes) if stop_leftover(rec)]
    if _stop_unrecorded_postgres(pgdata) and "postgres" not in stopped:
        stopped.append("postgres")
    (pgdata / ".handle_pids.json").unlink(missing_ok=True)
    return stopped


def _wait_for_lock(stack: StackDir, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if stack.try_lock():
            return True
        time.sleep(_LOCK_POLL_S)
    return stack.try_lock()


def stop_stack(stack: StackDir) -> list[str]:
    """`huleedu stop`: end a live launcher of the profile, then any leftovers.

    Returns the names of the parts that were stopped here (a live launcher stops its own
    parts and is reported as "launcher").
    """
    stopped: list[str] = []
    if not stack.try_lock():
        state = stack.read_state()
        if state is None or not state.owner_alive():
            raise StackBusyError(f"profile {stack.profile!r} is locked by an unknown process")
        terminate(state.owner_pid, sig=signal.SIGTERM, timeout_s=_OWNER_STOP_TIMEOUT_S)
        stopped.append("launcher")
        if not _wait_for_lock(stack, _OWNER_STOP_TIMEOUT_S):
            raise StackBusyError(f"profile {stack.profile!r} is still locked after stopping")
    try:
        state = stack.read_state()
        stopped += stop_recorded(state, stack.root / "pgdata")
        if state is not None and state.processes:
            state.processes.clear()
            stack.write_state(state)
    finally:
        stack.unlock()
    return stopped
