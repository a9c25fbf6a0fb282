"""Student name and e-mail parsing from header lines and file names."""

from __future__ import annotations

import pytest

from services.file_service.domain.student_info import (
    FILE_NAME_CONFIDENCE,
    HEADER_CONFIDENCE,
    NameSource,
    clean_name,
    find_email,
    name_from_file_name,
    name_from_header,
    parse_student_info,
)

BODY = "\n\nThis essay is about the importance of reading every day.\nMore text follows."


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Name: Anna Svensson", "Anna Svensson"),
        ("Namn: Erik Johansson", "Erik Johansson"),
        ("Student: Sara Lind", "Sara Lind"),
        ("NAMN : Åsa Öberg", "Åsa Öberg"),
        ("namn: anna-karin o'brien", "Anna-Karin O'Brien"),
        ("Name:   JOHN   SMITH  ", "John Smith"),
        ("Student: Erik Johansson, 9B", "Erik Johansson"),
        ("Name: Anna Svensson <anna.svensson@skolan.se>", "Anna Svensson"),
        ("Elev: Maria de la Cruz", "Maria de la Cruz"),
        ("Student name: Li Wei", "Li Wei"),
    ],
)
def test_labelled_header_lines_give_the_name(header: str, name: str) -> None:
    assert name_from_header(header + BODY) == name


@pytest.mark.parametrize(
    "header",
    [
        "Name:",
        "Name: 12345",
        "Name: Anna 2",
        "Names are important in many cultures",
        "Namnet: Anna Svensson",
        "Name: one two three four five six",
    ],
)
def test_headers_without_a_plausible_name_give_none(header: str) -> None:
    assert name_from_header(header + BODY) is None


def test_a_label_deep_in_the_text_is_not_a_header() -> None:
    lines = [f"Line {n} of the essay." for n in range(12)]
    assert name_from_header("\n".join([*lines, "Name: Late Person"])) is None


def test_the_first_labelled_line_with_a_name_wins() -> None:
    text = "Student: 9B\nName: Anna Svensson\nName: Someone Else" + BODY
    assert name_from_header(text) == "Anna Svensson"


@pytest.mark.parametrize(
    ("file_name", "name"),
    [
        ("Svensson_Anna.docx", "Anna Svensson"),
        ("svensson_anna.txt", "Anna Svensson"),
        ("Öberg_Åsa.pdf", "Åsa Öberg"),
        ("Svensson_Anna_essay2.docx", "Anna Svensson"),
        ("Johansson_Erik_uppsats_final.docx", "Erik Johansson"),
        ("Lind-Berg_Sara.docx", "Sara Lind-Berg"),
    ],
)
def test_lastname_firstname_file_names_give_the_name(file_name: str, name: str) -> None:
    assert name_from_file_name(file_name) == name


@pytest.mark.parametrize(
    "file_name",
    ["essay.docx", "my_essay.docx", "essay_3.txt", "final_draft.pdf", "a_b_c.docx", "Anna.docx"],
)
def test_other_file_names_give_none(file_name: str) -> None:
    assert name_from_file_name(file_name) is None


def test_email_is_found_in_the_header_lines() -> None:
    text = "Anna Svensson\nanna.svensson@skolan.se\n" + BODY
    assert find_email(text) == "anna.svensson@skolan.se"


def test_email_outside_the_header_is_ignored() -> None:
    lines = [f"Line {n} of the essay." for n in range(12)]
    assert find_email("\n".join([*lines, "mail me at x@example.com"])) is None


def test_header_name_beats_the_file_name() -> None:
    info = parse_student_info("Namn: Åsa Öberg\nasa@skolan.se" + BODY, "Svensson_Anna.docx")

    assert info.name == "Åsa Öberg"
    assert info.email == "asa@skolan.se"
    assert info.name_source is NameSource.HEADER
    assert info.name_confidence == HEADER_CONFIDENCE


def test_file_name_is_used_when_the_header_has_no_name() -> None:
    info = parse_student_info("A title" + BODY, "Svensson_Anna.docx")

    assert info.name == "Anna Svensson"
    assert info.email is None
    assert info.name_source is NameSource.FILE_NAME
    assert info.name_confidence == FILE_NAME_CONFIDENCE


def test_nothing_found_gives_none_with_zero_confidence() -> None:
    info = parse_student_info("A title" + BODY, "essay.txt")

    assert (info.name, info.email, info.name_source) == (None, None, NameSource.NONE)
    assert info.name_confidence == 0.0


def test_header_confidence_is_higher_than_file_name_confidence() -> None:
    assert HEADER_CONFIDENCE > FILE_NAME_CONFIDENCE > 0.0


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [("anna svensson", "Anna Svensson"), ("McDonald Ann", "McDonald Ann"), ("", None)],
)
def test_clean_name_fixes_case_only_when_uniform(raw: str, cleaned: str | None) -> None:
    assert clean_name(raw) == cleaned
