"""The client interface end to end: everything through the gateway's public REST API and its
WebSocket, every service a real process (issue 6, "Functional tests — through the gateway
only"). The only other contacts: killing/restarting RAS, its rebuild command, and BOS's status
as the oracle of the final state."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
import websockets
from websockets.exceptions import ConnectionClosed

from common_core.event_enums import ProcessingEvent
from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.migrations import run_migrations
from scripts.launcher.platform import Platform
from scripts.launcher.state import PROJECT_ROOT
from scripts.stack_client import StackClient
from services.api_gateway_service.config import GatewaySettings
from services.api_gateway_service.domain.tokens import mint_token
from services.result_aggregator_service.api.views import status_view
from services.result_aggregator_service.implementations.view_repository import (
    PostgresViewRepository,
)
from tests.functional.gateway_support import (
    FINISHED,
    NotificationSocket,
    Teacher,
    assert_error_body,
    eng5,
    error_fields,
    gateway_url,
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


# -- 1. the full flow, with REST checked against every notification ----------------------------


@dataclass
class ReceiptCheck:
    """What GET status showed when a notification had just arrived."""

    event: str
    seq: int
    view_seq: int
    view_status: str
    problems: list[str]


@dataclass
class FirstFlow:
    owner: Teacher
    other: Teacher
    owner_socket: NotificationSocket
    other_socket: NotificationSocket
    batch_id: str
    final: dict[str, Any]
    checks: list[ReceiptCheck] = field(default_factory=list)


def _essay(view: dict[str, Any], key: str, value: Any) -> dict[str, Any] | None:
    return next((e for e in view.get("essays", []) if e.get(key) == value), None)


def view_problems(event: str, data: dict[str, Any], view: dict[str, Any]) -> list[str]:
    """How `view` (GET status right after the notification arrived) fails to reflect it."""
    problems: list[str] = []
    if view.get("seq", -1) < data["seq"]:
        problems.append(f"view seq {view.get('seq')} < notification seq {data['seq']}")
    phase = view.get("phases", {}).get(data.get("phase", ""), {})
    if event == "file_accepted" and _essay(view, "file_name", data["file_name"]) is None:
        problems.append(f"no essay for accepted file {data['file_name']}")
    elif event == "batch_ready":
        if view.get("ready_essay_count") != data["essay_count"]:
            problems.append(f"ready_essay_count {view.get('ready_essay_count')} != {data}")
        if view.get("status") == "pending_content":
            problems.append("status still pending_content after batch_ready")
    elif event == "pipeline_started":
        if view.get("requested_pipeline") != data["pipeline"]:
            problems.append(f"requested_pipeline {view.get('requested_pipeline')}")
        if not set(data["phases"]) <= set(view.get("phases", {})):
            problems.append(f"phases {list(view.get('phases', {}))} lack {data['phases']}")
    elif event == "phase_started":
        if phase.get("total") != data["essay_count"] or phase.get("status") in (
            None,
            "pending_dependencies",
            "requested",
        ):
            problems.append(f"phase {data['phase']} shows {phase}")
    elif event == "essay_processed":
        essay = _essay(view, "essay_id", data["essay_id"])
        if essay is None:
            problems.append(f"essay {data['essay_id']} missing")
        elif data["phase"] == "spellcheck" and essay.get("spellcheck_status") != data["status"]:
            problems.append(f"spellcheck_status {essay.get('spellcheck_status')} != {data}")
        elif data["phase"] == "cj_assessment" and essay.get("cj_rank") is None:
            problems.append(f"essay {data['essay_id']} has no cj_rank")
    elif event == "phase_completed":
        counts = (phase.get("successful"), phase.get("failed"))
        if counts != (data["successful"], data["failed"]):
            problems.append(f"phase {data['phase']} counts {counts} != {data}")
    elif event == "pipeline_completed":
        result = view.get("pipeline_result") or {}
        if view.get("status") != data["status"]:
            problems.append(f"status {view.get('status')} != {data['status']}")
        if (result.get("successful"), result.get("failed")) != (data["successful"], data["failed"]):
            problems.append(f"pipeline_result {result} != {data}")
    return problems


def rest_checker(
    http_of: Callable[[], httpx.AsyncClient], checks: list[ReceiptCheck]
) -> Callable[[dict[str, Any]], Any]:
    async def check(message: dict[str, Any]) -> None:
        data = message["data"]
        response = await http_of().get(f"/v1/batches/{data['batch_id']}/status")
        if response.status_code != 200:
            problems = [f"GET status answered {response.status_code}: {response.text[:200]}"]
            view: dict[str, Any] = {}
        else:
            view = response.json()
            problems = view_problems(message["event"], data, view)
        checks.append(
            ReceiptCheck(
                message["event"],
                int(data["seq"]),
                int(view.get("seq", -1)),
                str(view.get("status")),
                problems,
            )
        )

    return check


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def first_flow(stack: Platform) -> AsyncIterator[FirstFlow]:
    """One teacher runs the ENG5 sample batch through `cj_assessment` with a socket open, a
    second teacher's socket open all along."""
    suffix = uuid.uuid4().hex[:12]
    checks: list[ReceiptCheck] = []
    async with (
        teacher(stack, f"teacher-a-{suffix}") as owner,
        teacher(stack, f"teacher-b-{suffix}") as other,
    ):
        owner_socket = NotificationSocket(
            ws_url(stack, owner.token), on_message=rest_checker(lambda: owner.http, checks)
        )
        async with owner_socket, NotificationSocket(ws_url(stack, other.token)) as other_socket:
            started = time.monotonic()
            batch_id = await owner.register(eng5())
            uploaded = await owner.upload(batch_id, eng5_files())
            assert uploaded.status_code == 202, uploaded.text
            await owner_socket.wait_for(batch_id, "batch_ready", timeout_s=120)
            requested = await owner.request_pipeline(batch_id, PIPELINE)
            assert requested.status_code == 202, requested.text
            assert requested.json()["status"] == "accepted"
            assert requested.json()["batch_id"] == batch_id
            await owner_socket.wait_for(batch_id, "pipeline_completed", timeout_s=240)
            final = await owner.status(batch_id)
            # Every notification the view counted has arrived (it is published after commit).
            deadline = time.monotonic() + 10
            while len(owner_socket.of_batch(batch_id)) < final["seq"]:
                assert time.monotonic() < deadline, (final["seq"], owner_socket.events(batch_id))
                await asyncio.sleep(0.05)
            print(
                f"\n[flow] batch {batch_id}: {len(owner_socket.of_batch(batch_id))} "
                f"notifications, {final['status']} in {time.monotonic() - started:.1f} s"
            )
            yield FirstFlow(owner, other, owner_socket, other_socket, batch_id, final, checks)


