"""The `spellcheck` pipeline end to end: request → BatchPipelineCompletedV1.

    .venv/bin/python -m benchmarks.pipeline [--essays 200] [--class-size 25] [--words 300]

Starts its own embedded stack (profile `bench`) with every pipeline service as a process, makes
a ready batch of synthetic English essays, publishes the pipeline request as the gateway would,
and times until BOS announces the pipeline completed. It also times spelling correction alone on
the same texts in this process, so the rest is the platform's share (messaging, state, storage).
Aims (issue 4): platform overhead <= 20 ms per essay per phase; a 25-essay class end to end < 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass

from benchmarks.essay_text import synthetic_essay
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
from common_core.event_enums import ProcessingEvent
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from scripts.stack_client import INTAKE_SERVICES, StackClient, publish_pipeline_request
from services.spellchecker_service.config import default_data_dir
from services.spellchecker_service.spelling.benchmark import time_corrections
from services.spellchecker_service.spelling.engines import SpellingEngines

SERVICES = ("batch_conductor_service", *INTAKE_SERVICES, "spellchecker_service")
E = ProcessingEvent
TEACHER = "bench-teacher"
AIM_OVERHEAD = Target("<=", 20, "ms/essay/phase")
AIM_CLASS = Target("<", 5, "s")


@dataclass(frozen=True)
class Run:
    essays: int
    seconds: float
    correction_seconds: float

    @property
    def overhead_ms_per_essay(self) -> float:
        return 1000 * (self.seconds - self.correction_seconds) / self.essays


async def ready_batch(platform: Platform, client: StackClient, texts: list[str]) -> str:
    files = [(f"essay_{i:03d}.txt", text.encode()) for i, text in enumerate(texts)]
    batch_id = str((await client.register_batch(TEACHER, len(files)))["batch_id"])
    ready = E.BATCH_ESSAYS_READY
    async with BatchEventWatcher(platform.infra.kafka_bootstrap, [batch_id], [ready]) as events:
        response = await client.upload(batch_id, TEACHER, files)
        if response.status_code != 202:
            raise RuntimeError(f"upload failed: {response.status_code} {response.text[:300]}")
        await events.wait_for(ready, batch_id=batch_id, timeout_s=300)
    await client.wait_for_bos_status(batch_id, ["ready_for_pipeline_execution"])
    return batch_id


async def time_pipeline(platform: Platform, client: StackClient, texts: list[str]) -> float:
    batch_id = await ready_batch(platform, client, texts)
    done_event = E.BATCH_PIPELINE_COMPLETED
    bootstrap = platform.infra.kafka_bootstrap
    async with BatchEventWatcher(bootstrap, [batch_id], [done_event]) as events:
        started = time.perf_counter()
        await publish_pipeline_request(bootstrap, batch_id, TEACHER, "spellcheck")
        done = await events.wait_for(done_event, batch_id=batch_id, timeout_s=600)
        seconds = time.perf_counter() - started
    if done[0]["data"]["successful_essay_count"] != len(texts):
        raise RuntimeError(f"pipeline did not succeed for every essay: {done[0]['data']}")
    return seconds


async def measure(args: argparse.Namespace) -> tuple[Run, Run]:
    engines = SpellingEngines(["en"], default_data_dir())
    big = [synthetic_essay(i, args.words) for i in range(args.essays)]
    small = [synthetic_essay(10_000 + i, args.words) for i in range(args.class_size)]
    platform = Platform("bench")
    try:
        await platform.start_infrastructure()
        await platform.start_services(SERVICES)
        async with StackClient(platform, timeout_s=120) as client:
            await time_pipeline(platform, client, small[:3])  # warm every process up
            class_run = Run(
                len(small),
                await time_pipeline(platform, client, small),
                time_corrections(engines, "en", small).seconds,
            )
            big_run = Run(
                len(big),
                await time_pipeline(platform, client, big),
                time_corrections(engines, "en", big).seconds,
            )
        return class_run, big_run
    finally:
        await platform.stop_all()


def report(name: str, run: Run) -> None:
    print(f"\n{name}: {run.essays} essays through `spellcheck`")
    print(f"  request → BatchPipelineCompletedV1   {run.seconds:.2f} s")
    print(f"  throughput                          {run.essays / run.seconds:.1f} essays/s")
    print(f"  spelling correction alone           {run.correction_seconds:.2f} s")
    print(f"  platform (messaging, state, storage) {run.overhead_ms_per_essay:.1f} ms per essay")


def figures(class_run: Run, big_run: Run) -> list[Figure]:
    """The aims of issue 4; `spellcheck` is one phase, so per essay is per essay per phase."""
    small, big = f"class of {class_run.essays}", f"batch of {big_run.essays}"
    return [
        against(f"{small}: request → completed", class_run.seconds, AIM_CLASS),
        measured(f"{small}: throughput", class_run.essays / class_run.seconds, "essays/s"),
        measured(f"{big}: request → completed", big_run.seconds, "s"),
        measured(f"{big}: throughput", big_run.essays / big_run.seconds, "essays/s"),
        measured(f"{big}: spelling correction alone", big_run.correction_seconds, "s"),
        against(f"{big}: platform overhead", big_run.overhead_ms_per_essay, AIM_OVERHEAD),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Spellcheck pipeline benchmark.")
    parser.add_argument("--essays", type=int, default=200)
    parser.add_argument("--class-size", type=int, default=25)
    parser.add_argument("--words", type=int, default=300)
    add_json_option(parser)
    args = parser.parse_args(argv)
    class_run, big_run = asyncio.run(measure(args))
    report("Class", class_run)
    report("Large batch", big_run)
    results = figures(class_run, big_run)
    print()
    for figure in results:
        if figure.target:
            print(f"aim: {figure.name} {figure.target}: {figure.verdict()}")
    title = f"The spellcheck pipeline end to end, essays of ~{args.words} words"
    write_json(args.json, BenchmarkReport("pipeline", title, results, parameters_of(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
