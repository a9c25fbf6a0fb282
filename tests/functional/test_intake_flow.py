"""Batch intake across BOS, File, Content and ELS processes: register → upload → ready."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest

from common_core.event_enums import ProcessingEvent
from huleedu_service_libs.auth import internal_auth_headers
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from scripts.stack_client import StackClient
from services.file_service.tests.documents import make_docx, make_pdf

pytestmark = [pytest.mark.functional, pytest.mark.integration]

READY = ProcessingEvent.BATCH_ESSAYS_READY
ESSAY_TXT = (
    "Name: Astrid Lindqvist\n\n"
    "Phones in class distract students more than they help them learn anything useful."
)
ESSAY_DOCX = [
    "Student: Oskar Berg",
    "A school day without phones gives everyone a chance to talk to each other again.",
]
ESSAY_PDF = [
    "Name: Maja Nilsson",
    "Some students need their phones for dictionaries, calendars and calls home after school.",
]


async def fetch_text(platform: Platform, storage_id: str) -> str:
    headers = internal_auth_headers("api_gateway_service", platform.secrets["internal_api_key"])
    url = f"{platform.service_url('content_service')}/v1/content/{storage_id}"
    async with httpx.AsyncClient(headers=headers) as http:
        response = await http.get(url)
    assert response.status_code == 200, response.text
    return response.text


async def test_txt_docx_and_pdf_make_a_ready_batch(
    platform: Platform, intake: StackClient, id_factory: Callable[[str], str]
) -> None:
    user = id_factory("teacher")
    batch = await intake.register_batch(user, 3)
    batch_id = batch["batch_id"]
    files = [
        ("Lindqvist_Astrid.txt", ESSAY_TXT.encode()),
        ("Berg_Oskar.docx", make_docx(ESSAY_DOCX)),
        ("Nilsson_Maja.pdf", make_pdf(ESSAY_PDF)),
    ]
    async with BatchEventWatcher(platform.infra.kafka_bootstrap, [batch_id], [READY]) as events:
        response = await intake.upload(batch_id, user, files)
        assert response.status_code == 202, response.text
        assert len(response.json()["accepted"]) == 3

        ready = (await events.wait_for(READY, batch_id=batch_id))[0]["data"]
        await events.assert_quiet(READY, batch_id=batch_id, expected=1)

    assert sorted(essay["essay_id"] for essay in ready["essays"]) == sorted(batch["essay_ids"])
    assert ready["failed_files"] == []
    by_name = {essay["original_file_name"]: essay for essay in ready["essays"]}
    assert by_name["Lindqvist_Astrid.txt"]["student_name"] == "Astrid Lindqvist"
    assert by_name["Berg_Oskar.docx"]["student_name"] == "Oskar Berg"
    texts = {name: await fetch_text(platform, e["text_storage_id"]) for name, e in by_name.items()}
    assert "distract students" in texts["Lindqvist_Astrid.txt"]
    assert "talk to each other again" in texts["Berg_Oskar.docx"]
    assert "dictionaries, calendars" in texts["Nilsson_Maja.pdf"]

    status = await intake.wait_for_bos_status(batch_id, ["ready_for_pipeline_execution"])
    assert len(status["essays"]) == 3


async def test_rejected_files_fill_slots_and_duplicates_do_not(
    platform: Platform, intake: StackClient, id_factory: Callable[[str], str]
) -> None:
    user = id_factory("teacher")
    batch = await intake.register_batch(user, 3)
    batch_id = batch["batch_id"]
    good = ESSAY_TXT.encode()
    files = [
        ("good.txt", good),
        ("good-again.txt", good),  # byte-identical: rejected in the response only
        ("slides.pptx", b"PK\x03\x04 not an essay"),
        ("short.txt", b"Too short to be an essay."),
    ]
    async with BatchEventWatcher(platform.infra.kafka_bootstrap, [batch_id], [READY]) as events:
        response = await intake.upload(batch_id, user, files)
        assert response.status_code == 202, response.text
        body = response.json()
        assert [item["file_name"] for item in body["accepted"]] == ["good.txt"]
        rejected = {item["file_name"]: item["reason"] for item in body["rejected"]}
        assert set(rejected) == {"good-again.txt", "slides.pptx", "short.txt"}

        ready = (await events.wait_for(READY, batch_id=batch_id))[0]["data"]

    assert [essay["original_file_name"] for essay in ready["essays"]] == ["good.txt"]
    failed = sorted(item["original_file_name"] for item in ready["failed_files"])
    assert failed == ["short.txt", "slides.pptx"]
    status = await intake.wait_for_bos_status(batch_id, ["ready_for_pipeline_execution"])
    assert [essay["original_file_name"] for essay in status["essays"]] == ["good.txt"]


async def test_uploads_to_another_users_batch_or_too_large_are_refused(
    intake: StackClient, id_factory: Callable[[str], str]
) -> None:
    owner, stranger = id_factory("teacher"), id_factory("teacher")
    batch_id = (await intake.register_batch(owner, 2))["batch_id"]

    foreign = await intake.upload(batch_id, stranger, [("essay.txt", ESSAY_TXT.encode())])
    assert foreign.status_code == 404
    assert foreign.json()["error"]["code"] == "not_found"

    # Over the per-file limit (5 MB): that file is rejected and fills its slot as failed.
    big = await intake.upload(batch_id, owner, [("big.txt", b"word " * (2 * 1024 * 1024))])
    assert big.status_code == 202, big.text
    assert [item["reason"] for item in big.json()["rejected"]] == ["file_too_large"]

    # Over the request limit (32 MB): refused from its headers, before the body is sent.
    status, body = await announce_upload(intake, batch_id, owner, content_length=40 * 1024**2)
    assert status == 413
    assert json.loads(body)["error"]["code"] == "payload_too_large"


async def announce_upload(
    intake: StackClient, batch_id: str, user: str, *, content_length: int
) -> tuple[int, bytes]:
    """Send only the headers of a multipart upload of `content_length` bytes; the response."""
    url = httpx.URL(intake.url("file_service", "/v1/files/batch"))
    headers = {
        **intake.auth_headers,
        "Host": f"{url.host}:{url.port}",
        "X-User-ID": user,
        "Content-Type": "multipart/form-data; boundary=huleedu",
        "Content-Length": str(content_length),
        "Connection": "close",
    }
    head = f"POST {url.raw_path.decode()} HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    reader, writer = await asyncio.open_connection(url.host, url.port)
    try:
        writer.write((head + "\r\n").encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout=30)
    finally:
        writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]
