"""One WebSocket session: drain the socket's hub channel into the socket until either side ends.

Framework-free: the socket is anything with `send_text`, `receive_text` and `close` (Starlette's
WebSocket, or a fake in tests). A client may send the text `ping` at any time and gets `pong`
back — a keepalive that browsers, which cannot send protocol pings, can use; the server's
protocol-level pings are uvicorn's (`ws_ping_interval_seconds`).
"""

from __future__ import annotations

import asyncio
import contextlib
from enum import StrEnum
from typing import Protocol

from .hub import NotificationHub, SocketChannel

CLOSE_NORMAL = 1000
CLOSE_SLOW_CLIENT = 1008
CLOSE_BAD_TOKEN = 4401
CLIENT_PING = "ping"
SERVER_PONG = "pong"


class NotificationSocket(Protocol):
    async def send_text(self, data: str) -> None: ...

    async def receive_text(self) -> str: ...

    async def close(self, code: int = CLOSE_NORMAL, reason: str | None = None) -> None: ...


class SessionEnd(StrEnum):
    CLIENT_LEFT = "client_left"
    DROPPED_SLOW = "dropped_slow"
    SEND_FAILED = "send_failed"


async def _pump(channel: SocketChannel, socket: NotificationSocket) -> None:
    while True:
        await socket.send_text(await channel.next_message())


async def _receive(channel: SocketChannel, socket: NotificationSocket) -> None:
    # Returns (by exception) when the client disconnects.
    while True:
        if (await socket.receive_text()).strip().lower() == CLIENT_PING:
            channel.offer(SERVER_PONG)


async def run_session(
    hub: NotificationHub,
    channel: SocketChannel,
    socket: NotificationSocket,
    *,
    close_timeout_s: float,
) -> SessionEnd:
    """Serve `channel` on `socket` until the client leaves, a send fails or the hub drops the
    channel for being too slow (then the socket is closed with 1008). Always disconnects the
    channel from the hub."""
    sender = asyncio.create_task(_pump(channel, socket))
    receiver = asyncio.create_task(_receive(channel, socket))
    dropped = asyncio.create_task(channel.dropped.wait())
    tasks = (sender, receiver, dropped)
    try:
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        hub.disconnect(channel)
    if dropped in done:
        await _close_quietly(
            socket, CLOSE_SLOW_CLIENT, "too slow: notifications were dropped", close_timeout_s
        )
        return SessionEnd.DROPPED_SLOW
    if receiver in done:
        return SessionEnd.CLIENT_LEFT
    await _close_quietly(socket, CLOSE_NORMAL, "send failed", close_timeout_s)
    return SessionEnd.SEND_FAILED


async def _close_quietly(
    socket: NotificationSocket, code: int, reason: str, timeout_s: float
) -> None:
    # The client may already be gone, or so slow that the close frame cannot be written.
    with contextlib.suppress(Exception):
        async with asyncio.timeout(timeout_s):
            await socket.close(code, reason)