async def test_full_flow_notifications_are_in_sequence_and_rest_agrees_with_each(
    first_flow: FirstFlow,
) -> None:
    flow, batch_id = first_flow, first_flow.batch_id
    received = flow.owner_socket.of_batch(batch_id)
    seqs = [int(m["data"]["seq"]) for m in received]
    events = [m["event"] for m in received]
    print(f"[flow] events: {events}")
    print(f"[flow] seqs: {seqs}")

    assert seqs == list(range(1, len(received) + 1)), "seq must rise by exactly one, from 1"
    assert events[0] == "batch_registered"
    assert events[-1] == "pipeline_completed"
    assert events.count("pipeline_completed") == 1
    assert events.count("file_accepted") == ESSAY_COUNT
    assert events.count("batch_ready") == 1
    assert events.count("essay_processed") == 2 * ESSAY_COUNT  # spellcheck, then each ranking
    phases = [m["data"]["phase"] for m in received if m["event"] == "phase_started"]
    assert phases == ["spellcheck", "cj_assessment"]
    completed = received[-1]["data"]
    assert (completed["status"], completed["successful"], completed["failed"]) == (
        "completed_successfully",
        ESSAY_COUNT,
        0,
    )

    # REST, read inside the receive loop as each notification arrived, already reflected it.
    assert [(c.event, c.seq) for c in flow.checks] == list(zip(events, seqs, strict=True))
    for check in flow.checks:
        print(
            f"[flow]   #{check.seq:<2} {check.event:<18} view seq {check.view_seq:<2} "
            f"status {check.view_status}"
        )
    problems = [(c.seq, c.event, c.problems) for c in flow.checks if c.problems]
    assert not problems, problems

    final = flow.final
    assert final["status"] == "completed_successfully"
    assert final["seq"] == len(received)
    assert final["user_id"] == flow.owner.user_id
    assert final["expected_essay_count"] == final["ready_essay_count"] == ESSAY_COUNT
    assert final["pipeline_result"]["final_status"] == "completed_successfully"
    ranks = [essay["cj_rank"] for essay in final["essays"]]
    assert ranks == [1, 2, 3, 4, 5], final["essays"]
    assert {e["spellcheck_status"] for e in final["essays"]} == {"success"}
    assert {p["status"] for p in final["phases"].values()} == {"completed_successfully"}
    expected_names = {essay.student_name for essay in eng5().essays}
    assert {essay["student_name"] for essay in final["essays"]} == expected_names
    print(f"[flow] final view: {final['status']}, ranks {ranks}, seq {final['seq']}")


