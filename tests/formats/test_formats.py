"""Reports as units send them (.docx, .pdf, .xlsx, .xls, .doc, scans) give the .txt seeds' figures."""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import makers
import pytest
from makers import has_cjk_font, has_soffice, soffice_convert

from selfeval import jsonio
from selfeval.document import Grid, Paragraph
from selfeval.errors import UnreadableReport
from selfeval.extract import extract_document, extract_file
from selfeval.formats import read_document
from selfeval.formats.ocr import ocr_available

pytestmark = pytest.mark.unit

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _figures(path: Path) -> dict[str, Any]:
    """The record without source and evidence; warnings without their line numbers."""
    data = json.loads(jsonio.dumps(extract_file(path).to_dict()))
    data.pop("source")

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "evidence"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    data = strip(data)
    data["warnings"] = [re.sub(r"^line \d+: ", "", w) for w in data["warnings"]]
    return data


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize("seed", ["seed_000", "seed_001"])
def test_seed_as_sent_gives_the_text_seeds_figures(
    kind: str, seed: str, request: pytest.FixtureRequest, seed_files: dict[str, dict[str, Path]]
) -> None:
    original: Path = request.getfixturevalue(seed)
    made = seed_files[kind][original.stem]
    assert _figures(made) == _figures(original)
    record = extract_file(made)
    assert record.source.format == kind and record.source.encoding == "binary"


def test_docx_tables_are_word_tables_in_body_order(
    seed_001: Path, seed_files: dict[str, dict[str, Path]]
) -> None:
    document, source = read_document(seed_files["docx"][seed_001.stem])
    grids = [b for b in document.blocks if isinstance(b, Grid)]
    assert len(grids) == 1 and grids[0].width == 10
    assert grids[0].rows[3][:3] == ("自评得 分情况", "49.88", "3")
    before = document.blocks[document.blocks.index(grids[0]) - 1]
    assert isinstance(before, Paragraph) and before.text == ""
    assert source.format == "docx"


def test_pdf_joins_lines_wrapped_at_the_line_end(
    seed_001: Path, seed_files: dict[str, dict[str, Path]]
) -> None:
    document, _ = read_document(seed_files["pdf"][seed_001.stem])
    texts = ["".join(b.text.split()) for b in document.blocks if isinstance(b, Paragraph)]
    line = next(t for t in seed_001.read_text("utf-8").split("\n") if "11,661.19" in t)
    # A 3-line paragraph comes back as one, though "152.56" moved whole to its last line
    # (a space at a line end is not in the text layer).
    assert "".join(line.split()) in texts
    grid = next(b for b in document.blocks if isinstance(b, Grid))
    assert grid.place.page == 1 and grid.rows[3][-1] == "97.38"


def _docx_with_body_xml(path: Path, extra: str) -> Path:
    """A .docx whose body starts with `extra` (raw WordprocessingML)."""
    import docx

    document = docx.Document()
    document.add_paragraph("placeholder")
    document.save(str(path))
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    xml = re.sub(r"<w:body>", "<w:body>" + extra, xml, count=1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, xml.encode("utf-8") if name == "word/document.xml" else data)
    return path


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space='preserve'>{text}</w:t></w:r></w:p>"


