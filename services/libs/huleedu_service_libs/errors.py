"""Error types shared by services and the rule that classifies an exception as transient.

Transient errors are worth retrying with backoff and must never be committed past or
dead-lettered: connection and timeout errors of Postgres, Redis, Kafka and HTTP, HTTP 5xx/429
answers and an open circuit breaker. Everything else is treated as a permanent failure.
"""

from __future__ import annotations

import errno
import socket
import sys

__all__ = [
    "CircuitOpenError",
    "HttpStatusError",
    "TransientError",
    "is_transient",
]

_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.ECONNABORTED,
        errno.ETIMEDOUT,
        errno.EHOSTUNREACH,
        errno.EHOSTDOWN,
        errno.ENETUNREACH,
        errno.ENETDOWN,
        errno.ENETRESET,
        errno.EPIPE,
    }
)

# (module, class names) of third-party exceptions that are transient by nature. Only modules
# already imported are consulted: an exception of a library nobody imported cannot occur, and
# importing every client library here would cost seconds.
_TRANSIENT_CLASS_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "asyncpg.exceptions",
        (
            "PostgresConnectionError",
            "ConnectionDoesNotExistError",
            "CannotConnectNowError",
            "TooManyConnectionsError",
            "QueryCanceledError",
            "DeadlockDetectedError",
            "SerializationError",
        ),
    ),
    ("sqlalchemy.exc", ("DisconnectionError", "TimeoutError")),
    ("redis.exceptions", ("ConnectionError", "TimeoutError")),
    (
        "aiokafka.errors",
        ("KafkaConnectionError", "KafkaTimeoutError", "RequestTimedOutError", "NodeNotReadyError"),
    ),
    ("aiohttp", ("ClientConnectionError", "ServerTimeoutError")),
    ("httpx", ("TimeoutException", "NetworkError")),
)

_MAX_CAUSE_DEPTH = 8


class TransientError(Exception):
    """A failure expected to go away by itself; raise it to ask for a retry."""


class CircuitOpenError(TransientError):
    """A circuit breaker is open: the dependency is considered down for now."""


class HttpStatusError(Exception):
    """An HTTP call answered with an error status."""

    def __init__(self, status: int, body: str = "", *, url: str | None = None) -> None:
        where = f" from {url}" if url else ""
        super().__init__(f"HTTP {status}{where}: {body[:200]}")
        self.status = status
        self.body = body
        self.url = url

    @property
    def is_transient(self) -> bool:
        return self.status >= 500 or self.status == 429


def _third_party_transient_classes() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = []
    for module_name, class_names in _TRANSIENT_CLASS_NAMES:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        for class_name in class_names:
            cls = getattr(module, class_name, None)
            if isinstance(cls, type) and issubclass(cls, BaseException):
                found.append(cls)
    return tuple(found)


def _is_network_os_error(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionError | socket.gaierror):
        return True
    return isinstance(exc, OSError) and exc.errno in _NETWORK_ERRNOS


def _is_retriable_kafka_error(exc: BaseException) -> bool:
    # aiokafka marks the errors a client may retry with a class attribute.
    return type(exc).__module__.startswith("aiokafka") and getattr(exc, "retriable", False) is True


def _is_invalidated_connection(exc: BaseException) -> bool:
    # SQLAlchemy DBAPIError: the pool saw the connection die under the statement.
    return getattr(exc, "connection_invalidated", False) is True


def _is_transient_single(exc: BaseException) -> bool:
    if isinstance(exc, TransientError | TimeoutError):
        return True
    if isinstance(exc, HttpStatusError):
        return exc.is_transient
    if isinstance(exc, _third_party_transient_classes()):
        return True
    return (
        _is_network_os_error(exc)
        or _is_retriable_kafka_error(exc)
        or _is_invalidated_connection(exc)
    )


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and what it wraps (SQLAlchemy's `orig`, then `__cause__`), bounded."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < _MAX_CAUSE_DEPTH and current not in chain:
        chain.append(current)
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return chain


def is_transient(exc: BaseException) -> bool:
    """True when retrying later may succeed: connection/timeout errors, HTTP 5xx/429, open circuit.

    Wrapped errors count too: SQLAlchemy's DBAPIError is judged by the driver error it wraps,
    and an exception raised ``from`` a transient one is transient.
    """
    return any(_is_transient_single(item) for item in _causes(exc))