# -- 2. ownership ------------------------------------------------------------------------------


async def test_a_second_user_cannot_see_touch_or_hear_the_first_users_batch(
    first_flow: FirstFlow, platform: Platform
) -> None:
    flow, batch_id, other = first_flow, first_flow.batch_id, first_flow.other
    unknown = f"batch-{uuid.uuid4().hex}"
    essay_id = flow.final["essays"][0]["essay_id"]

    status = await other.http.get(f"/v1/batches/{batch_id}/status")
    error = assert_error_body(status, 404, "not_found")
    unknown_error = assert_error_body(
        await other.http.get(f"/v1/batches/{unknown}/status"), 404, "not_found"
    )
    assert error["message"] == unknown_error["message"], "another's batch must look unknown"
    essay = await other.http.get(f"/v1/batches/{batch_id}/essays/{essay_id}")
    assert_error_body(essay, 404, "not_found")
    print(f"[ownership] GET status / essay of another user's batch → 404 ({error['message']})")

    listing = await other.http.get("/v1/batches")
    assert listing.status_code == 200, listing.text
    assert batch_id not in {b["batch_id"] for b in listing.json()["batches"]}
    owners_listing = await flow.owner.http.get("/v1/batches")
    assert batch_id in {b["batch_id"] for b in owners_listing.json()["batches"]}
    print("[ownership] GET /v1/batches: only in the owner's list")

    upload = await other.upload(batch_id, [("intruder.txt", b"Name: Eve\n\nNot my batch.")])
    assert_error_body(upload, 404, "not_found")
    pipeline = await other.request_pipeline(batch_id, "spellcheck")
    assert_error_body(pipeline, 404, "not_found")
    print("[ownership] upload to / pipeline on another user's batch → 404")

    # The second user's socket works (it hears its own batch) but heard nothing of the first's.
    own_batch = await other.register(eng5())
    await flow.other_socket.wait_for(own_batch, "batch_registered", timeout_s=30)
    assert flow.other_socket.of_batch(batch_id) == []
    assert {m["data"]["batch_id"] for m in flow.other_socket.messages} == {own_batch}
    assert flow.owner_socket.of_batch(own_batch) == []
    print(
        f"[ownership] second socket: {len(flow.other_socket.messages)} notification(s), "
        "all its own; none of the first user's"
    )

    # Nothing the intruder tried changed the batch.
    after = await flow.owner.status(batch_id)
    assert after["seq"] == flow.final["seq"]
    assert len(after["essays"]) == ESSAY_COUNT
    assert after["status"] == "completed_successfully"
    async with StackClient(platform) as oracle:
        assert (await oracle.bos_status(batch_id))["status"] == "completed_successfully"


# -- 3. errors: tokens, rate limit, bodies, sizes ---------------------------------------------


async def test_bad_tokens_are_401_with_the_error_body_and_ws_closes_4401(
    stack: Platform, id_factory: IdFactory
) -> None:
    user = id_factory("teacher-tokens")
    secret = stack.secrets["jwt_secret"]
    tokens = {
        "expired": mint_token(user, key=secret, ttl=timedelta(hours=-1)),
        "malformed": "this-is.not-a.jwt",
        "wrongly signed": mint_token(user, key="not-the-stack-secret-" + "x" * 32),
        "wrong audience": mint_token(user, key=secret, audience="someone-else"),
    }
    base = gateway_url(stack)
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        missing = await http.get("/v1/batches")
        assert_error_body(missing, 401, "unauthorized")
        assert missing.headers["www-authenticate"].lower().startswith("bearer")
        print(f"[auth] no token → 401 {missing.json()['error']['message']!r}")
        for name, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"}
            for method, path, body in (
                ("GET", "/v1/batches", None),
                ("POST", "/v1/batches/register", {"expected_essay_count": 1}),
            ):
                response = await http.request(method, path, headers=headers, json=body)
                assert_error_body(response, 401, "unauthorized")
                assert response.headers["www-authenticate"].lower().startswith("bearer")
            if name == "expired":
                assert "expired" in response.json()["error"]["message"].lower()
            print(f"[auth] {name} token → 401 {response.json()['error']['message']!r}")

            async with websockets.connect(ws_url(stack, token)) as socket:
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(socket.recv(), 10)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4401, closed.value
            print(f"[auth] {name} token on /ws → close {closed.value.rcvd.code}")


