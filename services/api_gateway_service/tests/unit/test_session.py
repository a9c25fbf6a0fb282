"""A WebSocket session over fake sockets: forwarding, ping/pong, client leaving, and a slow
client closed with 1008 while the other socket of the user keeps receiving."""

from __future__ import annotations

import asyncio

from huleedu_service_libs.kafka.testing import wait_until
from services.api_gateway_service.notifications.hub import NotificationHub
from services.api_gateway_service.notifications.session import (
    CLOSE_SLOW_CLIENT,
    SessionEnd,
    run_session,
)


class FakeSocket:
    def __init__(self, *, blocked: bool = False) -> None:
        self.sent: list[str] = []
        self.incoming: asyncio.Queue[str | None] = asyncio.Queue()
        self.closed_with: tuple[int, str | None] | None = None
        self._unblocked = asyncio.Event()
        if not blocked:
            self._unblocked.set()

    async def send_text(self, data: str) -> None:
        await self._unblocked.wait()  # a blocked socket is a client that stopped reading
        self.sent.append(data)

    async def receive_text(self) -> str:
        message = await self.incoming.get()
        if message is None:
            raise ConnectionError("client disconnected")
        return message

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed_with = (code, reason)


async def test_messages_are_forwarded_and_ping_gets_pong() -> None:
    hub = NotificationHub(queue_size=10)
    socket = FakeSocket()
    channel = hub.connect("alice")
    session = asyncio.create_task(run_session(hub, channel, socket, close_timeout_s=1))

    hub.dispatch("alice", "one")
    await socket.incoming.put("ping")
    hub.dispatch("alice", "two")
    await wait_until(lambda: len(socket.sent) == 3)
    await socket.incoming.put(None)

    assert await session == SessionEnd.CLIENT_LEFT
    assert [m for m in socket.sent if m != "pong"] == ["one", "two"]
    assert socket.sent.count("pong") == 1
    assert hub.connection_count == 0


async def test_slow_client_is_closed_and_others_keep_receiving() -> None:
    hub = NotificationHub(queue_size=3)
    slow_socket, fast_socket = FakeSocket(blocked=True), FakeSocket()
    slow = asyncio.create_task(
        run_session(hub, hub.connect("alice"), slow_socket, close_timeout_s=1)
    )
    fast = asyncio.create_task(
        run_session(hub, hub.connect("alice"), fast_socket, close_timeout_s=1)
    )
    await asyncio.sleep(0)

    for n in range(10):
        hub.dispatch("alice", f"m{n}")
        await asyncio.sleep(0)

    assert await asyncio.wait_for(slow, 5) == SessionEnd.DROPPED_SLOW
    assert slow_socket.closed_with is not None
    assert slow_socket.closed_with[0] == CLOSE_SLOW_CLIENT
    await wait_until(lambda: len(fast_socket.sent) == 10)
    assert fast_socket.sent == [f"m{n}" for n in range(10)]
    assert hub.connection_count == 1
    await fast_socket.incoming.put(None)
    assert await fast == SessionEnd.CLIENT_LEFT


async def test_failing_send_ends_the_session() -> None:
    class BrokenSocket(FakeSocket):
        async def send_text(self, data: str) -> None:
            raise ConnectionResetError("gone")

    hub = NotificationHub(queue_size=5)
    socket = BrokenSocket()
    session = asyncio.create_task(run_session(hub, hub.connect("bob"), socket, close_timeout_s=1))
    hub.dispatch("bob", "x")

    assert await asyncio.wait_for(session, 5) == SessionEnd.SEND_FAILED
    assert hub.connection_count == 0
