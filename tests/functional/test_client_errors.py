"""Client errors through the gateway: bad tokens, the rate limit, malformed bodies, sizes."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
import websockets
from websockets.exceptions import ConnectionClosed

from scripts.launcher.platform import Platform
from services.api_gateway_service.config import GatewaySettings
from services.api_gateway_service.domain.tokens import mint_token
from tests.functional.gateway_support import (
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