def read_limit(platform: Platform) -> tuple[int, int]:
    """(reads per window, window seconds) as the running gateway is configured."""
    env = platform.service_env("api_gateway_service")
    defaults = GatewaySettings.model_fields
    reads = env.get("GATEWAY_RATE_LIMIT_READS", defaults["rate_limit_reads"].default)
    window = env.get(
        "GATEWAY_RATE_LIMIT_WINDOW_SECONDS", defaults["rate_limit_window_seconds"].default
    )
    return int(reads), int(window)


async def test_the_read_rate_limit_gives_429_with_retry_after(
    stack: Platform, id_factory: IdFactory
) -> None:
    limit, window = read_limit(stack)
    async with teacher(stack, id_factory("teacher-rate")) as user:
        first = await user.http.get("/v1/batches")
        assert first.status_code == 200, first.text
        assert int(first.headers["x-ratelimit-limit"]) == limit
        assert int(first.headers["x-ratelimit-remaining"]) == limit - 1
        gate = asyncio.Semaphore(16)

        async def get() -> int:
            async with gate:
                return (await user.http.get("/v1/batches")).status_code

        started = time.monotonic()
        codes = await asyncio.gather(*(get() for _ in range(limit - 1)))
        assert set(codes) == {200}, {c: codes.count(c) for c in set(codes)}
        over = await user.http.get("/v1/batches")
        elapsed = time.monotonic() - started
        error = assert_error_body(over, 429, "rate_limited")
        retry_after = int(over.headers["retry-after"])
        assert 0 < retry_after <= window
        assert error["details"]["limit"] == limit
        assert over.headers["x-ratelimit-remaining"] == "0"
        print(
            f"[rate] {limit} reads allowed in {elapsed:.1f} s, the next → 429, "
            f"Retry-After {retry_after} s (window {window} s)"
        )
        # Per route: another read route of the same user is still allowed.
        other_route = await user.http.get(f"/v1/batches/{uuid.uuid4().hex}/status")
        assert other_route.status_code == 404, other_route.text

    async with teacher(stack, id_factory("teacher-rate-other")) as other:
        assert (await other.http.get("/v1/batches")).status_code == 200
    print("[rate] another route and another user are unaffected")


async def test_malformed_bodies_are_400_with_field_details(
    stack: Platform, id_factory: IdFactory
) -> None:
    async with teacher(stack, id_factory("teacher-bodies")) as user:
        bad_json = await user.http.post(
            "/v1/batches/register",
            content=b'{"expected_essay_count": 3, "course_code": ',
            headers={"Content-Type": "application/json"},
        )
        error = assert_error_body(bad_json, 400, "validation_error")
        assert error_fields(error) == {"body"}, error
        assert "json" in error["details"]["errors"][0]["message"].lower(), error
        print(f"[bodies] bad JSON → 400 {error['details']['errors']}")

        missing = await user.http.post("/v1/batches/register", json={})
        error = assert_error_body(missing, 400, "validation_error")
        fields = error_fields(error)
        for name in ("expected_essay_count", "course_code", "essay_instructions"):
            assert any(name in f for f in fields), (name, fields)
        for item in error["details"]["errors"]:
            assert set(item) >= {"field", "location", "message", "type"}, item
        print(f"[bodies] missing fields → 400 naming {sorted(fields)}")

        sample = eng5()
        with_user = await user.http.post(
            "/v1/batches/register",
            json={
                "expected_essay_count": 2,
                "course_code": sample.course_code,
                "essay_instructions": sample.prompt,
                "user_id": "somebody-else",
            },
        )
        error = assert_error_body(with_user, 400, "validation_error")
        assert any("user_id" in f for f in error_fields(error)), error
        assert "somebody-else" not in with_user.text, "the input must not be echoed"
        print(f"[bodies] user_id in body → 400 naming {sorted(error_fields(error))}")

        wrong_type = await user.http.post(
            "/v1/batches/register",
            json={
                "expected_essay_count": "many",
                "course_code": sample.course_code,
                "essay_instructions": sample.prompt,
            },
        )
        error = assert_error_body(wrong_type, 400, "validation_error")
        assert any("expected_essay_count" in f for f in error_fields(error)), error

        batch_id = await user.register(sample)
        unknown_pipeline = await user.request_pipeline(batch_id, "make_it_better")
        error = assert_error_body(unknown_pipeline, 400, "validation_error")
        assert "cj_assessment" in error["details"]["available_pipelines"], error
        no_batch = await user.http.post(
            "/v1/files/batch", files=[("files", ("a.txt", b"Name: A\n\ntext"))]
        )
        error = assert_error_body(no_batch, 400, "validation_error")
        assert error_fields(error) == {"batch_id"}, error
        print("[bodies] wrong type, unknown pipeline, upload without batch_id → 400")


