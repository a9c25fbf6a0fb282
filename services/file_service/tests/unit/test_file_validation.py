"""Which files yield a usable essay text."""

from __future__ import annotations

import pytest

from services.file_service.domain.file_validation import FileLimits, validated_text
from services.file_service.domain.rejection import FileRejectedError, RejectionReason

LIMITS = FileLimits(max_file_bytes=1_000, min_text_chars=50, max_text_chars=500)
GOOD_TEXT = "An essay about reading, long enough to count as a real text here."


def rejection_of(file_name: str, data: bytes) -> RejectionReason:
    with pytest.raises(FileRejectedError) as caught:
        validated_text(file_name, data, LIMITS)
    return caught.value.reason


def test_a_good_text_file_gives_its_text() -> None:
    assert validated_text("essay.txt", GOOD_TEXT.encode(), LIMITS) == GOOD_TEXT


def test_unsupported_type_is_rejected_before_size_is_checked() -> None:
    assert rejection_of("essay.odt", b"x" * 5_000) is RejectionReason.UNSUPPORTED_FILE_TYPE


def test_a_file_over_the_byte_limit_is_too_large() -> None:
    assert rejection_of("essay.txt", b"x" * 1_001) is RejectionReason.FILE_TOO_LARGE


def test_a_file_at_the_byte_limit_is_not_too_large() -> None:
    assert len(validated_text("essay.txt", b"x" * 500, LIMITS)) == 500


@pytest.mark.parametrize("data", [b"", b"   \r\n\t  "])
def test_an_empty_or_blank_file_has_empty_content(data: bytes) -> None:
    assert rejection_of("essay.txt", data) is RejectionReason.EMPTY_CONTENT


def test_text_under_the_minimum_is_too_short() -> None:
    assert rejection_of("essay.txt", b"x" * 49) is RejectionReason.CONTENT_TOO_SHORT


def test_text_at_the_minimum_is_accepted() -> None:
    assert validated_text("essay.txt", b"y" * 50, LIMITS) == "y" * 50


def test_whitespace_does_not_count_towards_the_minimum() -> None:
    padded = b"   " + b"x" * 49 + b"   "
    assert rejection_of("essay.txt", padded) is RejectionReason.CONTENT_TOO_SHORT


def test_text_over_the_maximum_is_too_long() -> None:
    assert rejection_of("essay.txt", b"x" * 501) is RejectionReason.CONTENT_TOO_LONG


def test_rejection_messages_name_the_limits() -> None:
    with pytest.raises(FileRejectedError) as caught:
        validated_text("essay.txt", b"short", LIMITS)
    assert "5 characters" in caught.value.message
    assert "at least 50" in caught.value.message


def test_only_duplicates_do_not_fill_a_slot() -> None:
    assert [reason for reason in RejectionReason if not reason.fills_slot] == [
        RejectionReason.DUPLICATE_FILE
    ]
