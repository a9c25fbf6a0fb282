"""Text extraction from the supported upload types: .txt, .docx and .pdf."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import PurePath

from services.file_service.domain.rejection import FileRejectedError, RejectionReason

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def file_extension(file_name: str) -> str:
    """The lowercase extension of ``file_name`` including the dot ("" when there is none)."""
    return PurePath(file_name).suffix.lower()


def decode_plain_text(data: bytes) -> str:
    """Decode a .txt upload: UTF-8 (with or without BOM), UTF-16 with BOM, else latin-1.

    latin-1 maps every byte, so a legacy-encoded (e.g. Windows Swedish) file still yields text.
    """
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM) :].decode("utf-8", errors="replace")
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _docx_paragraphs(data: bytes) -> Iterator[str]:
    import docx  # python-docx; imported on first use to keep startup light

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield "\t".join(cell.text for cell in row.cells)


def extract_docx(data: bytes) -> str:
    return "\n".join(_docx_paragraphs(data))


def extract_pdf(data: bytes) -> str:
    import pypdf

    # pypdf logs every recoverable oddity of a malformed file as a warning; a broken file is
    # reported as a rejection instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise FileRejectedError(
            RejectionReason.TEXT_EXTRACTION_FAILED, "The PDF is password-protected."
        )
    return "\n".join(page.extract_text() or "" for page in reader.pages)


_EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    ".txt": decode_plain_text,
    ".docx": extract_docx,
    ".pdf": extract_pdf,
}

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(_EXTRACTORS)


def unsupported_type_error(extension: str) -> FileRejectedError:
    supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    return FileRejectedError(
        RejectionReason.UNSUPPORTED_FILE_TYPE,
        f"Files of type '{extension or '(none)'}' cannot be read; use {supported}.",
    )


def normalise_text(text: str) -> str:
    """Unix newlines, no control characters (NUL cannot be stored as text), trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", text).strip()


def extract_text(file_name: str, data: bytes) -> str:
    """The normalised text of an upload; :class:`FileRejectedError` when it cannot be read."""
    extension = file_extension(file_name)
    extractor = _EXTRACTORS.get(extension)
    if extractor is None:
        raise unsupported_type_error(extension)
    try:
        raw = extractor(data)
    except FileRejectedError:
        raise
    except Exception as exc:  # any parser failure means the file is unreadable
        raise FileRejectedError(
            RejectionReason.TEXT_EXTRACTION_FAILED,
            f"The {extension} file could not be read ({type(exc).__name__}).",
        ) from exc
    return normalise_text(raw)
