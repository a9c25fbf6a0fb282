"""A stack's folder, its state file and the lock that marks its one live owner.

Layout of `.huleedu/<profile>/`: `state.json` (owner, processes, URLs, secrets), `logs/`,
`pgdata/`, `redis/`, `kafka/`. The owner holds an exclusive `flock` on `.huleedu/<profile>.lock`
for its whole life; the kernel releases it when the owner dies, even by SIGKILL, so a free lock
with a state file left behind means leftovers to stop.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psutil

from scripts.launcher.server_base import ProcessRecord

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA_ROOT = PROJECT_ROOT / ".huleedu"


class StackBusyError(RuntimeError):
    """Another live launcher owns this profile."""


def process_start_time(pid: int) -> float | None:
    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None


@dataclass
class StackState:
    owner_pid: int
    owner_started: float | None
    processes: dict[str, ProcessRecord] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "owner_pid": self.owner_pid,
            "owner_started": self.owner_started,
            "processes": {name: rec.to_json() for name, rec in self.processes.items()},
            "urls": self.urls,
            "ports": self.ports,
            "secrets": self.secrets,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> StackState:
        return cls(
            owner_pid=int(raw["owner_pid"]),
            owner_started=raw.get("owner_started"),
            processes={
                name: ProcessRecord.from_json(rec)
                for name, rec in dict(raw.get("processes") or {}).items()
            },
            urls=dict(raw.get("urls") or {}),
            ports={k: int(v) for k, v in dict(raw.get("ports") or {}).items()},
            secrets=dict(raw.get("secrets") or {}),
        )

    def owner_alive(self) -> bool:
        started = process_start_time(self.owner_pid)
        return started is not None and started == self.owner_started


def generate_secrets() -> dict[str, str]:
    return {
        "internal_api_key": secrets.token_urlsafe(32),
        "jwt_secret": secrets.token_urlsafe(48),
    }


class StackDir:
    """The folder of one profile and the owner lock next to it."""

    def __init__(self, profile: str, data_root: Path = DEFAULT_DATA_ROOT) -> None:
        self.profile = profile
        self.root = data_root / profile
        self.lock_path = data_root / f"{profile}.lock"
        self._lock_file: IO[str] | None = None

    @property
    def state_path(self) -> Path:
        return self.root / "state.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def log_path(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def try_lock(self) -> bool:
        """Take the owner lock without waiting; False when a live process holds it."""
        if self._lock_file is not None:
            return True
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.lock_path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._lock_file = handle
        return True

    def lock(self) -> None:
        if not self.try_lock():
            owner = self.read_state()
            who = f" (pid {owner.owner_pid})" if owner else ""
            raise StackBusyError(f"profile {self.profile!r} is in use by another launcher{who}")

    def unlock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def read_state(self) -> StackState | None:
        try:
            return StackState.from_json(json.loads(self.state_path.read_text()))
        except (FileNotFoundError, json.JSONDecodeError, KeyError, TypeError, ValueError):
            return None

    def write_state(self, state: StackState) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state.to_json(), indent=2))
        tmp.chmod(0o600)  # it holds the stack's secrets
        os.replace(tmp, self.state_path)

    def wipe(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
