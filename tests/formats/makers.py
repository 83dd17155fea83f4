"""Make the seed reports as the files units send: .docx (tables as Word tables) and .pdf.

Shared by the format tests and bench/bench_formats.py. Text lines holding tabs are table rows;
consecutive ones form one table (padded to a rectangle), as the seeds were typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

Block = str | list[list[str]]


def seed_blocks(text: str) -> Iterator[Block]:
    """The seed's lines as paragraphs (str) and tables (rows of cells, rectangular)."""
    rows: list[list[str]] = []
    for line in text.split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            yield _rectangle(rows)
            rows = []
        yield line
    if rows:
        yield _rectangle(rows)


def _rectangle(rows: list[list[str]]) -> list[list[str]]:
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


def make_docx(text: str, path: Path) -> Path:
    """The report as a Word file: one paragraph per line, tab rows as a real table."""
    import docx

    document = docx.Document()
    for block in seed_blocks(text):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block), cols=len(block[0]))
        table.style = "Table Grid"
        for r, row in enumerate(block):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    document.save(str(path))
    return path


def make_pdf(text: str, path: Path, *, repeat: int = 1) -> Path:
    """The report as a PDF with a text layer (STSong-Light): long lines wrap, tables are ruled."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle(
        "body", fontName="STSong-Light", fontSize=10.5, leading=15, wordWrap="CJK", spaceAfter=4
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0)
    story: list[object] = []
    for _ in range(repeat):
        for block in seed_blocks(text):
            if isinstance(block, str):
                if block.strip():
                    story.append(Paragraph(_escape(block), body))
                continue
            width = 170 * mm / len(block[0])
            table = Table(
                [[Paragraph(_escape(v), cell) for v in row] for row in block],
                colWidths=[width] * len(block[0]),
            )
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story.extend([table, Spacer(1, 6)])
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm).build(
        story  # type: ignore[arg-type]
    )
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
