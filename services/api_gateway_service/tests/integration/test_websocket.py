"""`WS /ws` on uvicorn with the real Redis: each notification reaches each of the user's
sockets once, and no other user's; bad tokens close with 4401."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
import pytest_asyncio
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from huleedu_service_libs.redis_client import RedisClient, notification_message
from scripts.launcher.infra import InfraUrls
from services.api_gateway_service.tests.gateway_testing import (
    gateway_server,
    gateway_settings,
    token_for,
)

pytestmark = pytest.mark.integration

RECEIVE_TIMEOUT_S = 10


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gateway_host(infra: InfraUrls) -> AsyncIterator[str]:
    async with gateway_server(gateway_settings(infra)) as host:
        yield host


@pytest_asyncio.fixture(loop_scope="session")
async def redis(infra: InfraUrls) -> AsyncIterator[RedisClient]:
    async with RedisClient(infra.redis_url) as client:
        yield client


def ready(batch_id: str, seq: int) -> str:
    return notification_message("batch_ready", {"batch_id": batch_id, "seq": seq, "essay_count": 2})


async def receive(socket: ClientConnection) -> str:
    message = await socket.recv(decode=True)
    assert isinstance(message, str)
    return message


def socket_url(host: str, user_id: str) -> str:
    return f"ws://{host}/ws?token={token_for(user_id)}"


async def test_each_socket_of_the_user_gets_each_notification_once(
    gateway_host: str, redis: RedisClient, id_factory: Callable[[str], str]
) -> None:
    alice, bob = id_factory("alice"), id_factory("bob")
    async with (
        connect(socket_url(gateway_host, alice), open_timeout=RECEIVE_TIMEOUT_S) as tab1,
        connect(socket_url(gateway_host, alice), open_timeout=RECEIVE_TIMEOUT_S) as tab2,
        connect(socket_url(gateway_host, bob), open_timeout=RECEIVE_TIMEOUT_S) as other,
    ):
        sent = [ready("batch-a", seq) for seq in (1, 2, 3)]
        for message in sent:
            await redis.publish(f"ws:{alice}", message)
        bobs = ready("batch-b", 1)
        await redis.publish(f"ws:{bob}", bobs)
        marker = ready("batch-a", 4)
        await redis.publish(f"ws:{alice}", marker)

        for tab in (tab1, tab2):
            # Exactly the three, in order, then the marker: no duplicate came in between.
            received = [await receive(tab) for _ in range(4)]
            assert received == [*sent, marker]
        assert await receive(other) == bobs


async def test_token_in_the_subprotocol_header(
    gateway_host: str, redis: RedisClient, id_factory: Callable[[str], str]
) -> None:
    user_id = id_factory("carol")
    async with connect(
        f"ws://{gateway_host}/ws",
        subprotocols=["bearer", token_for(user_id)],  # type: ignore[list-item]
        open_timeout=RECEIVE_TIMEOUT_S,
    ) as socket:
        assert socket.subprotocol == "bearer"
        message = ready("batch-c", 1)
        await redis.publish(f"ws:{user_id}", message)
        assert await receive(socket) == message


async def test_client_ping_gets_pong(gateway_host: str, id_factory: Callable[[str], str]) -> None:
    async with connect(socket_url(gateway_host, id_factory("dave"))) as socket:
        await socket.send("ping")
        assert await receive(socket) == "pong"


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        token_for("eve", ttl=timedelta(seconds=-60)),
        token_for("eve", key="another-secret-0123456789abcdefghij"),
        "",
    ],
    ids=["malformed", "expired", "wrong-signature", "missing"],
)
async def test_bad_token_closes_with_4401(gateway_host: str, token: str) -> None:
    async with connect(f"ws://{gateway_host}/ws?token={token}") as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
