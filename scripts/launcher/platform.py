"""`Platform`: one local HuleEdu stack — servers, databases, topics, migrations and services.

    platform = Platform("demo")
    await platform.start_infrastructure()   # servers, databases, topics, migrations
    await platform.start_services()         # every registered service, health-checked
    await platform.kill("kafka"); await platform.start("kafka")  # same port, topics re-created
    await platform.stop_all()

A server whose URL is given in the environment (`HULEEDU_POSTGRES_URL`, `HULEEDU_REDIS_URL`,
`HULEEDU_KAFKA_BOOTSTRAP_SERVERS`) is used as it is instead of being started.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from scripts.kafka_topic_bootstrap import DEFAULT_PARTITIONS, create_all_topics
from scripts.launcher.infra import InfraUrls
from scripts.launcher.leftovers import INFRA_PARTS, stop_recorded
from scripts.launcher.migrations import run_migrations
from scripts.launcher.postgres import DEFAULT_POSTGRES_SETTINGS, FAST_TEST_POSTGRES_SETTINGS
from scripts.launcher.processes import free_port
from scripts.launcher.server_base import EmbeddedServer
from scripts.launcher.servers import BinaryServer, EmbeddedKafka, EmbeddedPostgres, EmbeddedRedis
from scripts.launcher.service_env import build_service_env
from scripts.launcher.service_process import ServiceProcess
from scripts.launcher.service_registry import SERVICES, ServiceSpec, service_databases
from scripts.launcher.state import (
    DEFAULT_DATA_ROOT,
    StackDir,
    StackState,
    generate_secrets,
    process_start_time,
)

__all__ = ["ENV_URL_VARIABLES", "InfraUrls", "PartDown", "Platform", "UnknownPartError"]

ENV_URL_VARIABLES: Mapping[str, str] = {
    "postgres": "HULEEDU_POSTGRES_URL",
    "redis": "HULEEDU_REDIS_URL",
    "kafka": "HULEEDU_KAFKA_BOOTSTRAP_SERVERS",
}
_PROFILE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class UnknownPartError(KeyError):
    """No server or service of that name is managed by this platform."""


class PartDown(RuntimeError):
    """A part the launcher started has exited without being asked to."""

    def __init__(self, name: str, exit_code: int | None, log_path: Path) -> None:
        code = "unknown" if exit_code is None else str(exit_code)
        super().__init__(f"{name} exited unexpectedly (exit code {code}); log: {log_path}")
        self.name = name
        self.exit_code = exit_code
        self.log_path = log_path


class Platform:
    def __init__(
        self,
        profile: str = "demo",
        *,
        keep_data: bool = False,
        partitions: int = DEFAULT_PARTITIONS,
        services: Sequence[ServiceSpec] | None = None,
        data_root: Path = DEFAULT_DATA_ROOT,
        environ: Mapping[str, str] | None = None,
        fixed_service_ports: bool | None = None,
        postgres_settings: Mapping[str, str] | None = None,
        server_ports: Mapping[str, int] | None = None,
    ) -> None:
        if not _PROFILE.match(profile):
            raise ValueError(f"invalid profile name {profile!r}")
        self.profile = profile
        self.keep_data = keep_data
        self.partitions = partitions
        self.specs: dict[str, ServiceSpec] = {s.name: s for s in (services or SERVICES)}
        self.dir = StackDir(profile, data_root)
        self._environ = dict(os.environ if environ is None else environ)
        demo = profile == "demo"
        self._fixed_ports = demo if fixed_service_ports is None else fixed_service_ports
        self._pg_settings = postgres_settings or (
            DEFAULT_POSTGRES_SETTINGS if demo else FAST_TEST_POSTGRES_SETTINGS
        )
        self._server_ports = dict(server_ports or {})
        self.servers: dict[str, EmbeddedServer] = {}
        self.services: dict[str, ServiceProcess] = {}
        self._service_ports: dict[str, int] = {}
        self._expected_down: set[str] = set()
        self._migrated: set[str] = set()
        self._service_settings: dict[str, dict[str, str]] = {}
        self._infra: InfraUrls | None = None
        self._state: StackState | None = None

    # -- queries -----------------------------------------------------------------------------

    @property
    def infra(self) -> InfraUrls:
        if self._infra is None:
            raise RuntimeError("the infrastructure has not been started")
        return self._infra

    @property
    def secrets(self) -> dict[str, str]:
        return dict(self._require_state().secrets)

    def external(self, part: str) -> bool:
        return bool(self._environ.get(ENV_URL_VARIABLES[part]))

    def service_port(self, name: str) -> int:
        self._spec(name)
        if name not in self._service_ports:
            self._service_ports[name] = self.specs[name].port if self._fixed_ports else free_port()
        return self._service_ports[name]

    def service_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.service_port(name)}"

    def service_env(self, name: str) -> dict[str, str]:
        spec = self._spec(name)
        env = build_service_env(
            spec,
            infra=self.infra,
            ports={other: self.service_port(other) for other in self.specs},
            all_specs=list(self.specs.values()),
            secrets=self.secrets,
            partitions=self.partitions,
            environment="development" if self.profile == "demo" else "test",
            embedded_kafka=not self.external("kafka"),
            base=self._environ,
        )
        extra = self._service_settings.get(name, {})
        env.update({f"{spec.env_prefix}{key}": value for key, value in extra.items()})
        return env

    def configure_service(self, name: str, settings: Mapping[str, str] | None) -> None:
        """Extra settings of service `name` (names without its env prefix, e.g.
        `{"COMPARISONS_PER_ESSAY": "40"}`) from its next start on; None restores the defaults.
        For tests that need one service configured differently on the shared stack."""
        self._spec(name)
        if settings:
            self._service_settings[name] = dict(settings)
        else:
            self._service_settings.pop(name, None)

    def pid(self, name: str) -> int | None:
        return self._part(name).pid

    def is_running(self, name: str) -> bool:
        return self._part(name).is_running()

    def check_parts(self) -> None:
        """Raise `PartDown` for the first started part that exited without being asked to."""
        for name, part in {**self.servers, **self.services}.items():
            if name in self._expected_down or part.is_running():
                continue
            code = part.exit_code() if isinstance(part, BinaryServer) else None
            raise PartDown(name, code, part.log_path)

    # -- whole stack -------------------------------------------------------------------------

    async def start_infrastructure(self, *, migrate: bool = True) -> InfraUrls:
        """Take the profile, clear leftovers, start servers, create databases and topics.

        Migrations run here too unless `migrate` is False; a service's migrations then run
        when it is first started.
        """
        self.dir.lock()
        try:
            await asyncio.to_thread(self._clear_previous_run)
            urls = {part: await self._start_or_use(part) for part in INFRA_PARTS}
            self._infra = InfraUrls(
                kafka_bootstrap=urls["kafka"],
                redis_url=urls["redis"],
                postgres_admin_url=urls["postgres"],
            )
            self._save_state()
            await self.create_databases()
            await self.create_topics()
            if migrate:
                await self.run_migrations()
        except BaseException:
            await self.stop_all()
            raise
        return self._infra

    async def create_databases(self) -> None:
        for database in service_databases(list(self.specs.values())):
            await self.infra.create_database(database)

    async def create_topics(self) -> None:
        await create_all_topics(self.infra.kafka_bootstrap, self.partitions)

    async def run_migrations(self, names: Iterable[str] | None = None) -> None:
        """Migrate each selected service's database once per run, one service at a time."""
        for spec in self._select(names):
            if spec.alembic_dir is not None and spec.name not in self._migrated:
                await run_migrations(spec.name, spec.alembic_dir, self.service_env(spec.name))
                self._migrated.add(spec.name)

    async def start_services(self, names: Iterable[str] | None = None) -> None:
        """Start services (all registered by default) at once and wait until each is healthy."""
        specs = self._select(names)
        await self.run_migrations(spec.name for spec in specs)
        results = await asyncio.gather(
            *(self.start(spec.name) for spec in specs), return_exceptions=True
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            raise errors[0]

    async def stop_all(self) -> None:
        """Stop every service, then the servers, and release the profile."""
        await asyncio.gather(*(self.stop(name) for name in list(self.services)))
        for name in reversed(INFRA_PARTS):
            if name in self.servers:
                await self.stop(name)
        if self._state is not None:
            self._save_state()
        self.dir.unlock()

    # -- one part ----------------------------------------------------------------------------

    async def kill(self, name: str) -> None:
        """SIGKILL one server or service, as a crash would."""
        part = self._part(name)
        self._expected_down.add(name)
        await asyncio.to_thread(part.kill)
        self._save_state()

    async def stop(self, name: str) -> None:
        part = self._part(name)
        self._expected_down.add(name)
        await asyncio.to_thread(part.stop)
        self._save_state()

    async def start(self, name: str) -> None:
        """(Re)start one part on its same port; a restarted broker gets its topics back."""
        if name in INFRA_PARTS:
            part = self._part(name)
        else:
            await self.run_migrations([name])
            part = self._service(name)
            part.set_env(self.service_env(name))
        await asyncio.to_thread(part.start)
        self._expected_down.discard(name)
        self._save_state()
        if name == "kafka" and self._infra is not None:
            await self.create_topics()

    # -- internals ---------------------------------------------------------------------------

    def _clear_previous_run(self) -> None:
        previous = self.dir.read_state()
        stop_recorded(previous, self.dir.root / "pgdata")
        kept_secrets = previous.secrets if previous and self.keep_data else None
        if not self.keep_data:
            self.dir.wipe()
        self.dir.logs.mkdir(parents=True, exist_ok=True)
        pid = os.getpid()
        self._state = StackState(
            owner_pid=pid,
            owner_started=process_start_time(pid),
            secrets=kept_secrets or generate_secrets(),
        )
        self._save_state()

    async def _start_or_use(self, part: str) -> str:
        given = self._environ.get(ENV_URL_VARIABLES[part])
        if given:
            return given
        server = self._new_server(part)
        self.servers[part] = server
        await asyncio.to_thread(server.start)
        self._save_state()
        return server.url

    def _new_server(self, part: str) -> EmbeddedServer:
        root = self.dir.root
        if part == "postgres":
            return EmbeddedPostgres(root / "pgdata", settings=self._pg_settings)
        log, port = self.dir.log_path(part), self._server_ports.get(part)
        if part == "redis":
            return EmbeddedRedis(root / "redis", port=port, log_path=log)
        return EmbeddedKafka(root / "kafka", port=port, log_path=log)

    def _service(self, name: str) -> ServiceProcess:
        if name not in self.services:
            self.services[name] = ServiceProcess(
                self._spec(name),
                port=self.service_port(name),
                env=self.service_env(name),
                log_path=self.dir.log_path(name),
            )
        return self.services[name]

    def _part(self, name: str) -> EmbeddedServer:
        part = self.servers.get(name) or self.services.get(name)
        if part is None:
            raise UnknownPartError(f"{name!r} was not started by this platform")
        return part

    def _spec(self, name: str) -> ServiceSpec:
        try:
            return self.specs[name]
        except KeyError:
            raise UnknownPartError(f"no service named {name!r} is registered") from None

    def _select(self, names: Iterable[str] | None) -> list[ServiceSpec]:
        return list(self.specs.values()) if names is None else [self._spec(n) for n in names]

    def _require_state(self) -> StackState:
        if self._state is None:
            raise RuntimeError("the platform has not been started")
        return self._state

    def _save_state(self) -> None:
        state = self._require_state()
        parts = {**self.servers, **self.services}
        state.processes = {
            name: record for name, part in parts.items() if (record := part.record()) is not None
        }
        state.urls = {name: part.url for name, part in parts.items() if part.is_running()}
        if self._infra is not None:
            state.urls.update(
                postgres=self._infra.postgres_admin_url,
                redis=self._infra.redis_url,
                kafka=self._infra.kafka_bootstrap,
            )
        state.ports = dict(self._service_ports)
        self.dir.write_state(state)
