"""The notification hub: fans the messages of one shared subscription out to user sockets.

Each open socket is a `SocketChannel` with a bounded send queue. `dispatch` never waits: it
puts the message on the queue of every socket the user has open — exactly once each — and a
socket whose queue is full is dropped (its session closes it), so one slow client never holds
up the others or the subscription.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable

from common_core.notifications import USER_CHANNEL_PREFIX

DropListener = Callable[["SocketChannel"], None]


class SocketChannel:
    """The queue between the hub and one socket's sender."""

    def __init__(self, channel_id: int, user_id: str, queue_size: int) -> None:
        self.channel_id = channel_id
        self.user_id = user_id
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=queue_size)
        self.dropped = asyncio.Event()

    @property
    def is_dropped(self) -> bool:
        return self.dropped.is_set()

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def offer(self, message: str) -> bool:
        """Queue `message`; False (and the channel dropped) when the queue is full."""
        if self.is_dropped:
            return False
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            self.dropped.set()
            return False
        return True

    async def next_message(self) -> str:
        return await self._queue.get()


class NotificationHub:
    """Open sockets by user; no I/O of its own (the listener feeds it, sessions drain it)."""

    def __init__(self, queue_size: int, *, on_drop: DropListener | None = None) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._queue_size = queue_size
        self._by_user: dict[str, dict[int, SocketChannel]] = {}
        self._ids = itertools.count(1)
        self._on_drop = on_drop

    @property
    def connection_count(self) -> int:
        return sum(len(channels) for channels in self._by_user.values())

    @property
    def user_count(self) -> int:
        return len(self._by_user)

    def connect(self, user_id: str) -> SocketChannel:
        channel = SocketChannel(next(self._ids), user_id, self._queue_size)
        self._by_user.setdefault(user_id, {})[channel.channel_id] = channel
        return channel

    def disconnect(self, channel: SocketChannel) -> None:
        channels = self._by_user.get(channel.user_id)
        if channels is None:
            return
        channels.pop(channel.channel_id, None)
        if not channels:
            del self._by_user[channel.user_id]

    def dispatch(self, user_id: str, message: str) -> int:
        """Queue `message` once on each of the user's sockets; the number that took it."""
        channels = self._by_user.get(user_id)
        if not channels:
            return 0
        delivered = 0
        for channel in list(channels.values()):
            if channel.offer(message):
                delivered += 1
                continue
            self.disconnect(channel)
            if self._on_drop is not None:
                self._on_drop(channel)
        return delivered

    def dispatch_channel(self, channel_name: str, message: str) -> int:
        """Dispatch a message received on Redis channel `ws:{user_id}`."""
        if not channel_name.startswith(USER_CHANNEL_PREFIX):
            return 0
        return self.dispatch(channel_name[len(USER_CHANNEL_PREFIX) :], message)
