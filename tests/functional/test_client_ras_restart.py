"""RAS killed mid-batch converges to BOS's final state; its rebuild gives the same view."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import pytest_asyncio

from common_core.event_enums import ProcessingEvent
from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.migrations import run_migrations
from scripts.launcher.platform import Platform
from scripts.launcher.state import PROJECT_ROOT
from scripts.stack_client import StackClient
from services.result_aggregator_service.api.views import status_view
from services.result_aggregator_service.implementations.view_repository import (
    PostgresViewRepository,
)
from tests.functional.gateway_support import (
    FINISHED,
    NotificationSocket,
    assert_error_body,
    differences_from_bos,
    eng5,
    teacher,
    ws_url,
)

pytestmark = [pytest.mark.functional, pytest.mark.integration]

IdFactory = Callable[[str], str]
PIPELINE = "cj_assessment"
RAS = "result_aggregator_service"
ESSAY_COUNT = len(eng5().essays)


def eng5_files() -> list[tuple[str, bytes]]:
    return [(essay.file_name, essay.read_bytes()) for essay in eng5().essays]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stack(platform: Platform) -> Platform:
    """Every registered service running (restarted if a test left one down)."""
    started = time.monotonic()
    await platform.start_services()
    print(f"\n[stack] every service up in {time.monotonic() - started:.1f} s")
    return platform


async def rebuilt_view(platform: Platform, batch_id: str) -> dict[str, Any]:
    """Run the documented rebuild command for `batch_id` into a fresh, migrated database (the
    live view is left alone) and return that batch's status document from it."""
    url = await platform.infra.create_database(f"ras_rebuild_{uuid.uuid4().hex[:12]}")
    env = {**platform.service_env(RAS), "RAS_DATABASE_URL": url}
    spec = platform.specs[RAS]
    assert spec.alembic_dir is not None
    await run_migrations(RAS, spec.alembic_dir, env)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.result_aggregator_service.rebuild",
        "--batch-id", batch_id,
        cwd=PROJECT_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-3000:]
    assert "rebuilt 1 batches from" in text, text[-3000:]
    print(f"[rebuild] {text.strip().splitlines()[-1]}")
    engine = create_async_engine_from_settings(url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            view = await PostgresViewRepository().load(session, batch_id)
    finally:
        await engine.dispose()
    assert view is not None
    document: dict[str, Any] = json.loads(json.dumps(status_view(view)))
    return document


async def test_ras_killed_mid_batch_converges_to_bos_and_the_rebuild_matches(
    stack: Platform, id_factory: IdFactory
) -> None:
    completed_event = ProcessingEvent.BATCH_PIPELINE_COMPLETED
    async with (
        teacher(stack, id_factory("teacher-restart")) as user,
        BatchEventWatcher(stack.infra.kafka_bootstrap, [], [completed_event]) as events,
        NotificationSocket(ws_url(stack, user.token)) as socket,
    ):
        batch_id = await user.register(eng5())
        events.add_batch(batch_id)
        assert (await user.upload(batch_id, eng5_files())).status_code == 202
        await socket.wait_for(batch_id, "batch_ready", timeout_s=120)
        assert (await user.request_pipeline(batch_id, PIPELINE)).status_code == 202
        await socket.wait_for(batch_id, "phase_started", timeout_s=120)
        heard = socket.events(batch_id)
        await stack.kill(RAS)
        print(f"\n[restart] RAS killed -9 after {len(heard)} notifications: {heard}")
        down = await user.http.get(f"/v1/batches/{batch_id}/status")
        assert_error_body(down, 503, "service_unavailable")
        print("[restart] GET status while RAS is down → 503 service_unavailable")
        await stack.start(RAS)
        print("[restart] RAS started again")

        done = (await events.wait_for(completed_event, batch_id=batch_id, timeout_s=240))[0]
        outcome = done["data"]
        async with StackClient(stack) as oracle:
            bos = await oracle.wait_for_bos_status(batch_id, FINISHED, timeout_s=60)
        view = await user.wait_for_status(
            batch_id, lambda v: not differences_from_bos(v, bos, outcome), timeout_s=120
        )
        await socket.wait_for(batch_id, "pipeline_completed", timeout_s=30)
        after = socket.of_batch(batch_id)[len(heard) :]
        print(f"[restart] notifications after the restart: {[m['event'] for m in after]}")
        # Pub/sub is at-most-once: what RAS committed but had not published when it was
        # killed is lost (the client sees a gap in seq); the view has it all.
        seqs = sorted(int(m["data"]["seq"]) for m in socket.of_batch(batch_id))
        missing = sorted(set(range(1, view["seq"] + 1)) - set(seqs))
        print(f"[restart] seqs received {seqs}; gaps {missing} (view seq {view['seq']})")
        assert len(seqs) == len(set(seqs)), "no notification twice"

    print(
        f"[restart] BOS: {bos['status']}, completion {outcome['final_status']} "
        f"{outcome['successful_essay_count']}/{outcome['failed_essay_count']}; "
        f"view: {view['status']} {view['pipeline_result']}"
    )
    assert view["status"] == bos["status"] == outcome["final_status"] == "completed_successfully"
    assert differences_from_bos(view, bos, outcome) == []
    print("[restart] the view after the restart equals BOS's final state")

    rebuilt = await rebuilt_view(stack, batch_id)
    live = await user_status_again(stack, user.user_id, batch_id)
    assert rebuilt == live, _diff(rebuilt, live)
    print(f"[rebuild] the rebuilt view of {batch_id} equals the live one (seq {live['seq']})")


async def user_status_again(platform: Platform, user_id: str, batch_id: str) -> dict[str, Any]:
    async with teacher(platform, user_id) as user:
        return await user.status(batch_id)


def _diff(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    keys = set(left) | set(right)
    return {k: (left.get(k), right.get(k)) for k in sorted(keys) if left.get(k) != right.get(k)}
