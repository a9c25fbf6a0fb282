"""The student's name and e-mail address, parsed from an essay's header lines or file name.

A labelled header line ("Name:", "Namn:", "Student:", ...) is the strongest evidence, a file
name of the form ``Lastname_Firstname.docx`` a weaker one; the confidence says which was used.
Anything that does not look like a person's name gives ``None`` rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath

HEADER_LINES = 10
HEADER_CONFIDENCE = 0.9
FILE_NAME_CONFIDENCE = 0.5
_MAX_NAME_WORDS = 5
_MAX_WORD_CHARS = 40

_LABELS = (
    "student name", "elevens namn", "name", "namn", "student", "elev", "author", "författare",
)  # fmt: skip
_LABELLED_LINE = re.compile(
    r"^\s*(?:" + "|".join(re.escape(label) for label in _LABELS) + r")\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_APOSTROPHES_AND_HYPHEN = "'\u2019\\-"
_WORD_JOINERS = re.compile(f"([{_APOSTROPHES_AND_HYPHEN}])")
_NAME_WORD = re.compile(rf"^[^\W\d_]+(?:[{_APOSTROPHES_AND_HYPHEN}][^\W\d_]+)*\.?$")
_VALUE_SEPARATORS = re.compile(r"\s*(?:[,;|/(<\[]|\s-\s)\s*")
_FILE_NAME_NOISE = frozenset(
    {
        "essay", "uppsats", "text", "final", "draft", "utkast", "document", "dokument",
        "assignment", "uppgift", "paper", "version", "copy", "kopia", "inlämning", "my", "min",
    }
)  # fmt: skip


class NameSource(StrEnum):
    HEADER = "header"
    FILE_NAME = "file_name"
    NONE = "none"


@dataclass(frozen=True)
class StudentInfo:
    name: str | None
    email: str | None
    name_source: NameSource

    @property
    def name_confidence(self) -> float:
        return {
            NameSource.HEADER: HEADER_CONFIDENCE,
            NameSource.FILE_NAME: FILE_NAME_CONFIDENCE,
            NameSource.NONE: 0.0,
        }[self.name_source]


def _header_lines(text: str) -> list[str]:
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line][:HEADER_LINES]


def _capitalise(word: str) -> str:
    parts = _WORD_JOINERS.split(word.lower())
    return "".join(part[:1].upper() + part[1:] for part in parts)


def clean_name(raw: str) -> str | None:
    """``raw`` as a person's name (whitespace collapsed, all-lower/upper case fixed) or None."""
    words = raw.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS:
        return None
    if not all(_NAME_WORD.match(word) and len(word) <= _MAX_WORD_CHARS for word in words):
        return None
    joined = " ".join(words)
    if joined.islower() or joined.isupper():
        return " ".join(_capitalise(word) for word in words)
    return joined


def find_email(text: str) -> str | None:
    """The first e-mail address in the header lines of ``text``."""
    for line in _header_lines(text):
        match = _EMAIL.search(line)
        if match:
            return match.group(0)
    return None


def name_from_header(text: str) -> str | None:
    """The name on the first labelled header line ("Name: Anna Svensson") that holds one."""
    for line in _header_lines(text):
        match = _LABELLED_LINE.match(line)
        if match is None:
            continue
        value = _EMAIL.sub(" ", match.group("value"))
        first_part = _VALUE_SEPARATORS.split(value.strip(), maxsplit=1)[0]
        name = clean_name(first_part)
        if name is not None:
            return name
    return None


def name_from_file_name(file_name: str) -> str | None:
    """ "Lastname_Firstname.docx" → "Firstname Lastname"; None for any other shape.

    Parts that are numbers or common words ("essay", "final", "uppsats") are ignored, so
    ``Svensson_Anna_essay2.docx`` still names Anna Svensson while ``my_essay.docx`` names no one.
    """
    stem = PurePath(file_name).stem
    parts = [part for part in stem.split("_") if part]
    kept = [
        part
        for part in parts
        if part.lower() not in _FILE_NAME_NOISE and not any(c.isdigit() for c in part)
    ]
    if len(kept) != 2:
        return None
    last, first = kept
    return clean_name(f"{first} {last}")


def parse_student_info(text: str, file_name: str) -> StudentInfo:
    """Name and e-mail of the student who wrote ``text`` (uploaded as ``file_name``)."""
    email = find_email(text)
    header_name = name_from_header(text)
    if header_name is not None:
        return StudentInfo(header_name, email, NameSource.HEADER)
    file_name_name = name_from_file_name(file_name)
    if file_name_name is not None:
        return StudentInfo(file_name_name, email, NameSource.FILE_NAME)
    return StudentInfo(None, email, NameSource.NONE)
