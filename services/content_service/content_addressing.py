"""Content addressing: the storage id of a byte sequence, and what a valid id looks like."""

from __future__ import annotations

import hashlib
import re

_STORAGE_ID = re.compile(r"^[0-9a-f]{64}$")
_MAX_CONTENT_TYPE_CHARS = 255


def storage_id_for(data: bytes) -> str:
    """The id under which ``data`` is stored: its SHA-256 as 64 lowercase hex characters."""
    return hashlib.sha256(data).hexdigest()


def is_storage_id(value: str) -> bool:
    """Whether ``value`` could be a storage id at all (anything else is certainly unknown)."""
    return bool(_STORAGE_ID.match(value))


def normalise_content_type(raw: str | None, default: str) -> str:
    """The content type to keep for an upload: the sender's, trimmed, or ``default``.

    Over-long or multi-line values are replaced by ``default`` so that they cannot be echoed
    back as a header later.
    """
    value = (raw or "").strip()
    if not value or len(value) > _MAX_CONTENT_TYPE_CHARS or any(c in value for c in "\r\n"):
        return default
    return value
