"""OutboxRelay: publishes a service's committed outbox rows to Kafka, in id order.

One relay is active per service database: each relay process tries to take a Postgres advisory
lock on a dedicated connection, and those that fail stay on standby and retry. The active relay
LISTENs on the service's outbox channel (`OutboxWriter` notifies it on commit) and is also woken
in-process by `wake()`; it polls every `poll_interval_s` as a safety net. Rows are published in
id order and a failed row stops the batch, so events with the same key keep their order; the
failure is recorded on the row (`attempts`, `last_error`) and retried with capped backoff.
A crash between publishing and marking a row published re-publishes it (at-least-once).
Published rows are deleted once older than `retention`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from huleedu_service_libs.db.tables import OUTBOX_CLAUSE as _OUTBOX
from huleedu_service_libs.kafka.backoff import Backoff
from huleedu_service_libs.kafka.bus import OutgoingMessage
from huleedu_service_libs.logging import get_logger
from huleedu_service_libs.outbox.writer import outbox_channel

_log = get_logger(__name__)
_MAX_ERROR_CHARS = 2000


class OutboxPublisher(Protocol):
    """The part of `KafkaBus` the relay uses."""

    async def publish_many(self, messages: Sequence[OutgoingMessage]) -> Sequence[object]: ...

    async def publish_raw(
        self, topic: str, value: bytes, *, key: bytes | None, headers: list[tuple[str, bytes]]
    ) -> object: ...


def advisory_lock_key(service_name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a service's relay."""
    digest = hashlib.blake2b(f"huleedu-outbox:{service_name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class OutboxRelay:
    """Background task that drains `event_outbox` through the Kafka bus."""

    def __init__(
        self,
        engine: AsyncEngine,
        bus: OutboxPublisher,
        *,
        service_name: str,
        batch_size: int = 200,
        poll_interval_s: float = 1.0,
        lock_retry_interval_s: float = 2.0,
        retention: timedelta = timedelta(hours=24),
        purge_interval_s: float = 300.0,
        backoff: Backoff | None = None,
    ) -> None:
        self._url = engine.url
        self._bus = bus
        self.service_name = service_name
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._lock_retry_interval_s = lock_retry_interval_s
        self._retention = retention
        self._purge_interval_s = purge_interval_s
        self._backoff = backoff or Backoff(initial_s=0.2, max_s=10.0)
        self._lock_key = advisory_lock_key(service_name)
        self._channel = outbox_channel(service_name)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock_engine: AsyncEngine | None = None
        self._active = False
        self._failures = 0
        self._next_purge = 0.0

    @property
    def is_active(self) -> bool:
        """Whether this relay holds the service's lock and is publishing."""
        return self._active

    def wake(self) -> None:
        """Ask the active relay to look for new rows now (safe to call from any callback)."""
        self._wake.set()

    async def start(self) -> None:
        if self._task is not None:
            return
        self._stopping.clear()
        # A dedicated, unpooled engine: closing its one connection releases the lock for sure.
        self._lock_engine = create_async_engine(
            self._url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        self._task = asyncio.create_task(self._run(), name=f"outbox-relay-{self.service_name}")

    async def stop(self, timeout_s: float = 10.0) -> None:
        """Finish the batch in flight (up to `timeout_s`), then release the lock."""
        task, self._task = self._task, None
        if task is not None:
            self._stopping.set()
            self._wake.set()
            try:
                await asyncio.wait_for(task, timeout_s)
            except TimeoutError:
                _log.warning("outbox relay did not stop in time; cancelled", timeout_s=timeout_s)
        engine, self._lock_engine = self._lock_engine, None
        if engine is not None:
            await engine.dispose()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._relay_while_locked()
            except Exception as exc:
                self._failures += 1
                delay = self._backoff.delay(self._failures)
                _log.warning("outbox relay connection failed", error=repr(exc), retry_in_s=delay)
                await self._sleep_unless_stopping(delay)

    async def _relay_while_locked(self) -> None:
        if self._lock_engine is None:
            raise RuntimeError("OutboxRelay is not started")
        async with self._lock_engine.connect() as conn:
            if not await self._try_lock(conn):
                await self._sleep_unless_stopping(self._lock_retry_interval_s)
                return
            _log.info("outbox relay active", service=self.service_name)
            self._active = True
            try:
                await self._listen(conn)
                await self._relay_loop(conn)
            finally:
                self._active = False

    async def _try_lock(self, conn: AsyncConnection) -> bool:
        result = await conn.execute(sa.select(sa.func.pg_try_advisory_lock(self._lock_key)))
        return bool(result.scalar_one())

    async def _listen(self, conn: AsyncConnection) -> None:
        raw = await conn.get_raw_connection()
        driver_connection: Any = raw.driver_connection
        await driver_connection.add_listener(self._channel, self._on_notify)

    def _on_notify(self, *_args: object) -> None:
        self._wake.set()

    async def _relay_loop(self, conn: AsyncConnection) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            published, failed = await self._publish_batch(conn)
            if failed:
                self._failures += 1
                await self._sleep_unless_stopping(self._backoff.delay(self._failures))
                continue
            self._failures = 0
            await self._purge_if_due(conn)
            if published < self._batch_size:
                await self._wait_for_work()

    async def _publish_batch(self, conn: AsyncConnection) -> tuple[int, bool]:
        """Publish up to one batch of pending rows; return (published count, failed?)."""
        rows = (await conn.execute(_pending_rows_query(self._batch_size))).all()
        if not rows:
            return 0, False
        published_ids, failure = await self._send(rows)
        if published_ids:
            await conn.execute(
                sa.update(_OUTBOX)
                .where(_OUTBOX.c.id.in_(published_ids))
                .values(published_at=sa.func.now())
            )
        if failure is not None:
            row_id, exc = failure
            await self._record_failure(conn, row_id, exc)
        return len(published_ids), failure is not None

    async def _send(
        self, rows: Sequence[Row[Any]]
    ) -> tuple[list[int], tuple[int, Exception] | None]:
        try:
            await self._bus.publish_many([_message(row) for row in rows])
            return [row.id for row in rows], None
        except Exception:
            # Which messages went out is unknown: resend one by one to find the failing row.
            return await self._send_one_by_one(rows)

    async def _send_one_by_one(
        self, rows: Sequence[Row[Any]]
    ) -> tuple[list[int], tuple[int, Exception] | None]:
        sent: list[int] = []
        for row in rows:
            message = _message(row)
            try:
                await self._bus.publish_raw(
                    message.topic, message.value, key=message.key, headers=message.headers
                )
            except Exception as exc:
                return sent, (row.id, exc)
            sent.append(row.id)
        return sent, None

    async def _record_failure(self, conn: AsyncConnection, row_id: int, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"[:_MAX_ERROR_CHARS]
        _log.warning("outbox publish failed", outbox_id=row_id, error=error)
        await conn.execute(
            sa.update(_OUTBOX)
            .where(_OUTBOX.c.id == row_id)
            .values(attempts=_OUTBOX.c.attempts + 1, last_error=error)
        )

    async def _purge_if_due(self, conn: AsyncConnection) -> None:
        now = asyncio.get_running_loop().time()
        if now < self._next_purge:
            return
        self._next_purge = now + self._purge_interval_s
        await conn.execute(
            sa.delete(_OUTBOX).where(_OUTBOX.c.published_at < sa.func.now() - self._retention)
        )

    async def _wait_for_work(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self._poll_interval_s)

    async def _sleep_unless_stopping(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)


def _pending_rows_query(limit: int) -> sa.Select[Any]:
    return (
        sa.select(
            _OUTBOX.c.id, _OUTBOX.c.topic, _OUTBOX.c.key, _OUTBOX.c.payload, _OUTBOX.c.headers
        )
        .where(_OUTBOX.c.published_at.is_(None))
        .order_by(_OUTBOX.c.id)
        .limit(limit)
    )


def _message(row: Row[Any]) -> OutgoingMessage:
    return OutgoingMessage(
        topic=row.topic,
        value=bytes(row.payload),
        key=row.key.encode() if row.key is not None else None,
        headers=[(name, value.encode()) for name, value in row.headers],
    )
