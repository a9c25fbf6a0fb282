"""What every embedded server offers the platform, and how a leftover one is recognised."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ProcessRecord:
    """What the state file keeps about one process so a later run can find and stop it.

    `markers` must all appear in the process's command line: a recorded pid reused by an
    unrelated process is then never signalled.
    """

    name: str
    pid: int
    markers: tuple[str, ...]
    stop_signal: int
    port: int | None = None
    # Signal the whole process group (a service and any workers it forked).
    group: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "pid": self.pid,
            "markers": list(self.markers),
            "stop_signal": self.stop_signal,
            "port": self.port,
            "group": self.group,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ProcessRecord:
        return cls(
            name=str(raw["name"]),
            pid=int(raw["pid"]),
            markers=tuple(str(m) for m in raw["markers"]),
            stop_signal=int(raw["stop_signal"]),
            port=None if raw.get("port") is None else int(raw["port"]),
            group=bool(raw.get("group", False)),
            extra={str(k): str(v) for k, v in dict(raw.get("extra") or {}).items()},
        )


class EmbeddedServer(ABC):
    """A real server process started and owned by the launcher."""

    name: str

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    @property
    @abstractmethod
    def url(self) -> str:
        """How clients reach the server (valid once started)."""

    @property
    @abstractmethod
    def pid(self) -> int | None: ...

    @property
    @abstractmethod
    def log_path(self) -> Path: ...

    @abstractmethod
    def start(self) -> None:
        """Start the server and return once it answers a real protocol request."""

    @abstractmethod
    def stop(self) -> None:
        """Stop gracefully; no-op when not running."""

    @abstractmethod
    def kill(self) -> None:
        """SIGKILL the server (as a crash would); no-op when not running."""

    @abstractmethod
    def is_running(self) -> bool: ...

    @abstractmethod
    def record(self) -> ProcessRecord | None:
        """The state-file entry of the running server, None when it is not running."""
