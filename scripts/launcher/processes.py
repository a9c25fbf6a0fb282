"""Process helpers shared by the servers and the service launcher."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import psutil

DEFAULT_START_TIMEOUT_S = 20.0
DEFAULT_STOP_TIMEOUT_S = 10.0
_POLL_INTERVAL_S = 0.02


class ProcessStartError(RuntimeError):
    """A managed process did not become ready; the message carries its log tail."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log file)"
    return "\n".join(text.splitlines()[-lines:]) or "(log is empty)"


def pid_alive(pid: int) -> bool:
    """True when the process exists and is not a zombie (PID 1 here may not reap orphans)."""
    try:
        status: str = psutil.Process(pid).status()
    except psutil.Error:
        return False
    return bool(status != psutil.STATUS_ZOMBIE)


def pid_matches(pid: int, markers: Sequence[str]) -> bool:
    """True when `pid` is alive and its command line contains every marker.

    Guards against signalling an unrelated process that reused a recorded pid.
    """
    if not pid_alive(pid):
        return False
    try:
        cmdline = " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return False
    return all(marker in cmdline for marker in markers)


def wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(_POLL_INTERVAL_S)
    return not pid_alive(pid)


def _signal(pid: int, sig: signal.Signals, *, group: bool) -> None:
    try:
        if group:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def terminate(
    pid: int,
    *,
    sig: signal.Signals = signal.SIGTERM,
    timeout_s: float = DEFAULT_STOP_TIMEOUT_S,
    group: bool = False,
) -> None:
    """Send `sig`, wait up to `timeout_s`, then SIGKILL whatever is left."""
    _signal(pid, sig, group=group)
    if not wait_gone(pid, timeout_s):
        _signal(pid, signal.SIGKILL, group=group)
        wait_gone(pid, DEFAULT_STOP_TIMEOUT_S)


def kill_now(pid: int, *, group: bool = False) -> None:
    _signal(pid, signal.SIGKILL, group=group)
    wait_gone(pid, DEFAULT_STOP_TIMEOUT_S)


def spawn(
    argv: Sequence[str],
    log_path: Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.Popen[bytes]:
    """Start `argv` in its own session (so a terminal Ctrl-C reaches only the launcher)."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )


def wait_ready(
    name: str,
    probe: Callable[[], bool],
    *,
    alive: Callable[[], int | None],
    log_path: Path,
    timeout_s: float = DEFAULT_START_TIMEOUT_S,
) -> None:
    """Poll `probe` until it succeeds; fail fast when the process exits.

    `alive` returns None while the process runs, else its exit code.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        exit_code = alive()
        if exit_code is not None:
            raise ProcessStartError(
                f"{name} exited with code {exit_code} during startup; log tail "
                f"({log_path}):\n{log_tail(log_path)}"
            )
        if probe():
            return
        time.sleep(_POLL_INTERVAL_S)
    raise ProcessStartError(
        f"{name} not ready after {timeout_s:.0f}s; log tail ({log_path}):\n{log_tail(log_path)}"
    )
