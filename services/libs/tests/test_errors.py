"""Classification of exceptions as transient or permanent."""

from __future__ import annotations

import errno

import aiohttp
import asyncpg
import pytest
import redis.exceptions
import sqlalchemy.exc
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    NodeNotReadyError,
    RequestTimedOutError,
    TopicAuthorizationFailedError,
    UnknownTopicOrPartitionError,
)

from huleedu_service_libs.errors import (
    CircuitOpenError,
    HttpStatusError,
    TransientError,
    is_transient,
)


@pytest.mark.parametrize(
    "exc",
    [
        TransientError("later"),
        CircuitOpenError("content service"),
        TimeoutError(),
        TimeoutError(),
        ConnectionRefusedError(),
        ConnectionResetError(),
        OSError(errno.EHOSTUNREACH, "no route"),
        KafkaConnectionError(),
        KafkaTimeoutError(),
        RequestTimedOutError(),
        NodeNotReadyError(),
        UnknownTopicOrPartitionError(),  # retriable in aiokafka's own classification
        redis.exceptions.ConnectionError("down"),
        redis.exceptions.TimeoutError("slow"),
        asyncpg.exceptions.ConnectionDoesNotExistError("gone"),
        asyncpg.exceptions.TooManyConnectionsError("full"),
        asyncpg.exceptions.SerializationError("retry me"),
        sqlalchemy.exc.TimeoutError("pool exhausted"),
        aiohttp.ServerTimeoutError(),
        aiohttp.ClientConnectionError(),
        HttpStatusError(503, "unavailable"),
        HttpStatusError(429, "slow down"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_transient_errors(exc: BaseException) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad data"),
        KeyError("missing"),
        RuntimeError("bug"),
        OSError(errno.ENOENT, "no such file"),
        PermissionError(),
        TopicAuthorizationFailedError(),
        asyncpg.exceptions.UniqueViolationError("duplicate"),
        HttpStatusError(404, "not found"),
        HttpStatusError(400, "bad request"),
    ],
    ids=lambda exc: type(exc).__name__,
)
def test_permanent_errors(exc: BaseException) -> None:
    assert not is_transient(exc)


def test_sqlalchemy_wrapper_is_judged_by_the_driver_error() -> None:
    driver_error = ConnectionRefusedError("connect failed")
    wrapped = sqlalchemy.exc.OperationalError("SELECT 1", {}, driver_error)
    assert is_transient(wrapped)

    integrity = sqlalchemy.exc.IntegrityError("INSERT", {}, ValueError("duplicate key"))
    assert not is_transient(integrity)


def test_invalidated_connection_is_transient() -> None:
    error = sqlalchemy.exc.DBAPIError("SELECT 1", {}, Exception("closed"))
    error.connection_invalidated = True
    assert is_transient(error)


def test_error_raised_from_a_transient_cause_is_transient() -> None:
    try:
        try:
            raise redis.exceptions.ConnectionError("down")
        except redis.exceptions.ConnectionError as cause:
            raise RuntimeError("could not claim event") from cause
    except RuntimeError as exc:
        assert is_transient(exc)


def test_http_status_error_keeps_status_and_body() -> None:
    error = HttpStatusError(502, "bad gateway", url="http://content/v1/content")
    assert (error.status, error.body, error.url) == (
        502,
        "bad gateway",
        "http://content/v1/content",
    )
    assert "502" in str(error)
    assert "http://content/v1/content" in str(error)
