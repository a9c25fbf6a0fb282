"""Small HTTP load generators for the benchmarks: closed loop (N concurrent clients) and open
loop (a fixed offered rate, latency measured from the scheduled send time so that queueing is
counted)."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp


@dataclass(frozen=True)
class LatencySummary:
    count: int
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def summarise(latencies_s: list[float], errors: int) -> LatencySummary:
    ms = [value * 1000 for value in latencies_s]
    return LatencySummary(
        count=len(ms),
        errors=errors,
        p50_ms=statistics.median(ms) if ms else float("nan"),
        p99_ms=percentile(ms, 0.99),
        max_ms=max(ms) if ms else float("nan"),
    )


async def closed_loop_throughput(
    url: str,
    *,
    clients: int,
    duration_s: float,
    headers: Mapping[str, str] | None = None,
    warmup_s: float = 1.0,
) -> tuple[float, int]:
    """Requests/s answered 200 by `clients` concurrent clients, each sending back to back."""
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, headers=dict(headers or {})) as http:

        async def client(until: float, counts: list[int]) -> None:
            while time.perf_counter() < until:
                async with http.get(url) as response:
                    await response.read()
                    counts[0 if response.status == 200 else 1] += 1

        await asyncio.gather(
            *(client(time.perf_counter() + warmup_s, [0, 0]) for _ in range(clients))
        )
        counts = [0, 0]
        started = time.perf_counter()
        await asyncio.gather(*(client(started + duration_s, counts) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return counts[0] / elapsed, counts[1]


async def open_loop_latency(
    url: str,
    *,
    rate_per_s: float,
    duration_s: float,
    headers: Mapping[str, str] | None = None,
) -> LatencySummary:
    """Send at a fixed rate regardless of answers; latency from each scheduled send time."""
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, headers=dict(headers or {})) as http:

        async def one(scheduled: float) -> None:
            nonlocal errors
            try:
                async with http.get(url) as response:
                    await response.read()
                    ok = response.status == 200
            except aiohttp.ClientError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - scheduled)
            else:
                errors += 1

        total = int(rate_per_s * duration_s)
        started = time.perf_counter()
        tasks = []
        for index in range(total):
            scheduled = started + index / rate_per_s
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(scheduled)))
        await asyncio.gather(*tasks)
    return summarise(latencies, errors)
