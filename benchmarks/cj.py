"""The CJ phase of a 30-essay batch: judging vs fitting vs platform.

    python benchmarks/cj.py [--essays 30] [--rounds 3] [--comparisons-per-essay 8]

Starts its own embedded stack (profile `bench-cj`: Postgres, Redis, Kafka) and the real
Content Service as a process, stores the essays there, and runs the CJ worker in this process
with the default (heuristic) judge. Each round publishes one ELSCJAssessmentRequestV1 for a new
batch and times it until CJAssessmentCompletedV1 is read back from the real topic. The worker's
own stage timers (Prometheus histogram `cj_assessment_stage_seconds`) split that time:

- judging: the judge's calls; fitting: Bradley-Terry and ranking;
- platform: everything else (Kafka both ways, the outbox relay, Postgres transactions, fetching
  the texts from the Content Service).

Aim: the platform adds <= 1 s to the CJ phase of a 30-essay batch.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition
from prometheus_client import CollectorRegistry

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
from common_core.event_enums import ProcessingEvent, topic_name
from common_core.event_registry import build_envelope, parse_envelope
from common_core.events import CJEssayInput, ELSCJAssessmentRequestV1
from common_core.events.envelope import EventEnvelope
from common_core.status_enums import Language
from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.platform import Platform
from scripts.launcher.postgres import DEFAULT_POSTGRES_SETTINGS, FAST_TEST_POSTGRES_SETTINGS
from services.cj_assessment_service.app import create_app
from services.cj_assessment_service.config import CJSettings

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "essays" / "eng5"
INSTRUCTIONS = "Should schools ban mobile phones? Write an argumentative essay of about 400 words."
STAGES = ("open", "fetch", "judge", "store", "fit", "finish")
PLATFORM_STAGES = {
    "fetch": "fetch texts (Content)",
    "open": "open (plan + store)",
    "store": "store judgements",
    "finish": "result + outbox",
}
RESULT_TOPICS = [topic_name(ProcessingEvent.CJ_ASSESSMENT_COMPLETED)]
RESULT_TOPICS.append(topic_name(ProcessingEvent.CJ_ASSESSMENT_FAILED))
PROFILE = "bench-cj"
AIM_PLATFORM = Target("<=", 1000, "ms")


@dataclass(frozen=True)
class Round:
    total_s: float
    comparisons: int
    stages: dict[str, float]

    @property
    def platform_s(self) -> float:
        return self.total_s - self.stages["judge"] - self.stages["fit"]

    @property
    def messaging_s(self) -> float:
        """Kafka both ways, the relay and whatever no stage timer covers."""
        return self.platform_s - sum(self.stages[stage] for stage in PLATFORM_STAGES)


class ResultReader:
    """Reads the CJ result topics from their end and hands out one batch's result."""

    def __init__(self, bootstrap: str) -> None:
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self._results: dict[str, EventEnvelope[Any]] = {}

    async def __aenter__(self) -> ResultReader:
        await self._consumer.start()
        partitions = [
            TopicPartition(topic, p)
            for topic in RESULT_TOPICS
            for p in self._consumer.partitions_for_topic(topic) or set()
        ]
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for tp in partitions:
            await self._consumer.position(tp)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._consumer.stop()

    async def result_of(self, batch_id: str, timeout_s: float) -> EventEnvelope[Any]:
        async with asyncio.timeout(timeout_s):
            while batch_id not in self._results:
                batch = await self._consumer.getmany(timeout_ms=50)
                for tp, records in batch.items():
                    for record in records:
                        envelope = parse_envelope(tp.topic, record.value or b"")
                        self._results[envelope.data.batch_id] = envelope
        return self._results[batch_id]


