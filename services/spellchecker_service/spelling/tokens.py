"""Splitting a text into the words worth checking, and keeping each word's casing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

APOSTROPHES = "'\u2019"
# A word: letters/digits with inner apostrophes ("don't"); words holding digits are skipped.
_WORD = re.compile(rf"\w+(?:[{APOSTROPHES}]\w+)*")
_PROTECTED = re.compile(
    r"(?:https?://|www\.)\S+"  # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|io|se|nu|uk|eu|info)\b",  # bare domains
    re.IGNORECASE,
)
_SENTENCE_END = frozenset(".!?…")
# Quotes, brackets and dashes between a sentence end and the next word.
_SKIPPED_BEFORE_WORD = frozenset(" \t\"'([{*-\u201c\u201d\u2018\u2019\u00ab\u00bb\u2013\u2014")


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the text: its characters, where it starts and whether a sentence starts."""

    text: str
    offset: int
    sentence_start: bool

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges never to be touched: URLs, e-mail addresses, domain names."""
    return [match.span() for match in _PROTECTED.finditer(text)]


def word_tokens(text: str) -> Iterator[Token]:
    """The words of `text` outside protected spans, without digits or underscores."""
    spans = protected_spans(text)
    for match in _WORD.finditer(text):
        word = match.group()
        if any(char.isdigit() or char == "_" for char in word):
            continue
        start, end = match.span()
        if any(start < span_end and span_start < end for span_start, span_end in spans):
            continue
        yield Token(word, start, starts_sentence(text, start))


def starts_sentence(text: str, offset: int) -> bool:
    """True at the start of the text, of a line, or after a sentence-ending mark."""
    index = offset - 1
    while index >= 0 and text[index] in _SKIPPED_BEFORE_WORD:
        index -= 1
    return index < 0 or text[index] == "\n" or text[index] in _SENTENCE_END


def is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def is_all_caps(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def apply_casing(template: str, word: str) -> str:
    """`word` written with the casing of `template` (UPPER, Title or lower)."""
    if is_all_caps(template):
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
