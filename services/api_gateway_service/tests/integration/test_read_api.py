"""Reads through RAS (a stub server answering RAS's shapes), owner only; the operational
routes and the error body on every kind of error."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from scripts.launcher.infra import InfraUrls
from services.api_gateway_service.tests.gateway_testing import (
    StubRas,
    auth,
    gateway_client,
    gateway_settings,
    ras_view,
)

pytestmark = pytest.mark.integration


async def test_status_is_the_ras_view_for_the_owner_only(
    gateway: httpx.AsyncClient, stub_ras: StubRas, id_factory: Callable[[str], str]
) -> None:
    owner, batch_id = id_factory("owner"), id_factory("batch")
    stub_ras.batches[batch_id] = ras_view(batch_id, owner, status="completed_with_failures")

    mine = await gateway.get(f"/v1/batches/{batch_id}/status", headers=auth(owner))
    theirs = await gateway.get(f"/v1/batches/{batch_id}/status", headers=auth(id_factory("x")))
    unknown = await gateway.get("/v1/batches/nope/status", headers=auth(owner))

    assert mine.status_code == 200
    assert mine.json() == stub_ras.batches[batch_id]
    assert theirs.status_code == 404
    assert unknown.status_code == 404
    assert theirs.json()["error"]["details"] == {"batch_id": batch_id}


async def test_list_is_the_callers_batches_with_paging_and_status_filter(
    gateway: httpx.AsyncClient, stub_ras: StubRas, id_factory: Callable[[str], str]
) -> None:
    owner = id_factory("owner")
    for _ in range(3):
        batch_id = id_factory("batch")
        stub_ras.batches[batch_id] = ras_view(batch_id, owner)

    page = await gateway.get(
        "/v1/batches",
        params={"limit": 2, "offset": 1, "status": "processing"},
        headers=auth(owner),
    )

    assert page.status_code == 200
    assert page.json()["total"] == 3
    assert len(page.json()["batches"]) == 2
    assert stub_ras.list_queries[-1] == {"limit": "2", "offset": "1", "status": "processing"}


async def test_list_validation_names_the_bad_parameters(
    gateway: httpx.AsyncClient, id_factory: Callable[[str], str]
) -> None:
    response = await gateway.get(
        "/v1/batches", params={"limit": 0, "status": "done"}, headers=auth(id_factory("u"))
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert sorted(e["field"] for e in error["details"]["errors"]) == ["limit", "status"]


async def test_essay_is_served_to_the_batch_owner_only(
    gateway: httpx.AsyncClient, stub_ras: StubRas, id_factory: Callable[[str], str]
) -> None:
    owner, batch_id = id_factory("owner"), id_factory("batch")
    stub_ras.batches[batch_id] = ras_view(batch_id, owner)
    essay = {
        "batch_id": batch_id,
        "essay_id": "essay-1",
        "corrected_text": "I receive.",
        "corrections": [{"original": "recieve", "corrected": "receive", "offset": 2}],
    }
    stub_ras.essays[(batch_id, "essay-1")] = essay

    mine = await gateway.get(f"/v1/batches/{batch_id}/essays/essay-1", headers=auth(owner))
    theirs = await gateway.get(
        f"/v1/batches/{batch_id}/essays/essay-1", headers=auth(id_factory("x"))
    )
    missing = await gateway.get(f"/v1/batches/{batch_id}/essays/essay-9", headers=auth(owner))

    assert mine.status_code == 200
    assert mine.json() == essay
    assert theirs.status_code == 404
    assert missing.status_code == 404


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-jwt"}, {"Authorization": "Basic dXNlcjpwdw=="}],
)
async def test_requests_without_a_valid_token_are_401(
    gateway: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await gateway.get("/v1/batches", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "unauthorized"


async def test_correlation_id_is_kept_and_echoed(
    gateway: httpx.AsyncClient, id_factory: Callable[[str], str]
) -> None:
    correlation_id = str(uuid.uuid4())
    response = await gateway.get(
        "/v1/batches/nope/status",
        headers={**auth(id_factory("u")), "X-Correlation-ID": correlation_id},
    )

    assert response.headers["X-Correlation-ID"] == correlation_id
    assert response.json()["error"]["correlation_id"] == correlation_id


async def test_unknown_route_and_wrong_method_have_the_error_body(
    gateway: httpx.AsyncClient,
) -> None:
    unknown = await gateway.get("/v1/nothing-here")
    wrong = await gateway.delete("/v1/batches")

    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"
    assert wrong.json()["error"]["correlation_id"] == wrong.headers["X-Correlation-ID"]


async def test_operational_routes(gateway: httpx.AsyncClient) -> None:
    health = await gateway.get("/healthz")
    ready = await gateway.get("/readyz")
    await gateway.get("/v1/batches/some-id/status")
    metrics = await gateway.get("/metrics")

    assert health.json() == {"status": "ok", "service": "api_gateway_service"}
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"]) == {"redis", "kafka", "notifications"}
    assert (
        'route="/v1/batches/{batch_id}/status",service="api_gateway_service",'
        'status="401"' in metrics.text
    )


async def test_cors_preflight_allows_the_react_dev_server(gateway: httpx.AsyncClient) -> None:
    response = await gateway.options(
        "/v1/batches/register",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    refused = await gateway.options(
        "/v1/batches/register",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "access-control-allow-origin" not in refused.headers


async def test_docs_describe_every_route_with_examples(gateway: httpx.AsyncClient) -> None:
    schema = (await gateway.get("/openapi.json")).json()
    docs = await gateway.get("/docs")
    redoc = await gateway.get("/redoc")

    assert docs.status_code == 200 and redoc.status_code == 200
    assert {
        "/v1/batches/register",
        "/v1/batches/{batch_id}/pipelines",
        "/v1/files/batch",
        "/v1/batches/{batch_id}/status",
        "/v1/batches",
        "/v1/batches/{batch_id}/essays/{essay_id}",
    } <= set(schema["paths"])
    without_examples = [
        name
        for name, model in schema["components"]["schemas"].items()
        if "examples" not in model
        and name not in {"HTTPValidationError", "ValidationError"}
        and model.get("type") == "object"
    ]
    assert without_examples == []
    register = schema["paths"]["/v1/batches/register"]["post"]
    assert "422" not in register["responses"]
    assert register["responses"]["400"]["content"]["application/json"]["example"]["error"]


async def test_readiness_can_require_the_downstream_services(
    infra: InfraUrls, stub_ras: StubRas
) -> None:
    settings = gateway_settings(infra, ras_url=stub_ras.url, readiness_checks_downstream=True)
    async with gateway_client(settings) as gateway:
        response = await gateway.get("/readyz")

    assert response.status_code == 503
    checks = response.json()["error"]["details"]["checks"]
    assert checks["result_aggregator_service"]["status"] == "ok"
    assert checks["batch_orchestrator_service"]["status"] == "error"
    assert checks["redis"]["status"] == "ok"