def essay_texts(count: int) -> list[str]:
    """`count` distinct essays of varied quality: each sample, cut to a share of its sentences."""
    samples = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    texts = []
    for i in range(count):
        sentences = re.split(r"(?<=[.!?])\s+", samples[i % len(samples)])
        keep = max(3, round(len(sentences) * (1.0 - 0.08 * (i // len(samples)))))
        texts.append(" ".join(sentences[:keep]) + f"\n\n(Draft {i})")
    return texts


def stage_sums(registry: CollectorRegistry) -> dict[str, float]:
    return {
        stage: registry.get_sample_value("cj_assessment_stage_seconds_sum", {"stage": stage}) or 0.0
        for stage in STAGES
    }


@asynccontextmanager
async def bench_stack(fast_postgres: bool) -> AsyncIterator[Platform]:
    settings = FAST_TEST_POSTGRES_SETTINGS if fast_postgres else DEFAULT_POSTGRES_SETTINGS
    platform = Platform(PROFILE, fixed_service_ports=False, postgres_settings=settings)
    await platform.start_infrastructure(migrate=False)
    try:
        await platform.start_services(["content_service"])
        await platform.run_migrations(["cj_assessment_service"])
        yield platform
    finally:
        await platform.stop_all()


def worker_settings(platform: Platform, comparisons_per_essay: int) -> CJSettings:
    return CJSettings(
        database_url=platform.infra.database_url("cj"),
        kafka_bootstrap_servers=platform.infra.kafka_bootstrap,
        kafka_session_timeout_ms=3000,
        kafka_heartbeat_interval_ms=500,
        consumer_group_id=f"cj-bench-{uuid.uuid4().hex[:8]}",
        content_url=platform.service_url("content_service"),
        internal_api_key=platform.secrets["internal_api_key"],
        comparisons_per_essay=comparisons_per_essay,
        log_level="WARNING",
    )


async def one_round(
    bus: KafkaBus, reader: ResultReader, storage_ids: list[str], registry: CollectorRegistry
) -> Round:
    batch_id = f"bench-{uuid.uuid4().hex[:10]}"
    data = ELSCJAssessmentRequestV1(
        batch_id=batch_id,
        pipeline_run_id="run-1",
        language=Language.ENGLISH,
        essay_instructions=INSTRUCTIONS,
        essays=[
            CJEssayInput(essay_id=f"essay-{i:02d}", text_storage_id=sid, spelling_error_rate=0.01)
            for i, sid in enumerate(storage_ids)
        ],
    )
    envelope = build_envelope(
        ProcessingEvent.ELS_CJ_ASSESSMENT_REQUESTED,
        data,
        source_service="essay_lifecycle_service",
        correlation_id=uuid.uuid4(),
    )
    before = stage_sums(registry)
    started = time.perf_counter()
    await bus.publish(envelope, key=batch_id)
    result = await reader.result_of(batch_id, timeout_s=120)
    total = time.perf_counter() - started
    after = stage_sums(registry)
    if result.event_type != "huleedu.cj_assessment.completed.v1":
        raise RuntimeError(f"the assessment failed: {result.data}")
    stages = {stage: after[stage] - before[stage] for stage in STAGES}
    return Round(total, result.data.comparison_count, stages)


async def run(args: argparse.Namespace) -> list[Round]:
    async with bench_stack(args.fast_postgres) as platform:
        bootstrap = platform.infra.kafka_bootstrap
        async with ContentServiceClient.create(
            platform.service_url("content_service"),
            service_id="essay_lifecycle_service",
            api_key=platform.secrets["internal_api_key"],
        ) as content:
            storage_ids = [await content.store_text(t) for t in essay_texts(args.essays)]
        settings = worker_settings(platform, args.comparisons_per_essay)
        registry = CollectorRegistry()
        app = create_app(settings, metrics_registry=registry)
        async with (
            app.test_app(),
            KafkaBus(bootstrap, client_id="cj-bench", enable_idempotence=False) as bus,
            ResultReader(bootstrap) as reader,
        ):
            await one_round(bus, reader, storage_ids[:2], registry)  # warm-up: group join
            return [await one_round(bus, reader, storage_ids, registry) for _ in range(args.rounds)]


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def stage_ms(rounds: list[Round], stage: str) -> float:
    return median_ms([r.stages[stage] for r in rounds])


def figures(rounds: list[Round]) -> list[Figure]:
    """Medians over the rounds; the platform's stages are broken down after its total."""
    stages = [
        measured(f"platform: {label}", stage_ms(rounds, stage), "ms")
        for stage, label in PLATFORM_STAGES.items()
    ]
    rest = median_ms([r.messaging_s for r in rounds])
    return [
        measured("comparisons made", rounds[0].comparisons),
        measured("request -> result", median_ms([r.total_s for r in rounds]), "ms"),
        measured("judging", stage_ms(rounds, "judge"), "ms"),
        measured("fitting (Bradley-Terry, rank)", stage_ms(rounds, "fit"), "ms"),
        against("platform", median_ms([r.platform_s for r in rounds]), AIM_PLATFORM),
        *stages,
        measured("platform: Kafka both ways, relay, rest", rest, "ms"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--essays", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--comparisons-per-essay", type=int, default=8)
    parser.add_argument(
        "--fast-postgres",
        action="store_true",
        help="start Postgres without fsync/synchronous_commit (as the test stack does)",
    )
    add_json_option(parser)
    args = parser.parse_args(argv)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    rounds = asyncio.run(run(args))
    title = f"CJ phase of a {args.essays}-essay batch, heuristic judge"
    notes = [f"medians of {len(rounds)} rounds after a warm-up round"]
    report = BenchmarkReport("cj", title, figures(rounds), parameters_of(args), notes)
    print_report(report)
    write_json(args.json, report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
