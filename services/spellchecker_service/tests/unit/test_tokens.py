from __future__ import annotations

import pytest

from services.spellchecker_service.spelling.tokens import (
    apply_casing,
    protected_spans,
    starts_sentence,
    word_tokens,
)


def words(text: str) -> list[str]:
    return [token.text for token in word_tokens(text)]


def test_words_with_digits_and_underscores_are_not_words() -> None:
    assert words("On the 3rd day, 2024, room_12 was free") == ["On", "the", "day", "was", "free"]


def test_inner_apostrophes_stay_in_the_word() -> None:
    assert words("I don't know Anna's dog") == ["I", "don't", "know", "Anna's", "dog"]


@pytest.mark.parametrize(
    "text",
    [
        "see https://example.com/a-page?x=1 now",
        "see www.skolverket.se now",
        "see anna.berg@skolan.se now",
        "see example.org now",
    ],
)
def test_urls_emails_and_domains_are_protected(text: str) -> None:
    assert words(text) == ["see", "now"]
    assert len(protected_spans(text)) == 1


def test_offsets_point_at_the_word() -> None:
    text = "Hello, wrld!"
    token = list(word_tokens(text))[1]
    assert (token.text, token.offset, text[token.offset : token.end]) == ("wrld", 7, "wrld")


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("Anna came", 0, True),
        ("He left. Anna came", 9, True),
        ('He asked: "Why?" "Anna came', 18, True),
        ("first line\nAnna came", 11, True),
        ("He met Anna there", 7, False),
        ("He met (Anna) there", 8, False),
    ],
)
def test_sentence_starts(text: str, offset: int, expected: bool) -> None:
    assert starts_sentence(text, offset) is expected


@pytest.mark.parametrize(
    ("template", "word", "expected"),
    [
        ("recieve", "receive", "receive"),
        ("Recieve", "receive", "Receive"),
        ("RECIEVE", "receive", "RECEIVE"),
    ],
)
def test_casing_follows_the_original(template: str, word: str, expected: str) -> None:
    assert apply_casing(template, word) == expected
