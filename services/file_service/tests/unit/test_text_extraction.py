"""Text extraction from .txt, .docx and .pdf uploads."""

from __future__ import annotations

import pytest

from services.file_service.domain.rejection import FileRejectedError, RejectionReason
from services.file_service.domain.text_extraction import (
    decode_plain_text,
    extract_text,
    file_extension,
    normalise_text,
)
from services.file_service.tests.documents import ESSAY_SENTENCES, make_docx, make_pdf

SWEDISH = "Hej! Jag heter Åsa och jag älskar att läsa böcker på sommaren."


def test_utf8_text_is_decoded_as_utf8() -> None:
    assert decode_plain_text(SWEDISH.encode("utf-8")) == SWEDISH


def test_utf8_bom_is_dropped() -> None:
    assert decode_plain_text(b"\xef\xbb\xbf" + SWEDISH.encode("utf-8")) == SWEDISH


def test_utf16_with_bom_is_decoded() -> None:
    assert decode_plain_text(SWEDISH.encode("utf-16")) == SWEDISH


def test_latin1_bytes_fall_back_to_latin1() -> None:
    assert decode_plain_text(SWEDISH.encode("latin-1")) == SWEDISH


def test_normalise_text_unifies_newlines_and_drops_control_characters() -> None:
    assert normalise_text("  a\r\nb\rc\x00d\te\x07  \n") == "a\nb\ncd\te"


@pytest.mark.parametrize(
    ("file_name", "extension"),
    [("essay.TXT", ".txt"), ("a.b.docx", ".docx"), ("noext", ""), ("scan.PNG", ".png")],
)
def test_file_extension_is_lowercase_last_suffix(file_name: str, extension: str) -> None:
    assert file_extension(file_name) == extension


def test_txt_extraction_returns_normalised_text() -> None:
    assert extract_text("essay.txt", b"  Line one\r\nLine two  ") == "Line one\nLine two"


def test_docx_extraction_reads_paragraphs_and_tables() -> None:
    data = make_docx(["Name: Anna Svensson", *ESSAY_SENTENCES], table=[["Grade", "Nine"]])

    text = extract_text("essay.docx", data)

    assert text.splitlines()[0] == "Name: Anna Svensson"
    for sentence in ESSAY_SENTENCES:
        assert sentence in text
    assert "Grade\tNine" in text


def test_pdf_extraction_reads_every_page_text() -> None:
    data = make_pdf(["Namn: Åsa Öberg", *ESSAY_SENTENCES])

    text = extract_text("essay.pdf", data)

    assert text.startswith("Namn: Åsa Öberg")
    for sentence in ESSAY_SENTENCES:
        assert sentence in text


@pytest.mark.parametrize("file_name", ["broken.docx", "broken.pdf"])
def test_corrupt_files_are_rejected_as_unreadable(file_name: str) -> None:
    with pytest.raises(FileRejectedError) as caught:
        extract_text(file_name, b"this is not really a document at all")

    assert caught.value.reason is RejectionReason.TEXT_EXTRACTION_FAILED
    assert file_name.rsplit(".", 1)[1] in caught.value.message


def test_unsupported_type_is_rejected_with_the_supported_list() -> None:
    with pytest.raises(FileRejectedError) as caught:
        extract_text("scan.png", b"\x89PNG....")

    assert caught.value.reason is RejectionReason.UNSUPPORTED_FILE_TYPE
    assert ".png" in caught.value.message
    assert ".docx, .pdf, .txt" in caught.value.message
