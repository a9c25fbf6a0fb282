"""WebSocket fan-out of the gateway process.

    .venv/bin/python -m benchmarks.websocket [--users 500] [--tabs 5] [--broadcast 100]

Starts its own embedded stack (profile `bench-websocket`) with the gateway as a process, then:

  (a) opens one socket for each of `--users` users, publishes one notification to each user's
      Redis channel `ws:{user}` (one after the other, then all 500 at once in one pipeline) and
      measures publish → receipt latency — aim: p99 <= 50 ms;
  (b) opens `--tabs` sockets for one user and publishes `--broadcast` notifications: every tab
      must receive each exactly once, in order.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from websockets.asyncio.client import ClientConnection, connect

from benchmarks.http_load import LatencySummary, summarise
from benchmarks.report import (
    BenchmarkReport,
    Figure,
    Target,
    add_json_option,
    against,
    measured,
    parameters_of,
    write_json,
)
from huleedu_service_libs.redis_client import RedisClient, notification_message
from scripts.launcher.platform import Platform
from services.api_gateway_service.domain.tokens import mint_token

GATEWAY = "api_gateway_service"
AIM_P99 = Target("<=", 50, "ms")
AIM_EXACTLY_ONCE = "every tab gets each exactly once, in order"
OPEN_CONCURRENCY = 50
RECEIVE_TIMEOUT_S = 30.0


def notification(batch_id: str, seq: int) -> str:
    return notification_message("batch_ready", {"batch_id": batch_id, "seq": seq, "essay_count": 1})


async def open_sockets(host: str, secret: str, users: list[str]) -> list[ClientConnection]:
    gate = asyncio.Semaphore(OPEN_CONCURRENCY)

    async def one(user: str) -> ClientConnection:
        async with gate:
            token = mint_token(user, key=secret)
            return await connect(
                f"ws://{host}/ws?token={token}", open_timeout=RECEIVE_TIMEOUT_S, max_queue=None
            )

    return list(await asyncio.gather(*(one(user) for user in users)))


async def one_each(
    redis: RedisClient, sockets: list[ClientConnection], users: list[str], *, burst: bool, seq: int
) -> LatencySummary:
    """One notification per user: published one after the other, or all in one pipeline."""
    received: dict[str, float] = {}

    async def receive(user: str, socket: ClientConnection) -> None:
        await socket.recv()
        received[user] = time.perf_counter()

    receivers = [asyncio.create_task(receive(u, s)) for u, s in zip(users, sockets, strict=True)]
    published: dict[str, float] = {}
    if burst:
        pipe = redis.redis.pipeline(transaction=False)
        for user in users:
            pipe.publish(f"ws:{user}", notification(f"batch-{user}", seq))
        published = dict.fromkeys(users, time.perf_counter())
        await pipe.execute()
    else:
        for user in users:
            published[user] = time.perf_counter()
            await redis.publish(f"ws:{user}", notification(f"batch-{user}", seq))
    async with asyncio.timeout(RECEIVE_TIMEOUT_S):
        await asyncio.gather(*receivers)
    latencies = [received[user] - published[user] for user in users]
    return summarise(latencies, len(users) - len(received))


async def broadcast(
    redis: RedisClient, tabs: list[ClientConnection], user: str, count: int
) -> list[bool]:
    sent = [notification("batch-broadcast", seq) for seq in range(1, count + 1)]
    marker = notification("batch-broadcast", count + 1)

    async def receive_all(tab: ClientConnection) -> list[str]:
        messages = []
        while (message := await tab.recv(decode=True)) != marker:
            messages.append(str(message))
        return messages

    receivers = [asyncio.create_task(receive_all(tab)) for tab in tabs]
    for message in [*sent, marker]:
        await redis.publish(f"ws:{user}", message)
    async with asyncio.timeout(RECEIVE_TIMEOUT_S):
        got = await asyncio.gather(*receivers)
    return [messages == sent for messages in got]


async def run(
    args: argparse.Namespace,
) -> tuple[LatencySummary, LatencySummary, list[bool]]:
    platform = Platform("bench-websocket")
    try:
        await platform.start_infrastructure()
        await platform.start_services([GATEWAY])
        host = platform.service_url(GATEWAY).removeprefix("http://")
        secret = platform.secrets["jwt_secret"]
        users = [f"bench-user-{n:04d}" for n in range(args.users)]
        async with RedisClient(platform.infra.redis_url) as redis:
            sockets = await open_sockets(host, secret, users)
            tabs = await open_sockets(host, secret, ["bench-tabs"] * args.tabs)
            try:
                paced = await one_each(redis, sockets, users, burst=False, seq=1)
                burst = await one_each(redis, sockets, users, burst=True, seq=2)
                exact = await broadcast(redis, tabs, "bench-tabs", args.broadcast)
            finally:
                await asyncio.gather(*(s.close() for s in [*sockets, *tabs]))
        return paced, burst, exact
    finally:
        await platform.stop_all()


def latency_figures(label: str, summary: LatencySummary) -> list[Figure]:
    return [
        measured(f"(a) {label}: p50", summary.p50_ms, "ms"),
        against(f"(a) {label}: p99", summary.p99_ms, AIM_P99),
        measured(f"(a) {label}: max", summary.max_ms, "ms"),
        measured(f"(a) {label}: missing", summary.errors, "notifications"),
    ]


def figures(paced: LatencySummary, burst: LatencySummary, exact: list[bool]) -> list[Figure]:
    tabs = Figure(
        "(b) tabs that got each notification exactly once, in order",
        f"{sum(exact)}/{len(exact)}",
        target=AIM_EXACTLY_ONCE,
        met=bool(exact) and all(exact),
    )
    return [
        *latency_figures("published one by one", paced),
        *latency_figures("published in one burst", burst),
        tabs,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Gateway WebSocket fan-out benchmark.")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--tabs", type=int, default=5)
    parser.add_argument("--broadcast", type=int, default=100)
    add_json_option(parser)
    args = parser.parse_args(argv)
    paced, burst, exact = asyncio.run(run(args))
    for label, summary in (("published one by one", paced), ("published in one burst", burst)):
        print(
            f"(a) {args.users} users, one socket each, one notification each, {label}: "
            f"p50 {summary.p50_ms:.1f} ms, p99 {summary.p99_ms:.1f} ms, "
            f"max {summary.max_ms:.1f} ms, missing {summary.errors} "
            f"(aim p99 {AIM_P99})"
        )
    print(
        f"(b) {args.broadcast} notifications to one user with {args.tabs} tabs: "
        f"{sum(exact)}/{len(exact)} tabs got each exactly once, in order"
    )
    results = figures(paced, burst, exact)
    title = f"WebSocket fan-out: {args.users} users, then {args.tabs} tabs of one user"
    notes = [f"(b) {args.broadcast} notifications to one user"]
    write_json(args.json, BenchmarkReport("websocket", title, results, parameters_of(args), notes))
    return 0 if all(figure.met is not False for figure in results) else 1


if __name__ == "__main__":
    sys.exit(main())