def _tc(inner: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{inner or '<w:p/>'}</w:tc>"


def test_docx_merges_nested_tables_tracked_changes_and_content_controls(tmp_path: Path) -> None:
    tracked = (
        "<w:p><w:r><w:t xml:space='preserve'>自评得分 </w:t></w:r>"
        "<w:del w:id='1' w:author='a'><w:r><w:delText>95</w:delText></w:r></w:del>"
        "<w:ins w:id='2' w:author='a'><w:r><w:t>97.38</w:t></w:r></w:ins>"
        "<w:r><w:t>分</w:t></w:r></w:p>"
    )
    control = f"<w:sdt><w:sdtPr/><w:sdtContent>{_p('单位：白鹤洞街道')}</w:sdtContent></w:sdt>"
    nested = f"<w:tbl><w:tr>{_tc(_p('n1'))}{_tc(_p('n2'))}</w:tr></w:tbl>"
    span, restart, cont = "<w:gridSpan w:val='2'/>", "<w:vMerge w:val='restart'/>", "<w:vMerge/>"
    table = (
        "<w:tbl>"
        f"<w:tr>{_tc(_p('一级'))}{_tc(_p('管理效能'), span)}</w:tr>"
        f"<w:tr>{_tc(_p('合并'), restart)}{_tc(_p('x1'))}{_tc(_p('y1') + nested)}</w:tr>"
        f"<w:tr>{_tc('', cont)}{_tc(_p('x2'))}{_tc(_p('y2'))}</w:tr>"
        "</w:tbl>"
    )
    path = _docx_with_body_xml(tmp_path / "features.docm", tracked + control + table)
    document, source = read_document(path)
    assert source.format == "docx"
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert texts[:2] == ["自评得分 97.38分", "单位：白鹤洞街道"]
    outer, inner = (b for b in document.blocks if isinstance(b, Grid))
    assert outer.rows == (("一级", "管理效能", ""), ("合并", "x1", "y1"), ("", "x2", "y2"))
    assert inner.rows == (("n1", "n2"),)
    assert (outer.place.table, inner.place.table) == (1, 2)
    assert outer.row_places[2].describe() == "表1 第3行"


def _score_workbook(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评表"
    sheet["A1"] = "2024年度广州市荔湾区人民政府白鹤洞街道办事处部门整体支出绩效自评表"
    sheet.merge_cells("A1:J1")
    rows = [line.split("\t") for line in makers.SCORE_PAGE_001.split("\n")[2:]]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if value:
                sheet.cell(r, c, float(value) if re.fullmatch(r"[\d.]+", value) else value)
    sheet.merge_cells("C2:I2")  # 管理效能 (50分) over its seven second-level columns
    sheet.merge_cells("J2:J3")
    rates = book.create_sheet("指标")
    rates.append(["指标", "年度目标值", "实际完成值"])
    rates.append(["部门预算资金支出率", 0.95, 0.9703])
    rates.append(["三公经费", 3.07, 3.07])
    rates["B2"].number_format = rates["C2"].number_format = "0.00%"
    rates["B3"].number_format = rates["C3"].number_format = "#,##0.00"
    book.save(path)
    return path


def test_xlsx_self_evaluation_table_with_merged_cells(tmp_path: Path, seed_001: Path) -> None:
    path = _score_workbook(tmp_path / "自评表.xlsx")
    document, source = read_document(path)
    assert source.format == "xlsx"
    scores, rates = document.blocks
    assert isinstance(scores, Grid) and isinstance(rates, Grid)
    assert scores.place.sheet == "自评表" and scores.width == 10
    assert scores.rows[1][:4] == ("一级 指标", "履职效能 (50分)", "管理效能 (50分)", "")
    assert scores.rows[2][9] == ""  # covered by 合计 above it
    assert scores.rows[4][1:4] == ("49.88", "3", "3.5")
    assert rates.rows[1] == ("部门预算资金支出率", "95.00%", "97.03%")
    assert rates.rows[2][1] == "3.07"
    record = extract_file(path)
    expected = extract_file(seed_001)
    strip = [(s.kind, s.group, s.name, s.max, s.score) for s in expected.scores]
    assert [(s.kind, s.group, s.name, s.max, s.score) for s in record.scores] == strip


@pytest.mark.skipif(not has_soffice(), reason="LibreOffice (soffice) is not installed")
def test_xls_and_doc_read_like_xlsx_and_docx(
    tmp_path: Path, seed_001: Path, seed_files: dict[str, dict[str, Path]]
) -> None:
    xlsx = _score_workbook(tmp_path / "score.xlsx")
    xls = soffice_convert(xlsx, "xls", tmp_path)
    from_xls, source = read_document(xls)
    assert source.format == "xls"
    assert from_xls.blocks == read_document(xlsx)[0].blocks
    et = xls.with_suffix(".et")  # WPS Spreadsheets saves BIFF too: read alike, named as sent
    et.write_bytes(xls.read_bytes())
    from_et, source = read_document(et)
    assert source.format == "et" and from_et.blocks == from_xls.blocks
    doc = soffice_convert(seed_files["docx"][seed_001.stem], "doc", tmp_path)
    wps = doc.with_suffix(".wps")
    doc.rename(wps)
    assert _figures(wps) == _figures(seed_001)
    assert extract_file(wps).source.format == "wps"


@pytest.mark.skipif(not has_cjk_font(), reason="no CJK font to render the page (fonts-noto-cjk)")
def test_scanned_pdf_is_read_by_ocr_or_refused(tmp_path: Path) -> None:
    page = makers.make_pdf(makers.SCORE_PAGE_001, tmp_path / "page.pdf")
    scan = makers.make_scan(page, tmp_path / "scan.pdf")
    if not ocr_available():
        with pytest.raises(UnreadableReport, match=r"scanned PDF.*send the Word file"):
            read_document(scan)
        return
    record = extract_file(scan)
    assert record.source.encoding == "ocr"
    assert record.total_score is not None and str(record.total_score.score) == "97.38"
    # The ruled table is found in the image and read cell by cell: the score table comes back.
    figures = [(s.kind, s.group, s.name, s.max, s.score) for s in record.scores]
    assert figures == [(s.kind, s.group, s.name, s.max, s.score) for s in extract_file(page).scores]
    assert ("item", "管理效能", "预算执行", Decimal("4"), Decimal("3.5")) in figures


@pytest.mark.skipif(not has_cjk_font(), reason="no CJK font to render the page (fonts-noto-cjk)")
def test_a_photo_of_a_page_is_read_by_ocr_or_refused(tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    page = makers.make_pdf(makers.SCORE_PAGE_001, tmp_path / "page.pdf")
    photo = tmp_path / "photo.jpg"
    pdfium.PdfDocument(str(page))[0].render(scale=2).to_pil().convert("RGB").save(photo)
    if not ocr_available():
        with pytest.raises(UnreadableReport, match=r"is an image \(a scan\)"):
            read_document(photo)
        return
    record = extract_file(photo)
    assert (record.source.format, record.source.encoding) == ("image", "ocr")
    assert record.total_score is not None and str(record.total_score.score) == "97.38"


def test_extract_document_renders_grids_as_tab_rows(seed_001: Path) -> None:
    document, source = read_document(seed_001)
    assert extract_document(document, source=source) == extract_file(seed_001)


def test_pdf_joins_a_number_broken_by_a_page_break_over_the_page_number(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "broken.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    head = "白鹤洞街2024年预算数"
    while pdfmetrics.stringWidth(head + "11,661.", "STSong-Light", 10.5) < 480:
        head += "，"
    for page, lines in enumerate(([head + "11,661."], ["19万元，执行数11,516.76万元。"]), 1):
        c.setFont("STSong-Light", 10.5)
        c.drawString(57, 780, "（二）部门整体收支情况" if page == 1 else lines[0])
        if page == 1:
            c.drawString(57, 760, lines[0])
        c.setFont("STSong-Light", 9)
        c.drawCentredString(A4[0] / 2, 30, f"— {page} —")
        c.showPage()
    c.save()
    document, _ = read_document(path)
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert head + "11,661.19万元，执行数11,516.76万元。" in texts
    assert "— 1 —" in texts and "— 2 —" in texts


def _table_page(path: Path, *, ruled_as_one_path: bool) -> Path:
    """The seed's score table drawn by hand: rules in one path, or no rules at all."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rows = [line.split("\t") for line in makers.SCORE_PAGE_001.split("\n")[2:]]
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 10.5)
    c.drawString(50, 800, makers.SCORE_PAGE_001.split("\n")[1][:40])
    left, top, width, height = 30.0, 760.0, 55.0, 24.0
    for r, row in enumerate(rows):
        for col, text in enumerate(row):
            c.setFont("STSong-Light", 6)
            c.drawString(left + col * width + 3, top - (r + 1) * height + 8, text)
    if ruled_as_one_path:
        rules = c.beginPath()
        for r in range(len(rows) + 1):
            rules.moveTo(left, top - r * height)
            rules.lineTo(left + 10 * width, top - r * height)
        for col in range(11):
            rules.moveTo(left + col * width, top)
            rules.lineTo(left + col * width, top - len(rows) * height)
        c.drawPath(rules)
    c.save()
    return path


@pytest.mark.parametrize("ruled_as_one_path", [True, False], ids=["one path", "unruled"])
def test_pdf_tables_drawn_as_one_path_or_unruled(tmp_path: Path, ruled_as_one_path: bool) -> None:
    path = _table_page(tmp_path / "table.pdf", ruled_as_one_path=ruled_as_one_path)
    document, _ = read_document(path)
    grids = [b for b in document.blocks if isinstance(b, Grid)]
    if ruled_as_one_path:  # found as a table, every cell in place
        assert len(grids) == 1 and grids[0].rows[3][:4] == ("自评得 分情况", "49.88", "3", "3.5")
    else:  # rows of tab-separated cells, empty cells kept by column, as the seeds were typed
        texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
        assert not grids
        assert texts[1:] == makers.SCORE_PAGE_001.split("\n")[2:]
    figures = [(s.kind, s.name, s.max, s.score) for s in extract_file(path).scores]
    assert ("item", "预算执行", Decimal("4"), Decimal("3.5")) in figures
