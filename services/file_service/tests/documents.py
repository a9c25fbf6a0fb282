"""Real .docx and .pdf files with known text, made on the fly for the tests."""

from __future__ import annotations

import io
from collections.abc import Sequence


def make_docx(paragraphs: Sequence[str], *, table: Sequence[Sequence[str]] = ()) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(lines: Sequence[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


ESSAY_SENTENCES = (
    "Reading widely is the best way to grow as a writer and as a thinker.",
    "Every book opens a door to a place we could not otherwise visit.",
    "Teachers who share their favourite stories make the classroom come alive.",
)
