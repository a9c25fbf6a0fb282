"""Intake throughput: a 200-essay batch registered, uploaded through the File Service, ready.

    .venv/bin/python -m benchmarks.intake [--essays 200] [--words 300] [--files-per-request 20]

Starts its own embedded stack (profile `bench`) with the intake services as processes, registers
one batch, uploads the .txt files in concurrent multipart requests and times until ELS announces
BatchEssaysReady. Aim (issue 3): >= 100 essays/s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from benchmarks.essay_text import synthetic_essay
from benchmarks.report import (
    BenchmarkReport,
    Figure,
    Target,
    add_json_option,
    against,
    measured,
    parameters_of,
    print_report,
    write_json,
)
from common_core.event_enums import ProcessingEvent
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from scripts.stack_client import INTAKE_SERVICES, StackClient

AIM_RATE = Target(">=", 100, "essays/s")
UPLOAD_CONCURRENCY = 4


async def upload_all(
    client: StackClient, batch_id: str, user: str, files: list[tuple[str, bytes]], chunk: int
) -> None:
    gate = asyncio.Semaphore(UPLOAD_CONCURRENCY)

    async def send(part: list[tuple[str, bytes]]) -> None:
        async with gate:
            response = await client.upload(batch_id, user, part)
            if response.status_code != 202 or response.json()["rejected"]:
                raise RuntimeError(f"upload failed: {response.status_code} {response.text[:300]}")

    await asyncio.gather(*(send(files[i : i + chunk]) for i in range(0, len(files), chunk)))


async def measure(platform: Platform, essays: int, words: int, chunk: int) -> dict[str, float]:
    files = [(f"essay_{i:03d}.txt", synthetic_essay(i, words).encode()) for i in range(essays)]
    ready_event = ProcessingEvent.BATCH_ESSAYS_READY
    async with StackClient(platform, timeout_s=120) as client:
        batch_id = (await client.register_batch("bench-teacher", essays))["batch_id"]
        async with BatchEventWatcher(
            platform.infra.kafka_bootstrap, [batch_id], [ready_event]
        ) as w:
            started = time.perf_counter()
            await upload_all(client, batch_id, "bench-teacher", files, chunk)
            uploaded = time.perf_counter()
            ready = await w.wait_for(ready_event, batch_id=batch_id, timeout_s=300)
            finished = time.perf_counter()
    if len(ready[0]["data"]["essays"]) != essays:
        raise RuntimeError("BatchEssaysReady does not list every essay")
    return {
        "upload_s": uploaded - started,
        "total_s": finished - started,
        "essays_per_s": essays / (finished - started),
    }


async def run(args: argparse.Namespace) -> dict[str, float]:
    platform = Platform("bench")
    try:
        await platform.start_infrastructure()
        await platform.start_services(INTAKE_SERVICES)
        return await measure(platform, args.essays, args.words, args.files_per_request)
    finally:
        await platform.stop_all()


def figures(timings: dict[str, float]) -> list[Figure]:
    return [
        measured("uploads answered (202) after", timings["upload_s"], "s"),
        measured("BatchEssaysReady after", timings["total_s"], "s"),
        against("throughput", timings["essays_per_s"], AIM_RATE),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Intake throughput benchmark.")
    parser.add_argument("--essays", type=int, default=200)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--files-per-request", type=int, default=20)
    add_json_option(parser)
    args = parser.parse_args(argv)
    results = figures(asyncio.run(run(args)))
    title = f"Intake: {args.essays} essays of ~{args.words} words, embedded stack"
    report = BenchmarkReport("intake", title, results, parameters_of(args))
    print_report(report)
    write_json(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
