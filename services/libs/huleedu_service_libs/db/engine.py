"""Async engine and session factories built from a service's one `DATABASE_URL` setting."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _sa_create_async_engine
from sqlalchemy.orm import Session

#: Key in `Session.info` set by `OutboxWriter.add`; the commit hook of `create_sessionmaker`
#: reads it to wake the outbox relay only after transactions that wrote to the outbox.
OUTBOX_PENDING_INFO_KEY = "huleedu_outbox_pending"


def create_async_engine_from_settings(
    url: str,
    pool_size: int = 5,
    *,
    max_overflow: int = 5,
    pool_timeout: float = 10.0,
    pool_recycle: int = 1800,
    echo: bool = False,
    **engine_kwargs: Any,
) -> AsyncEngine:
    """Create the service's asyncpg engine: pre-ping on checkout, bounded pool, recycle."""
    return _sa_create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=pool_recycle,
        pool_pre_ping=True,
        echo=echo,
        **engine_kwargs,
    )


def create_sessionmaker(
    engine: AsyncEngine,
    *,
    on_outbox_commit: Callable[[], None] | None = None,
) -> async_sessionmaker[AsyncSession]:
    """Create the service's session factory (`expire_on_commit=False`).

    Pass `on_outbox_commit=relay.wake` so that a transaction that added outbox rows wakes the
    relay the moment it commits, instead of waiting for the relay's next poll.
    """
    if on_outbox_commit is None:
        return async_sessionmaker(engine, expire_on_commit=False)
    # A private Session subclass keeps the listeners local to this factory.
    session_class = type("OutboxAwareSession", (Session,), {})
    _install_outbox_hooks(session_class, on_outbox_commit)
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=session_class)


def _install_outbox_hooks(session_class: type[Session], wake: Callable[[], None]) -> None:
    def after_commit(session: Session) -> None:
        if session.info.pop(OUTBOX_PENDING_INFO_KEY, False):
            wake()

    def after_rollback(session: Session) -> None:
        session.info.pop(OUTBOX_PENDING_INFO_KEY, None)

    event.listen(session_class, "after_commit", after_commit)
    event.listen(session_class, "after_rollback", after_rollback)
