"""Make the seed reports as the files units send: .docx (tables as Word tables) and .pdf.

Shared by the format tests and bench/bench_formats.py. Text lines holding tabs are table rows;
consecutive ones form one table (padded to a rectangle), as the seeds were typed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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

    def footer(canvas: Any, document: Any) -> None:  # a page number, as Word prints one
        canvas.setFont("STSong-Light", 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"— {document.page} —")

    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm).build(
        story,  # type: ignore[arg-type]
        onFirstPage=footer,
        onLaterPages=footer,
    )
    return path


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_scan(pdf: Path, path: Path, *, scale: float = 2.0) -> Path:
    """`pdf`'s pages rendered to images and wrapped back into a PDF without a text layer."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = [page.render(scale=scale).to_pil().convert("RGB") for page in document]
    images[0].save(path, "PDF", resolution=72 * scale, save_all=True, append_images=images[1:])
    return path


SCORE_PAGE_001 = "\n".join(
    [
        "# 2024 年度广州市荔湾区人民政府白鹤洞街道办事处部门整体支出绩效自评表说明",
        "按照《部门整体支出绩效自评指标评分表》的评价指标，我街进行了认真的自评分析，经研究，"
        "我街2024部门整体支出绩效自评结果为97.38分。",
        "一级 指标\t履职效能 (50分)\t管理效能 (50分)\t\t\t\t\t\t\t合计",
        "二级 指标\t整体效能\t预算 编制\t预算 执行\t信息 公开\t绩效 管理\t采购 管理\t资产 管理\t运行 成本\t",
        "指标 分值\t50\t3\t4\t4\t15\t10\t10\t4\t100",
        "自评得 分情况\t49.88\t3\t3.5\t4\t14\t10\t9\t4\t97.38",
    ]
)


def has_soffice() -> bool:
    return shutil.which("soffice") is not None


def soffice_convert(source: Path, to: str, out: Path) -> Path:
    """`source` converted by LibreOffice (to make .doc/.xls fixtures)."""
    profile = out / "lo-profile"
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", to, "--outdir", str(out), str(source)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    result = out / f"{source.stem}.{to.split(':')[0]}"
    assert result.is_file(), f"LibreOffice did not convert {source.name} to {to}"
    return result


def has_cjk_font() -> bool:
    try:
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    except OSError:
        return False
    return bool(fonts.strip())
