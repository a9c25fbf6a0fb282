"""Gateway overhead: `GET /v1/batches/{id}/status` through the gateway process.

    .venv/bin/python -m benchmarks.gateway [--clients 50] [--seconds 10] [--rate 200]

Starts its own embedded stack (profile `bench-gateway`) with the Result Aggregator and the
gateway as processes (rate limits raised out of the way; auth, rate-limit counting, the RAS call
and the ownership check all run), seeds one batch into RAS through Kafka, and measures:

  (a) throughput at `--clients` concurrent clients, against a bare FastAPI endpoint returning a
      constant (same uvicorn, same machine, same run) — aim: gateway / bare >= 0.25;
  (b) p50 / p99 latency at a fixed offered rate of `--rate` requests/s (open loop) — aim:
      p99 <= 20 ms.

When the real RAS cannot be started, a minimal HTTP server answering RAS's status shape stands
in for it (`benchmarks.ras_stub`), and the output says so.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp

from benchmarks.http_load import closed_loop_throughput, open_loop_latency
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
from common_core.event_registry import build_envelope
from common_core.events.batch_coordination import BatchEssaysRegistered
from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.platform import Platform
from scripts.launcher.processes import free_port
from services.api_gateway_service.domain.tokens import mint_token

GATEWAY = "api_gateway_service"
RAS = "result_aggregator_service"
USER = "bench-teacher"
AIM_RATIO = Target(">=", 0.25)
AIM_P99 = Target("<=", 20, "ms")


async def start_process(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )


async def wait_http(url: str, headers: dict[str, str] | None = None, timeout_s: float = 60) -> None:
    async with aiohttp.ClientSession(headers=headers or {}) as http:
        async with asyncio.timeout(timeout_s):
            while True:
                try:
                    async with http.get(url) as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)


async def seed_batch(platform: Platform, batch_id: str) -> None:
    registered = BatchEssaysRegistered(
        batch_id=batch_id,
        user_id=USER,
        expected_essay_count=2,
        essay_ids=[f"{batch_id}-e1", f"{batch_id}-e2"],
        readiness_deadline=datetime.now(UTC) + timedelta(hours=1),
    )
    envelope = build_envelope(
        ProcessingEvent.BATCH_ESSAYS_REGISTERED,
        registered,
        source_service="batch_orchestrator_service",
        correlation_id=uuid.uuid4(),
    )
    bus = KafkaBus(platform.infra.kafka_bootstrap, client_id="bench", enable_idempotence=False)
    async with bus:
        await bus.publish(envelope, key=batch_id)


@dataclass
class Backend:
    mode: str
    stub: asyncio.subprocess.Process | None = None
    stub_port: int | None = None


def backend_status_url(platform: Platform, batch_id: str, stub_port: int | None) -> str:
    base = f"http://127.0.0.1:{stub_port}" if stub_port else platform.service_url(RAS)
    return f"{base}/internal/v1/batches/{batch_id}/status"


async def _start_real_ras(platform: Platform, stub_only: bool) -> Backend | None:
    if stub_only:
        return None
    try:
        await platform.start_services([RAS])
    except Exception as exc:
        print(f"RAS did not start ({exc!r}); using benchmarks.ras_stub instead")
        return None
    return Backend("real Result Aggregator process")


async def start_backends(platform: Platform, *, stub_only: bool = False) -> Backend:
    """Start RAS (or the stub standing in for it) and the gateway."""
    gateway_settings = {"RATE_LIMIT_READS": "1000000000"}
    backend = await _start_real_ras(platform, stub_only)
    if backend is None:
        port = free_port()
        stub = await start_process("-m", "benchmarks.ras_stub", str(port), USER)
        gateway_settings["RAS_URL"] = f"http://127.0.0.1:{port}"
        backend = Backend("stub RAS (benchmarks.ras_stub)", stub, port)
    platform.configure_service(GATEWAY, gateway_settings)
    await platform.start_services([GATEWAY])
    return backend


async def measure(args: argparse.Namespace, platform: Platform) -> dict[str, float | str]:
    backend = await start_backends(platform, stub_only=args.stub_ras)
    stub, stub_port = backend.stub, backend.stub_port
    bare_port = free_port()
    bare = await start_process(
        "-m",
        "uvicorn",
        "benchmarks.bare_app:app",
        "--port",
        str(bare_port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--lifespan",
        "off",
    )
    try:
        batch_id = f"bench-{uuid.uuid4().hex[:8]}"
        token = mint_token(USER, key=platform.secrets["jwt_secret"])
        headers = {"Authorization": f"Bearer {token}"}
        status_url = f"{platform.service_url(GATEWAY)}/v1/batches/{batch_id}/status"
        bare_url = f"http://127.0.0.1:{bare_port}/constant"
        await seed_batch(platform, batch_id)
        await wait_http(status_url, headers)
        await wait_http(bare_url)

        gateway_rps, gateway_errors = await closed_loop_throughput(
            status_url, clients=args.clients, duration_s=args.seconds, headers=headers
        )
        bare_rps, _ = await closed_loop_throughput(
            bare_url, clients=args.clients, duration_s=args.seconds
        )
        backend_rps, _ = await closed_loop_throughput(
            backend_status_url(platform, batch_id, stub_port),
            clients=args.clients,
            duration_s=args.seconds,
            headers=internal_auth_headers(GATEWAY, platform.secrets["internal_api_key"]),
        )
        latency = await open_loop_latency(
            status_url, rate_per_s=args.rate, duration_s=args.seconds, headers=headers
        )
    finally:
        for process in (bare, stub):
            if process is not None and process.returncode is None:
                process.terminate()
                await process.wait()
    return {
        "ras": backend.mode,
        "gateway_rps": gateway_rps,
        "gateway_errors": gateway_errors,
        "bare_rps": bare_rps,
        "ratio": gateway_rps / bare_rps,
        "backend_rps": backend_rps,
        "p50_ms": latency.p50_ms,
        "p99_ms": latency.p99_ms,
        "max_ms": latency.max_ms,
        "open_loop_errors": latency.errors,
        "open_loop_requests": latency.count + latency.errors,
    }


async def run(args: argparse.Namespace) -> dict[str, float | str]:
    platform = Platform("bench-gateway")
    try:
        await platform.start_infrastructure()
        return await measure(args, platform)
    finally:
        await platform.stop_all()


def figures(f: dict[str, float | str]) -> list[Figure]:
    errors = f"{f['open_loop_errors']} of {f['open_loop_requests']}"
    return [
        measured("(a) gateway throughput", f["gateway_rps"], "req/s"),
        measured("(a) gateway non-200 answers", f["gateway_errors"]),
        measured("(a) bare FastAPI throughput", f["bare_rps"], "req/s"),
        against("(a) gateway / bare FastAPI", float(f["ratio"]), AIM_RATIO),
        measured("(a) backend called directly", f["backend_rps"], "req/s"),
        measured("(b) open loop p50", f["p50_ms"], "ms"),
        against("(b) open loop p99", float(f["p99_ms"]), AIM_P99),
        measured("(b) open loop max", f["max_ms"], "ms"),
        measured("(b) open loop errors", errors, "requests"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="API gateway overhead benchmark.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument(
        "--stub-ras", action="store_true", help="use benchmarks.ras_stub instead of the real RAS"
    )
    add_json_option(parser)
    args = parser.parse_args(argv)
    f = asyncio.run(run(args))
    print(f"backend: {f['ras']}")
    print(
        f"(a) {args.clients} clients: gateway {f['gateway_rps']:.0f} req/s "
        f"(non-200: {f['gateway_errors']}), bare FastAPI {f['bare_rps']:.0f} req/s, "
        f"ratio {f['ratio']:.2f} (aim {AIM_RATIO})"
    )
    print(f"    for reference, the backend called directly: {f['backend_rps']:.0f} req/s")
    print(
        f"(b) open loop {args.rate:.0f} req/s for {args.seconds:.0f} s "
        f"({f['open_loop_requests']} requests, errors {f['open_loop_errors']}): "
        f"p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms, max {f['max_ms']:.1f} ms "
        f"(aim p99 {AIM_P99})"
    )
    results = figures(f)
    title = f"Gateway: GET /v1/batches/{{id}}/status, backend: {f['ras']}"
    notes = [f"(a) {args.clients} concurrent clients; (b) {args.rate:.0f} req/s offered"]
    write_json(args.json, BenchmarkReport("gateway", title, results, parameters_of(args), notes))
    return 0 if all(figure.met is not False for figure in results) else 1


if __name__ == "__main__":
    sys.exit(main())
