"""The full demo through the public API: what a teacher's React app does.

Mints a demo teacher token, opens the WebSocket, registers the sample batches (ENG5 and SV1)
through the gateway, uploads their essays, requests `cj_assessment` for both, prints every
notification as it arrives, then prints each batch's results table from
`GET /v1/batches/{id}/status`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import httpx
import websockets

from scripts.launcher.platform import Platform
from scripts.sample_essays import SampleBatch, load_sample_batches
from scripts.token_command import mint_stack_token

DEMO_TEACHER = "demo-teacher"
GATEWAY = "api_gateway_service"
FINISHED = {"completed_successfully", "completed_with_failures", "failed"}
PIPELINE = "cj_assessment"


async def print_notifications(ws_url: str) -> None:
    async with websockets.connect(ws_url) as socket:
        async for raw in socket:
            message = json.loads(raw)
            data = dict(message.get("data", {}))
            batch = str(data.pop("batch_id", ""))[:8]
            seq = data.pop("seq", "")
            data.pop("timestamp", None)
            details = ", ".join(f"{key}={value}" for key, value in data.items())
            print(f"  ws  batch {batch} #{seq:<3} {message.get('event')}: {details}")


async def start_batch(http: httpx.AsyncClient, sample: SampleBatch) -> str:
    registered = await http.post(
        "/v1/batches/register",
        json={
            "expected_essay_count": len(sample.essays),
            "course_code": sample.course_code,
            "essay_instructions": sample.prompt,
        },
    )
    registered.raise_for_status()
    batch_id = str(registered.json()["batch_id"])
    print(f"{sample.course_code}: registered batch {batch_id}")
    files = [("files", (e.file_name, e.read_bytes())) for e in sample.essays]
    uploaded = await http.post("/v1/files/batch", data={"batch_id": batch_id}, files=files)
    uploaded.raise_for_status()
    requested = await http.post(
        f"/v1/batches/{batch_id}/pipelines", json={"requested_pipeline": PIPELINE}
    )
    requested.raise_for_status()
    print(f"{sample.course_code}: uploaded {len(files)} essays, requested {PIPELINE}")
    return batch_id


async def wait_until_finished(
    http: httpx.AsyncClient, batch_id: str, timeout_s: float = 300
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        response = await http.get(f"/v1/batches/{batch_id}/status")
        if response.status_code == 200 and response.json().get("status") in FINISHED:
            return dict(response.json())
        await asyncio.sleep(0.5)
    raise TimeoutError(f"batch {batch_id} did not finish within {timeout_s:.0f} s")


def results_table(course_code: str, status: dict[str, Any]) -> str:
    lines = [
        f"\n{course_code} batch {status['batch_id']}: {status['status']}",
        f"  {'essay':<26} {'student':<20} {'corrections':>11} {'rank':>5} {'score':>7}",
    ]
    essays = sorted(status.get("essays", []), key=lambda e: e.get("cj_rank") or 10**6)
    for essay in essays:
        score = essay.get("cj_score")
        lines.append(
            f"  {essay.get('file_name') or essay['essay_id']:<26} "
            f"{essay.get('student_name') or '-':<20} "
            f"{essay.get('correction_count', '-')!s:>11} "
            f"{essay.get('cj_rank') or '-'!s:>5} "
            f"{'-' if score is None else f'{score:+.2f}':>7}"
        )
    return "\n".join(lines)


async def run_gateway_demo(platform: Platform) -> None:
    token = mint_stack_token(DEMO_TEACHER, profile=platform.profile)
    base = platform.service_url(GATEWAY)
    ws_url = base.replace("http://", "ws://") + f"/ws?token={token}"
    print(f"\nDemo teacher token (valid 1 h): {token}\n")
    listener = asyncio.create_task(print_notifications(ws_url))
    await asyncio.sleep(0.5)  # the socket is subscribed before anything happens
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as http:
            samples = load_sample_batches()
            batch_ids = {code: await start_batch(http, s) for code, s in samples.items()}
            finals = {code: await wait_until_finished(http, b) for code, b in batch_ids.items()}
            await asyncio.sleep(0.5)  # let the last notifications print
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await listener
    for code, status in finals.items():
        print(results_table(code, status))
