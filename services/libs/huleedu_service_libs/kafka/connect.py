"""Start a Kafka client, retrying while the broker is not reachable yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_delay,
    wait_exponential,
)

from huleedu_service_libs.errors import is_transient

logger = structlog.get_logger(__name__)


class StartStoppable(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


ClientT = TypeVar("ClientT", bound=StartStoppable)


def _log_retry(what: str) -> Callable[[RetryCallState], None]:
    def log(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.warning(
            "kafka_connect_retry",
            client=what,
            attempt=state.attempt_number,
            error=repr(error),
        )

    return log


async def start_with_retry(
    factory: Callable[[], ClientT],
    *,
    timeout_s: float,
    what: str,
    max_wait_s: float = 2.0,
) -> ClientT:
    """A started client from `factory`; a fresh client per attempt, transient errors retried.

    aiokafka raises KafkaConnectionError at once when no broker listens, and a client whose
    start failed is not reused. Gives up (re-raising the last error) after `timeout_s`.
    """
    retrying = AsyncRetrying(
        retry=retry_if_exception(is_transient),
        wait=wait_exponential(multiplier=0.05, max=max_wait_s),
        stop=stop_after_delay(timeout_s),
        before_sleep=_log_retry(what),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            client = factory()
            try:
                await client.start()
            except BaseException:
                await client.stop()
                raise
            return client
    raise AssertionError("unreachable: tenacity re-raises the last error")
