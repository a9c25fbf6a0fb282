"""Driving the stack as a client does: the gateway's public REST API and its WebSocket only."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets

from scripts.launcher.platform import Platform
from scripts.sample_essays import SampleBatch, load_sample_batches
from scripts.token_command import mint_stack_token

GATEWAY = "api_gateway_service"
FINISHED = frozenset({"completed_successfully", "completed_with_failures", "failed"})
ERROR_KEYS = {"code", "message", "details", "correlation_id"}

Notification = dict[str, Any]
OnNotification = Callable[[Notification], Awaitable[None]]


def gateway_url(platform: Platform) -> str:
    return platform.service_url(GATEWAY)


def ws_url(platform: Platform, token: str) -> str:
    return gateway_url(platform).replace("http://", "ws://", 1) + f"/ws?token={token}"


def eng5() -> SampleBatch:
    return load_sample_batches()["ENG5"]


@dataclass
class Teacher:
    """One user of the public API: a token and an HTTP client sending it."""

    user_id: str
    token: str
    http: httpx.AsyncClient

    async def register(self, sample: SampleBatch) -> str:
        return await self.register_essays(len(sample.essays), sample.course_code, sample.prompt)

    async def register_essays(self, count: int, course_code: str, instructions: str) -> str:
        response = await self.http.post(
            "/v1/batches/register",
            json={
                "expected_essay_count": count,
                "course_code": course_code,
                "essay_instructions": instructions,
            },
        )
        assert response.status_code == 202, response.text
        return str(response.json()["batch_id"])

    async def upload(self, batch_id: str, files: list[tuple[str, bytes]]) -> httpx.Response:
        return await self.http.post(
            "/v1/files/batch",
            data={"batch_id": batch_id},
            files=[("files", (name, content)) for name, content in files],
        )

    async def request_pipeline(self, batch_id: str, pipeline: str) -> httpx.Response:
        return await self.http.post(
            f"/v1/batches/{batch_id}/pipelines", json={"requested_pipeline": pipeline}
        )

    async def status(self, batch_id: str) -> dict[str, Any]:
        response = await self.http.get(f"/v1/batches/{batch_id}/status")
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def wait_for_status(
        self,
        batch_id: str,
        done: Callable[[dict[str, Any]], bool],
        *,
        timeout_s: float = 180.0,
    ) -> dict[str, Any]:
        """Poll GET status until `done(view)`; non-200 answers (RAS restarting) are retried."""
        deadline = time.monotonic() + timeout_s
        last: Any = None
        while time.monotonic() < deadline:
            response = await self.http.get(f"/v1/batches/{batch_id}/status")
            last = response.json() if response.content else response.status_code
            if response.status_code == 200 and done(response.json()):
                return dict(response.json())
            await asyncio.sleep(0.25)
        raise AssertionError(f"batch {batch_id}: the view never converged; last answer {last}")


@contextlib.asynccontextmanager
async def teacher(platform: Platform, user_id: str) -> AsyncIterator[Teacher]:
    token = mint_stack_token(user_id, profile=platform.profile)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(
        base_url=gateway_url(platform), headers=headers, timeout=60
    ) as http:
        yield Teacher(user_id, token, http)


@dataclass
class NotificationSocket:
    """An open `/ws` socket recording every notification; `on_message` runs (awaited) for each
    one before it is recorded, so a check it makes happens while the notification is fresh."""

    url: str
    on_message: OnNotification | None = None
    messages: list[Notification] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None
    _socket: Any = None

    async def __aenter__(self) -> NotificationSocket:
        self._socket = await websockets.connect(self.url, max_size=None)
        self._task = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._socket is not None:
            await self._socket.close()

    async def _read(self) -> None:
        async for raw in self._socket:
            message = json.loads(raw)
            if self.on_message is not None:
                await self.on_message(message)
            self.messages.append(message)
            self._changed.set()

    def of_batch(self, batch_id: str) -> list[Notification]:
        return [m for m in self.messages if m.get("data", {}).get("batch_id") == batch_id]

    def events(self, batch_id: str) -> list[str]:
        return [str(m["event"]) for m in self.of_batch(batch_id)]

    async def wait_for(
        self, batch_id: str, event: str, *, count: int = 1, timeout_s: float = 180.0
    ) -> Notification:
        """The `count`-th notification `event` of the batch, waiting for it."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = [m for m in self.of_batch(batch_id) if m["event"] == event]
            if len(found) >= count:
                return found[count - 1]
            if self._task is not None and self._task.done():
                self._task.result()  # the reader failed: raise its error
                raise AssertionError("the notification socket closed")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"no {event!r} #{count} for {batch_id} within {timeout_s:.0f} s; "
                    f"got {self.events(batch_id)}"
                )
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 1.0))


def assert_error_body(
    response: httpx.Response, status: int, code: str, *, message_contains: str = ""
) -> dict[str, Any]:
    """The standard error body `{"error": {code, message, details, correlation_id}}`."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == ERROR_KEYS, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    assert message_contains.lower() in error["message"].lower(), error
    assert error["correlation_id"], error
    assert error["correlation_id"] == response.headers.get("x-correlation-id"), (
        error,
        response.headers,
    )
    return dict(error)


def error_fields(error: dict[str, Any]) -> set[str]:
    """The fields a validation error's `details.errors` names."""
    return {str(item["field"]) for item in error["details"]["errors"]}


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
