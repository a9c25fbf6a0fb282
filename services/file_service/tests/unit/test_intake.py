"""FileIntake with in-memory fakes of BOS, the Content Service and the upload records."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.file_service.domain.batch_acceptance import Acceptance
from services.file_service.domain.file_validation import FileLimits
from services.file_service.domain.rejection import RejectionReason
from services.file_service.domain.uploads import FileUpload, IncomingFile
from services.file_service.intake import BatchNotAcceptingError, FileIntake
from services.file_service.protocols import DependencyUnavailableError
from services.file_service.tests.documents import ESSAY_SENTENCES, make_docx

BATCH = "batch-1"
USER = "teacher-1"
LIMITS = FileLimits(max_file_bytes=100_000, min_text_chars=50, max_text_chars=10_000)
ESSAY = " ".join(ESSAY_SENTENCES)


@dataclass
class FakeBos:
    answer: Mapping[str, Any] | None = None
    error: Exception | None = None

    async def pipeline_state(self, batch_id: str, user_id: str) -> Mapping[str, Any] | None:
        if self.error is not None:
            raise self.error
        return self.answer


@dataclass
class FakeTextStore:
    texts: dict[str, str] = field(default_factory=dict)
    error: Exception | None = None
    in_flight: int = 0
    max_in_flight: int = 0

    async def store_text(self, text: str, *, correlation_id: UUID | str | None = None) -> str:
        if self.error is not None:
            raise self.error
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        await asyncio.sleep(0.001)
        self.in_flight -= 1
        storage_id = f"text-{len(self.texts)}"
        self.texts[storage_id] = text
        return storage_id


@dataclass
class FakeRecorder:
    """Keeps one upload per (batch, content), like the unique index."""

    uploads: dict[tuple[str, str], FileUpload] = field(default_factory=dict)

    async def record(self, uploads: Sequence[FileUpload], correlation_id: UUID) -> set[str]:
        recorded: set[str] = set()
        for upload in uploads:
            key = (upload.batch_id, upload.file_sha256)
            if key not in self.uploads:
                self.uploads[key] = upload
                recorded.add(upload.file_upload_id)
        return recorded


def bos_answer(**pipeline: Any) -> dict[str, Any]:
    state = {"pipeline_running": False, "accepts_files": True, **pipeline}
    return {"batch_id": BATCH, "user_id": USER, "batch_status": "awaiting_content",
            "pipeline_state": state}  # fmt: skip


@dataclass
class Harness:
    bos: FakeBos
    texts: FakeTextStore
    recorder: FakeRecorder
    intake: FileIntake

    async def upload(self, *files: IncomingFile) -> Any:
        return await self.intake.upload(BATCH, USER, files, uuid4())


@pytest.fixture
def harness() -> Harness:
    bos, texts, recorder = FakeBos(bos_answer()), FakeTextStore(), FakeRecorder()
    intake = FileIntake(bos, texts, recorder, LIMITS, store_concurrency=2)
    return Harness(bos, texts, recorder, intake)


def essay(name: str, text: str = ESSAY) -> IncomingFile:
    return IncomingFile(name, text.encode())


async def test_good_files_are_accepted_stored_and_recorded(harness: Harness) -> None:
    docx = IncomingFile("Svensson_Anna.docx", make_docx(["Namn: Åsa Öberg", ESSAY]))

    result = await harness.upload(essay("one.txt"), docx)

    assert [upload.file_name for upload in result.accepted] == ["one.txt", "Svensson_Anna.docx"]
    assert result.rejected == []
    stored = {upload.text_storage_id: upload for upload in harness.recorder.uploads.values()}
    assert set(stored) == set(harness.texts.texts)
    docx_upload = next(u for u in result.accepted if u.file_name.endswith(".docx"))
    assert harness.texts.texts[docx_upload.text_storage_id or ""].startswith("Namn: Åsa Öberg")
    assert docx_upload.student is not None
    assert docx_upload.student.name == "Åsa Öberg"


async def test_unusable_files_are_rejected_recorded_and_not_stored(harness: Harness) -> None:
    result = await harness.upload(essay("scan.png"), essay("short.txt", "Too short."))

    assert result.accepted == []
    assert [(r.file_name, r.reason) for r in result.rejected] == [
        ("scan.png", RejectionReason.UNSUPPORTED_FILE_TYPE),
        ("short.txt", RejectionReason.CONTENT_TOO_SHORT),
    ]
    assert harness.texts.texts == {}
    recorded = harness.recorder.uploads.values()
    assert {upload.reason for upload in recorded} == {
        RejectionReason.UNSUPPORTED_FILE_TYPE,
        RejectionReason.CONTENT_TOO_SHORT,
    }


async def test_a_repeat_within_one_request_is_rejected_and_not_recorded(harness: Harness) -> None:
    result = await harness.upload(essay("a.txt"), essay("b.txt"), essay("c.txt", ESSAY + "!"))

    assert [u.file_name for u in result.accepted] == ["a.txt", "c.txt"]
    assert [(r.file_name, r.reason) for r in result.rejected] == [
        ("b.txt", RejectionReason.DUPLICATE_FILE)
    ]
    assert len(harness.recorder.uploads) == 2


async def test_a_file_the_batch_already_holds_is_a_duplicate(harness: Harness) -> None:
    await harness.upload(essay("a.txt"))

    result = await harness.upload(essay("renamed.txt"))

    assert result.accepted == []
    assert [(r.file_name, r.reason) for r in result.rejected] == [
        ("renamed.txt", RejectionReason.DUPLICATE_FILE)
    ]
    assert len(harness.recorder.uploads) == 1


async def test_results_keep_the_order_of_the_request(harness: Harness) -> None:
    files = [
        essay("x.png", "an image"),
        essay("a.txt"),
        essay("dup.txt"),
        essay("b.txt", ESSAY + "?"),
    ]

    result = await harness.upload(*files)

    assert [u.file_name for u in result.accepted] == ["a.txt", "b.txt"]
    assert [r.file_name for r in result.rejected] == ["x.png", "dup.txt"]
    assert result.as_dict()["batch_id"] == BATCH


async def test_text_storage_is_bounded_in_concurrency(harness: Harness) -> None:
    await harness.upload(*(essay(f"{n}.txt", f"{ESSAY} {n}") for n in range(10)))

    assert len(harness.texts.texts) == 10
    assert harness.texts.max_in_flight == 2


@pytest.mark.parametrize(
    ("answer", "acceptance"),
    [
        (None, Acceptance.NOT_FOUND),
        ({**bos_answer(), "user_id": "other"}, Acceptance.NOT_FOUND),
        (bos_answer(pipeline_running=True), Acceptance.PIPELINE_RUNNING),
        (bos_answer(accepts_files=False), Acceptance.CLOSED),
    ],
)
async def test_a_batch_that_takes_no_files_stops_everything(
    harness: Harness, answer: dict[str, Any] | None, acceptance: Acceptance
) -> None:
    harness.bos.answer = answer

    with pytest.raises(BatchNotAcceptingError) as caught:
        await harness.upload(essay("a.txt"))

    assert caught.value.verdict.acceptance is acceptance
    assert harness.recorder.uploads == {}
    assert harness.texts.texts == {}


async def test_bos_unavailable_propagates_before_anything_is_recorded(harness: Harness) -> None:
    harness.bos.error = DependencyUnavailableError("batch_orchestrator_service", "down")

    with pytest.raises(DependencyUnavailableError):
        await harness.upload(essay("a.txt"))

    assert harness.recorder.uploads == {}


async def test_content_service_down_is_a_dependency_error(harness: Harness) -> None:
    harness.texts.error = ConnectionRefusedError("content service down")

    with pytest.raises(DependencyUnavailableError) as caught:
        await harness.upload(essay("a.txt"))

    assert caught.value.dependency == "content_service"
    assert harness.recorder.uploads == {}


async def test_other_content_errors_are_not_hidden(harness: Harness) -> None:
    harness.texts.error = ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        await harness.upload(essay("a.txt"))
