"""The gateway as a process in front of the real BOS, File and Content processes: a token from
the stack's secret, register and upload through the gateway."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from scripts.launcher.platform import Platform
from scripts.token_command import mint_stack_token

pytestmark = [pytest.mark.integration, pytest.mark.functional]

GATEWAY = "api_gateway_service"
SERVICES = ["content_service", "batch_orchestrator_service", "file_service", GATEWAY]
ESSAY = (
    "Anna Svensson\n\nMobile phones distract students during lessons, and many teachers "
    "agree that a ban would help everyone concentrate on their work."
)


def bearer(platform: Platform, user_id: str) -> dict[str, str]:
    token = mint_stack_token(user_id, profile=platform.profile, data_root=platform.dir.root.parent)
    return {"Authorization": f"Bearer {token}"}


async def test_register_and_upload_through_the_gateway_process(
    platform: Platform, id_factory: Callable[[str], str]
) -> None:
    await platform.start_services(SERVICES)
    headers = bearer(platform, id_factory("teacher"))

    async with httpx.AsyncClient(base_url=platform.service_url(GATEWAY), timeout=30) as http:
        assert (await http.get("/readyz")).status_code == 200
        registered = await http.post(
            "/v1/batches/register",
            json={
                "expected_essay_count": 2,
                "course_code": "ENG5",
                "essay_instructions": "Should schools ban mobile phones?",
            },
            headers=headers,
        )
        assert registered.status_code == 202, registered.text
        batch_id = registered.json()["batch_id"]

        files = [
            ("files", (f"essay{n}.txt", f"{ESSAY} ({n})".encode(), "text/plain")) for n in (1, 2)
        ]
        uploaded = await http.post(
            "/v1/files/batch", data={"batch_id": batch_id}, files=files, headers=headers
        )
        intruder = await http.post(
            "/v1/files/batch",
            data={"batch_id": batch_id},
            files=files[:1],
            headers=bearer(platform, id_factory("intruder")),
        )
        oversized = await http.post(
            "/v1/files/batch",
            data={"batch_id": batch_id},
            files=[("files", ("huge.txt", b"x" * (6 * 1024 * 1024), "text/plain"))],
            headers=headers,
        )

    assert uploaded.status_code == 202, uploaded.text
    assert sorted(f["file_name"] for f in uploaded.json()["accepted"]) == [
        "essay1.txt",
        "essay2.txt",
    ]
    assert intruder.status_code == 404
    assert oversized.status_code == 413
    assert oversized.json()["error"]["code"] == "payload_too_large"
