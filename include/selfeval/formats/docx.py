"""Word files (.docx, and .docm read as data): paragraphs and tables in body order.

A small walk over WordprocessingML rather than a library: docx2python splits a table at a nested
table and python-docx drops tracked insertions and content controls; here
- tracked insertions are kept and tracked deletions (w:del, w:moveFrom) dropped, as Word shows
  the document with changes accepted;
- content controls (w:sdt) and custom XML are read through;
- a merged cell's text stands in its top-left cell (w:gridSpan, w:vMerge), the covered cells are
  empty, every row is padded to the table's width;
- a table nested in a cell becomes its own Grid, right after the table that holds it.
Macros (vbaProject.bin) are never looked at: a .docm is read as data.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from selfeval.document import Document, Grid, Paragraph, Place
from selfeval.errors import UnreadableReport

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DROPPED = {f"{{{W}}}del", f"{{{W}}}moveFrom", f"{{{W}}}delText", f"{{{W}}}instrText",
            f"{{{MC}}}Fallback", f"{{{W}}}tbl", f"{{{W}}}rPr", f"{{{W}}}pPr"}  # fmt: skip
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


def read_docx(data: bytes, *, path: str) -> Document:
    """The Word file's body as paragraphs and grids (the ZIP already passed `guard_zip`)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = _body(archive, path)
    walker = _Walker()
    walker.container(body)
    return Document(blocks=tuple(walker.blocks), format="docx")


def _body(archive: zipfile.ZipFile, path: str) -> etree._Element:
    main = "word/document.xml"
    try:
        rels = etree.fromstring(archive.read("_rels/.rels"), _PARSER)
        for rel in rels.iter(f"{{{_REL}}}Relationship"):
            if str(rel.get("Type", "")).endswith("/officeDocument"):
                main = str(rel.get("Target", main)).lstrip("/")
    except KeyError:
        pass
    try:
        root = etree.fromstring(archive.read(main), _PARSER)
    except KeyError as exc:
        raise UnreadableReport(path, "is a ZIP file but not a Word document") from exc
    body = root.find(f"{{{W}}}body")
    if body is None:
        raise UnreadableReport(path, "is a Word file without a body")
    return body


@dataclass
class _Walker:
    blocks: list[Paragraph | Grid] = field(default_factory=list)
    paragraphs: int = 0
    tables: int = 0

    def container(self, element: etree._Element) -> None:
        """Paragraphs and tables of a body, content control or custom XML, in order."""
        for child in element:
            tag = child.tag
            if tag == f"{{{W}}}p":
                self.paragraphs += 1
                self.blocks.append(Paragraph(_text(child), Place(line=self.paragraphs)))
            elif tag == f"{{{W}}}tbl":
                self.table(child)
            elif tag in (f"{{{W}}}sdt", f"{{{W}}}sdtContent", f"{{{W}}}customXml",
                         f"{{{W}}}ins", f"{{{W}}}moveTo"):  # fmt: skip
                self.container(child)

    def table(self, tbl: etree._Element) -> None:
        self.tables += 1
        number = self.tables
        at = len(self.blocks)
        nested: list[etree._Element] = []
        rows: list[list[str]] = []
        for tr in _rows(tbl):
            row: list[str] = []
            trpr = tr.find(f"{{{W}}}trPr")
            row.extend([""] * _int_val(trpr, "gridBefore", 0))
            for tc in _cells(tr):
                tcpr = tc.find(f"{{{W}}}tcPr")
                span = max(1, _int_val(tcpr, "gridSpan", 1))
                vmerge = tcpr.find(f"{{{W}}}vMerge") if tcpr is not None else None
                if vmerge is not None and vmerge.get(f"{{{W}}}val", "continue") != "restart":
                    text = ""  # covered by the cell above
                else:
                    text = _cell_text(tc, nested)
                row.append(text)
                row.extend([""] * (span - 1))
            row.extend([""] * _int_val(trpr, "gridAfter", 0))
            rows.append(row)
        width = max((len(r) for r in rows), default=0)
        if width == 0:
            return
        grid = tuple(tuple(r + [""] * (width - len(r))) for r in rows)
        self.blocks.insert(
            at,
            Grid(
                rows=grid,
                row_places=tuple(Place(table=number, row=i) for i in range(1, len(grid) + 1)),
                place=Place(table=number),
            ),
        )
        for inner in nested:
            self.table(inner)


def _rows(tbl: etree._Element) -> list[etree._Element]:
    """The table's rows, through content controls and tracked insertions around them."""
    found: list[etree._Element] = []
    for child in tbl:
        if child.tag == f"{{{W}}}tr":
            found.append(child)
        elif child.tag in (f"{{{W}}}sdt", f"{{{W}}}sdtContent", f"{{{W}}}customXml"):
            found.extend(_rows(child))
    return found


def _cells(tr: etree._Element) -> list[etree._Element]:
    found: list[etree._Element] = []
    for child in tr:
        if child.tag == f"{{{W}}}tc":
            found.append(child)
        elif child.tag in (f"{{{W}}}sdt", f"{{{W}}}sdtContent", f"{{{W}}}customXml"):
            found.extend(_cells(child))
    return found


def _cell_text(tc: etree._Element, nested: list[etree._Element]) -> str:
    """The cell's paragraphs joined by newlines; its nested tables go to `nested`."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        for child in element:
            if child.tag == f"{{{W}}}p":
                parts.append(_text(child))
            elif child.tag == f"{{{W}}}tbl":
                nested.append(child)
            elif child.tag in (f"{{{W}}}sdt", f"{{{W}}}sdtContent", f"{{{W}}}customXml"):
                walk(child)

    walk(tc)
    return "\n".join(parts).strip("\n")


def _text(p: etree._Element) -> str:
    """A paragraph's text as Word shows it with tracked changes accepted."""
    out: list[str] = []

    def walk(element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _DROPPED:
                continue
            if tag == f"{{{W}}}t":
                out.append(child.text or "")
            elif tag == f"{{{W}}}tab":
                out.append("\t")
            elif tag in (f"{{{W}}}br", f"{{{W}}}cr"):
                out.append("\n")
            elif tag == f"{{{W}}}noBreakHyphen":
                out.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(out)


def _int_val(props: etree._Element | None, name: str, default: int) -> int:
    if props is None:
        return default
    element = props.find(f"{{{W}}}{name}")
    if element is None:
        return default
    try:
        return int(str(element.get(f"{{{W}}}val", default)))
    except ValueError:
        return default
