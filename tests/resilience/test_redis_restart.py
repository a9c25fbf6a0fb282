"""Redis restarted (killed, started empty on its port) while spellcheck work is in flight: every
service recovers without a restart of its own, the batch completes, live notifications flow
again, and BCS still prunes the completed phases afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid

import httpx
import pytest
import redis.asyncio as redis

from common_core.event_enums import topic_name
from common_core.notifications import user_channel
from scripts.launcher.platform import Platform
from tests.functional.gateway_support import NotificationSocket, teacher, ws_url
from tests.functional.pipeline_support import E, watcher
from tests.resilience.fault_support import (
    IdFactory,
    Outcomes,
    assert_every_essay_ranked,
    consumer_outcomes,
    finished_view,
    register,
    request_pipeline,
    service_pids,
    upload_and_wait_ready,
    wait_for_outcomes,
)
from tests.resilience.kill_support import essay_files

pytestmark = [
    pytest.mark.functional,
    pytest.mark.integration,
    pytest.mark.usefixtures("running"),
]

SPELL = "spellchecker_service"
REQUESTS = topic_name(E.ESSAY_SPELLCHECK_REQUESTED)
ESSAYS = 16


async def assert_all_ready(platform: Platform, names: list[str]) -> None:
    """Every service's `/readyz` answers 200 (its Redis, Postgres and Kafka checks pass)."""
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(timeout=10) as http:
        for name in names:
            url = f"{platform.service_url(name)}/readyz"
            while (response := await http.get(url)).status_code != 200:
                assert time.monotonic() < deadline, f"{name} not ready: {response.text}"
                await asyncio.sleep(0.2)


async def restart_redis_mid_spellcheck(platform: Platform, since: Outcomes) -> None:
    """Kill Redis, keep it down until the outage hits the spell checker's work in flight (a
    claim fails and the request is retried), then start it again, empty, on its port."""
    await platform.kill("redis")
    print(f"\n[redis] killed Redis after the first spellcheck result of {ESSAYS} essays")
    try:
        delta = await wait_for_outcomes(
            platform, SPELL, REQUESTS, "retried", since=since, at_least=1
        )
        handled = delta.of(REQUESTS, "handled")
        print(f"[redis] the spell checker retries with Redis down ({handled:.0f} essays done)")
        assert handled < ESSAYS, "the restart did not land mid-phase"
    finally:
        await platform.start("redis")
    print("[redis] Redis started again, empty, on the same port")


async def socket_reaches_seq(socket: NotificationSocket, batch_id: str, seq: int) -> None:
    """Wait for the batch's notification number `seq` (the view's latest) on the socket."""
    deadline = time.monotonic() + 60
    while not any(m["data"]["seq"] == seq for m in socket.of_batch(batch_id)):
        assert time.monotonic() < deadline, f"no notification {seq}: {socket.events(batch_id)}"
        await asyncio.sleep(0.1)


async def wait_until_socket_live(
    platform: Platform, socket: NotificationSocket, user_id: str
) -> int:
    """Publish a marker on the user's channel until the socket receives one: the gateway has
    subscribed again (what is published before that is lost: pub/sub is at-most-once). The
    number of markers it took."""
    marker = f"redis-restart-marker-{uuid.uuid4().hex}"
    message = json.dumps({"event": "marker", "data": {"batch_id": marker, "seq": 0}})
    deadline = time.monotonic() + 60
    client = redis.Redis.from_url(platform.infra.redis_url)
    try:
        sent = 0
        while not socket.of_batch(marker):
            assert time.monotonic() < deadline, "the gateway never subscribed again"
            await client.publish(user_channel(user_id), message)
            sent += 1
            with contextlib.suppress(AssertionError):
                await socket.wait_for(marker, "marker", timeout_s=0.5)
        return sent
    finally:
        await client.aclose()


async def test_services_ride_out_a_redis_restart_mid_batch_and_bcs_still_prunes(
    platform: Platform, id_factory: IdFactory
) -> None:
    services = sorted(platform.services)
    pids = service_pids(platform, services)
    async with (
        teacher(platform, id_factory("teacher-redis")) as user,
        watcher(platform) as events,
        NotificationSocket(ws_url(platform, user.token)) as socket,
    ):
        batch_id = await register(user, ESSAYS)
        await upload_and_wait_ready(platform, user, events, batch_id, essay_files(ESSAYS))
        before = await consumer_outcomes(platform, SPELL)
        await request_pipeline(user, batch_id)
        await events.wait_for(E.SPELLCHECK_RESULT, batch_id=batch_id, timeout_s=120)
        await restart_redis_mid_spellcheck(platform, before)
        _done, view = await finished_view(user, events, batch_id, timeout_s=240)
        assert_every_essay_ranked(view, ESSAYS)
        print("[redis] checked: the batch completed, every essay spellchecked and ranked")

        # Wipe Redis once more: nothing BCS cached about this batch survives.
        await platform.kill("redis")
        await platform.start("redis")
        markers = await wait_until_socket_live(platform, socket, user.user_id)
        print(f"[redis] Redis wiped again; the socket is live after {markers} marker(s)")
        await request_pipeline(user, batch_id)
        again, second = await finished_view(user, events, batch_id, count=2)
        started = events.of(E.BATCH_PIPELINE_STARTED, batch_id)[-1]["data"]
        await socket_reaches_seq(socket, batch_id, second["seq"])
    print("[redis] checked: live notifications reached the socket after the restarts")

    # Both phases of the first run completed: BCS prunes spellcheck and cj_assessment alike
    # (from Postgres: its Redis cache is empty) and the run completes at once.
    assert started["pruned_phases"] == ["spellcheck", "cj_assessment"], started
    assert started["phases"] == [] and again["phase_results"] == [], (started, again)
    assert again["final_status"] == second["status"] == "completed_successfully"
    assert second["essays"] == view["essays"], "the pruned run changed the results"
    print("[redis] checked: a second cj_assessment request skipped spellcheck (and the done CJ)")
    assert service_pids(platform, services) == pids, "a service was restarted"
    await assert_all_ready(platform, services)
    print(f"[redis] checked: no service restarted ({len(services)} pids unchanged), all ready")
