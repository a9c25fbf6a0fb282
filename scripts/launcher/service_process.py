"""A HuleEdu service run as its own process, healthy once its health endpoint answers 2xx."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from scripts.launcher.probes import http_ok
from scripts.launcher.servers import BinaryServer
from scripts.launcher.service_registry import ServiceSpec
from scripts.launcher.state import PROJECT_ROOT

SERVICE_START_TIMEOUT_S = 60.0


class ServiceProcess(BinaryServer):
    signal_group = True
    start_timeout_s = SERVICE_START_TIMEOUT_S

    def __init__(
        self, spec: ServiceSpec, *, port: int, env: dict[str, str], log_path: Path
    ) -> None:
        super().__init__(log_path.parent, port=port, log_path=log_path)
        self.name = spec.name
        self.spec = spec
        self._env = env

    def set_env(self, env: dict[str, str]) -> None:
        """The environment of the next start."""
        self._env = env

    def argv(self, port: int) -> Sequence[str]:
        return self.spec.command(sys.executable)

    def spawn_env(self) -> dict[str, str] | None:
        return self._env

    def spawn_cwd(self) -> Path | None:
        return PROJECT_ROOT

    def probe(self, port: int) -> bool:
        return http_ok(self.health_url)

    def markers(self, port: int) -> tuple[str, ...]:
        return (self.spec.module,) if self.spec.module else self.spec.argv

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.spec.health_path}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
