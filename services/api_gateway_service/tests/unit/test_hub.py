"""The notification hub with fake sockets: exactly once per socket, slow sockets dropped."""

from __future__ import annotations

import pytest

from services.api_gateway_service.notifications.hub import NotificationHub, SocketChannel


def drain(channel: SocketChannel) -> list[str]:
    messages = []
    while channel.pending:
        messages.append(channel._queue.get_nowait())
    return messages


def test_each_of_the_users_sockets_gets_each_message_once() -> None:
    hub = NotificationHub(queue_size=10)
    tab1, tab2 = hub.connect("alice"), hub.connect("alice")
    bob = hub.connect("bob")

    delivered = [hub.dispatch("alice", f"m{n}") for n in range(3)]

    assert delivered == [2, 2, 2]
    assert drain(tab1) == ["m0", "m1", "m2"]
    assert drain(tab2) == ["m0", "m1", "m2"]
    assert drain(bob) == []


def test_channel_names_select_the_user() -> None:
    hub = NotificationHub(queue_size=10)
    alice = hub.connect("alice")

    assert hub.dispatch_channel("ws:alice", "hello") == 1
    assert hub.dispatch_channel("other:alice", "ignored") == 0
    assert hub.dispatch_channel("ws:nobody", "lost") == 0
    assert drain(alice) == ["hello"]


def test_a_full_socket_is_dropped_without_holding_up_the_others() -> None:
    dropped: list[SocketChannel] = []
    hub = NotificationHub(queue_size=2, on_drop=dropped.append)
    slow, fast = hub.connect("alice"), hub.connect("alice")

    for n in range(3):
        hub.dispatch("alice", f"m{n}")
        drain(fast)  # the fast socket keeps up; the slow one never reads
    delivered_after_drop = hub.dispatch("alice", "m3")

    assert dropped == [slow]
    assert slow.is_dropped
    assert delivered_after_drop == 1
    assert drain(fast) == ["m3"]
    assert hub.connection_count == 1


def test_disconnect_forgets_the_socket_and_an_empty_user() -> None:
    hub = NotificationHub(queue_size=5)
    first, second = hub.connect("alice"), hub.connect("alice")

    hub.disconnect(first)
    assert (hub.user_count, hub.connection_count) == (1, 1)
    hub.disconnect(second)
    hub.disconnect(second)  # twice is harmless

    assert (hub.user_count, hub.connection_count) == (0, 0)
    assert hub.dispatch("alice", "late") == 0
    assert drain(first) == [] and drain(second) == []


def test_queue_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        NotificationHub(queue_size=0)
