"""POST /v1/files/batch in-process, with the real BOS, Content Service, Postgres and broker."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from quart.typing import TestClientProtocol as QuartClient

from common_core.events import EssayContentReady, EssayValidationFailed
from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.db import create_async_engine_from_settings
from scripts.launcher.platform import Platform
from services.file_service.tests.documents import ESSAY_SENTENCES, make_docx, make_pdf
from services.file_service.tests.file_testing import (
    CONTENT_READY_TOPIC,
    VALIDATION_FAILED_TOPIC,
    batch_events,
    multipart_body,
    register_batch,
    upload_headers,
)

from .conftest import MAX_FILE_BYTES, Peers

pytestmark = pytest.mark.integration

ESSAY = " ".join(ESSAY_SENTENCES)


def new_user() -> str:
    return f"teacher-{uuid.uuid4().hex[:12]}"


async def upload(
    client: QuartClient,
    peers: Peers,
    batch_id: str,
    files: list[tuple[str, bytes]],
    user_id: str | None,
) -> tuple[int, dict[str, Any]]:
    body, content_type = multipart_body({"batch_id": batch_id}, files)
    headers = {**upload_headers(peers.api_key, user_id), **content_type}
    response = await client.post("/v1/files/batch", data=body, headers=headers)
    return response.status_code, await response.get_json()


async def new_batch(peers: Peers, essay_count: int = 3) -> tuple[str, str]:
    user_id = new_user()
    return await register_batch(peers.bos_url, peers.api_key, user_id, essay_count), user_id


async def fetch_text(peers: Peers, storage_id: str) -> str:
    async with ContentServiceClient.create(
        peers.content_url, service_id="essay_lifecycle_service", api_key=peers.api_key
    ) as content:
        return await content.fetch_text(storage_id)


def error_code(body: dict[str, Any]) -> str:
    assert set(body["error"]) == {"code", "message", "details", "correlation_id"}
    return str(body["error"]["code"])


async def test_txt_docx_and_pdf_are_accepted_stored_and_announced(
    client: QuartClient, peers: Peers, platform: Platform
) -> None:
    batch_id, user_id = await new_batch(peers)
    files = [
        ("essay.txt", f"Name: Anna Svensson\nanna@skolan.se\n{ESSAY}".encode()),
        ("Johansson_Erik.docx", make_docx(["My favourite book", *ESSAY_SENTENCES])),
        ("report.pdf", make_pdf(["Namn: Åsa Öberg", *ESSAY_SENTENCES])),
    ]

    status, body = await upload(client, peers, batch_id, files, user_id)

    assert status == 202, body
    assert body["batch_id"] == batch_id
    assert body["rejected"] == []
    accepted = {item["file_name"]: item["file_upload_id"] for item in body["accepted"]}
    assert set(accepted) == {"essay.txt", "Johansson_Erik.docx", "report.pdf"}
    events = await batch_events(platform.infra.kafka_bootstrap, CONTENT_READY_TOPIC, batch_id,
                                count=3, settle_s=0.3)  # fmt: skip
    assert len(events) == 3
    by_name = {event.data.original_file_name: event.data for event in events}
    assert all(isinstance(data, EssayContentReady) for data in by_name.values())
    assert {name: data.file_upload_id for name, data in by_name.items()} == accepted
    assert (by_name["essay.txt"].student_name, by_name["essay.txt"].student_email) == (
        "Anna Svensson",
        "anna@skolan.se",
    )
    assert by_name["Johansson_Erik.docx"].student_name == "Erik Johansson"
    assert by_name["report.pdf"].student_name == "Åsa Öberg"
    assert by_name["essay.txt"].name_confidence > by_name["Johansson_Erik.docx"].name_confidence
    txt_text = await fetch_text(peers, by_name["essay.txt"].text_storage_id)
    assert txt_text == f"Name: Anna Svensson\nanna@skolan.se\n{ESSAY}"
    docx_text = await fetch_text(peers, by_name["Johansson_Erik.docx"].text_storage_id)
    assert docx_text.startswith("My favourite book\n" + ESSAY_SENTENCES[0])
    pdf_text = await fetch_text(peers, by_name["report.pdf"].text_storage_id)
    assert pdf_text.startswith("Namn: Åsa Öberg")
    assert all(sentence in pdf_text for sentence in ESSAY_SENTENCES)
    assert {event.correlation_id for event in events} == {events[0].correlation_id}


async def test_unusable_files_are_rejected_and_announced_as_failed(
    client: QuartClient, peers: Peers, platform: Platform
) -> None:
    batch_id, user_id = await new_batch(peers)
    files = [
        ("photo.png", b"\x89PNG fake image bytes"),
        ("short.txt", b"Too short to be an essay."),
        ("huge.txt", b"x" * (MAX_FILE_BYTES + 1)),
        ("broken.docx", b"not a zip archive"),
    ]

    status, body = await upload(client, peers, batch_id, files, user_id)

    assert status == 202, body
    assert body["accepted"] == []
    reasons = {item["file_name"]: item["reason"] for item in body["rejected"]}
    assert reasons == {
        "photo.png": "unsupported_file_type",
        "short.txt": "content_too_short",
        "huge.txt": "file_too_large",
        "broken.docx": "text_extraction_failed",
    }
    assert all(item["message"] for item in body["rejected"])
    events = await batch_events(platform.infra.kafka_bootstrap, VALIDATION_FAILED_TOPIC,
                                batch_id, count=4, settle_s=0.3)  # fmt: skip
    assert len(events) == 4
    assert all(isinstance(event.data, EssayValidationFailed) for event in events)
    assert {e.data.original_file_name: e.data.reason_code for e in events} == reasons


async def test_duplicates_are_rejected_without_an_event(
    client: QuartClient, peers: Peers, platform: Platform
) -> None:
    batch_id, user_id = await new_batch(peers)
    essay = ESSAY.encode()

    first_status, first = await upload(
        client, peers, batch_id, [("a.txt", essay), ("copy.txt", essay)], user_id
    )
    second_status, second = await upload(client, peers, batch_id, [("again.txt", essay)], user_id)

    assert (first_status, second_status) == (202, 202)
    assert [item["file_name"] for item in first["accepted"]] == ["a.txt"]
    assert [(item["file_name"], item["reason"]) for item in first["rejected"]] == [
        ("copy.txt", "duplicate_file")
    ]
    assert second["accepted"] == []
    assert [item["reason"] for item in second["rejected"]] == ["duplicate_file"]
    events = await batch_events(platform.infra.kafka_bootstrap, CONTENT_READY_TOPIC, batch_id,
                                count=1, settle_s=0.5)  # fmt: skip
    assert [event.data.original_file_name for event in events] == ["a.txt"]


async def test_the_same_file_in_the_same_batch_is_taken_once_under_concurrency(
    client: QuartClient, peers: Peers, file_database_url: str
) -> None:
    batch_id, user_id = await new_batch(peers)
    essay = f"{ESSAY} {uuid.uuid4()}".encode()

    results = await asyncio.gather(
        *(upload(client, peers, batch_id, [(f"{n}.txt", essay)], user_id) for n in range(5))
    )

    assert [status for status, _ in results] == [202] * 5
    assert sum(len(body["accepted"]) for _, body in results) == 1
    assert sum(len(body["rejected"]) for _, body in results) == 4
    engine = create_async_engine_from_settings(file_database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = await conn.scalar(
                sa.text("SELECT count(*) FROM file_uploads WHERE batch_id = :b"), {"b": batch_id}
            )
            outbox = await conn.scalar(
                sa.text("SELECT count(*) FROM event_outbox WHERE key = :b"), {"b": batch_id}
            )
    finally:
        await engine.dispose()
    assert (rows, outbox) == (1, 1)


async def test_another_users_batch_is_not_found(client: QuartClient, peers: Peers) -> None:
    batch_id, _ = await new_batch(peers)

    status, body = await upload(client, peers, batch_id, [("a.txt", ESSAY.encode())], new_user())

    assert status == 404
    assert error_code(body) == "not_found"


async def test_an_unknown_batch_is_not_found(client: QuartClient, peers: Peers) -> None:
    status, body = await upload(
        client, peers, f"batch-{uuid.uuid4()}", [("a.txt", ESSAY.encode())], new_user()
    )

    assert status == 404
    assert error_code(body) == "not_found"


@pytest.mark.parametrize(
    ("fields", "files", "user_id"),
    [
        ({"batch_id": "b-1"}, [("a.txt", b"essay")], None),
        ({}, [("a.txt", b"essay")], "teacher-1"),
        ({"batch_id": "b-1"}, [], "teacher-1"),
    ],
    ids=["no-user", "no-batch-id", "no-files"],
)
async def test_incomplete_requests_are_400(
    client: QuartClient,
    peers: Peers,
    fields: dict[str, str],
    files: list[tuple[str, bytes]],
    user_id: str | None,
) -> None:
    body, content_type = multipart_body(fields, files)
    headers = {**upload_headers(peers.api_key, user_id), **content_type}

    response = await client.post("/v1/files/batch", data=body, headers=headers)

    assert response.status_code == 400
    assert error_code(await response.get_json()) == "validation_error"


async def test_service_credentials_are_required(client: QuartClient, peers: Peers) -> None:
    body, content_type = multipart_body({"batch_id": "b-1"}, [("a.txt", b"essay")])
    headers = {"X-User-ID": "teacher-1", **content_type}

    response = await client.post("/v1/files/batch", data=body, headers=headers)

    assert response.status_code == 401
    assert error_code(await response.get_json()) == "unauthorized"


async def test_an_empty_file_input_is_ignored_and_outcomes_are_counted(
    client: QuartClient, peers: Peers
) -> None:
    batch_id, user_id = await new_batch(peers)
    essay = f"{ESSAY} {uuid.uuid4()}".encode()

    status, body = await upload(client, peers, batch_id, [("", b""), ("a.txt", essay)], user_id)
    metrics = await (await client.get("/metrics")).get_data(as_text=True)

    assert status == 202
    assert [item["file_name"] for item in body["accepted"]] == ["a.txt"]
    assert body["rejected"] == []
    assert 'file_service_uploaded_files_total{outcome="accepted"}' in metrics