async def test_oversized_uploads_are_413(stack: Platform, id_factory: IdFactory) -> None:
    settings = stack.service_env("api_gateway_service")
    max_file = int(
        settings.get(
            "GATEWAY_MAX_FILE_BYTES", GatewaySettings.model_fields["max_file_bytes"].default
        )
    )
    async with teacher(stack, id_factory("teacher-sizes")) as user:
        batch_id = await user.register(eng5())
        too_big = b"a" * (max_file + 1)
        response = await user.upload(batch_id, [("huge.txt", too_big), ("ok.txt", b"x")])
        error = assert_error_body(response, 413, "payload_too_large")
        print(f"[sizes] one file of {max_file + 1} bytes → 413 {error['message']!r}")
        view = await user.wait_for_status(batch_id, lambda v: True, timeout_s=30)
        assert view["essays"] == [] and view["status"] == "pending_content", view
        print("[sizes] nothing of the refused upload reached the batch")


# -- 4. RAS killed mid-batch; the rebuild ------------------------------------------------------


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


def differences_from_bos(
    view: dict[str, Any], bos: dict[str, Any], outcome: dict[str, Any]
) -> list[str]:
    """Where the gateway's view differs from BOS's final state and its completion event."""
    found: list[str] = []
    result = view.get("pipeline_result") or {}
    expected_result = (
        outcome["final_status"],
        outcome["successful_essay_count"],
        outcome["failed_essay_count"],
    )
    if (result.get("final_status"), result.get("successful"), result.get("failed")) != (
        expected_result
    ):
        found.append(f"pipeline_result {result} != {expected_result}")
    if view.get("status") != bos["status"]:
        found.append(f"status {view.get('status')} != BOS {bos['status']}")
    if view.get("ready_essay_count") != bos["ready_essay_count"]:
        found.append(f"ready_essay_count {view.get('ready_essay_count')}")
    essays = view.get("essays", [])
    if {e["essay_id"] for e in essays} != {e["essay_id"] for e in bos["essays"]}:
        found.append("essay ids differ from BOS's")
    latest_run = bos["pipeline_state"]["latest_run"]
    if view.get("pipeline_run_id") != latest_run["pipeline_run_id"]:
        found.append(f"pipeline_run_id {view.get('pipeline_run_id')}")
    for phase in latest_run["phases"]:
        mine = view.get("phases", {}).get(phase["phase"], {})
        counts = phase["essay_counts"]
        expected = (phase["status"], counts["total"], counts["successful"], counts["failed"])
        actual = (mine.get("status"), mine.get("total"), mine.get("successful"), mine.get("failed"))
        if actual != expected:
            found.append(f"phase {phase['phase']} {actual} != BOS {expected}")
    ranked = sorted(e["cj_rank"] for e in essays if e.get("cj_rank") is not None)
    if ranked != list(range(1, outcome["successful_essay_count"] + 1)):
        found.append(f"cj ranks {ranked}")
    return found


async def user_status_again(platform: Platform, user_id: str, batch_id: str) -> dict[str, Any]:
    async with teacher(platform, user_id) as user:
        return await user.status(batch_id)


def _diff(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    keys = set(left) | set(right)
    return {k: (left.get(k), right.get(k)) for k in sorted(keys) if left.get(k) != right.get(k)}
