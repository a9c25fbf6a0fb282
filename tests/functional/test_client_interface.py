"""The client interface end to end: everything through the gateway's public REST API and its
WebSocket, every service a real process (issue 6, "Functional tests — through the gateway
only"). The only other contacts: killing/restarting RAS, its rebuild command, and BOS's status
as the oracle of the final state."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import pytest_asyncio

from scripts.launcher.platform import Platform
from scripts.stack_client import StackClient
from tests.functional.gateway_support import (
    NotificationSocket,
    Teacher,
    assert_error_body,
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
