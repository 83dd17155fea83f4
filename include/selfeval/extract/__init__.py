"""Extract every figure from a submitted report, with its evidence.

`extract_file(path)` reads a file in any accepted format (raising `UnreadableReport` for what is
not a report); `extract_document(document, source=...)` and `extract_text(text, source=...)` do
the rest and never raises on odd content: what
looked like a figure but could not be read goes into `Record.warnings`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace

from selfeval.document import Document, Paragraph
from selfeval.extract.layout import build_layout
from selfeval.extract.narrative import find_narrative_indicators
from selfeval.extract.reading import DecodedReport, decode_report, read_report
from selfeval.extract.statements import (
    find_carryovers,
    find_compositions,
    find_executions,
    find_fiscal_year,
    find_section_scores,
    find_total_score,
    find_unit,
)
from selfeval.extract.tables import find_indicator_rows, find_score_rows
from selfeval.record import Record, Source, TotalScore

__all__ = [
    "DecodedReport",
    "decode_report",
    "extract_document",
    "extract_file",
    "extract_text",
    "read_report",
]


def extract_file(path: str | os.PathLike[str]) -> Record:
    """Read one report file in any accepted format (selfeval.formats) and extract it."""
    from selfeval.formats import read_document

    document, source = read_document(path)
    return extract_document(document, source=source)


def extract_document(document: Document, *, source: Source) -> Record:
    """Extract a record from a Document: for now its text, one line per paragraph or grid row."""
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.text)
        else:
            lines.extend("\t".join(" ".join(c.split("\n")) for c in row) for row in block.rows)
    return extract_text("\n".join(lines), source=source)


def extract_text(text: str, *, source: Source | None = None) -> Record:
    """Extract a record from decoded report text (line numbers count from 1 in `text`)."""
    if source is None:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        source = Source(path="<text>", sha256=digest, format="txt", encoding="utf-8")
    layout = build_layout(text)
    paragraphs = layout.paragraphs
    warnings: list[str] = []
    fiscal_year = find_fiscal_year(paragraphs)
    scores = find_score_rows(layout.tables)
    total = find_total_score(paragraphs)
    table_total = next((s for s in scores if s.kind == "total"), None)
    if total is not None and total.max is None and table_total is not None:
        total = replace(total, max=table_total.max)
    if total is None and table_total is not None and table_total.score is not None:
        total = TotalScore(
            score=table_total.score, max=table_total.max, evidence=table_total.evidence
        )
    record = Record(
        source=source,
        unit=find_unit(paragraphs),
        fiscal_year=fiscal_year,
        total_score=total,
        compositions=tuple(find_compositions(paragraphs)),
        executions=tuple(find_executions(paragraphs)),
        scores=tuple(scores),
        section_scores=tuple(find_section_scores(paragraphs)),
        indicators=tuple(
            find_indicator_rows(layout.tables, warnings) + find_narrative_indicators(paragraphs)
        ),
        carryovers=tuple(find_carryovers(paragraphs, fiscal_year)),
    )
    if not any(
        (
            record.total_score,
            record.compositions,
            record.executions,
            record.scores,
            record.section_scores,
            record.indicators,
            record.carryovers,
        )
    ):
        warnings.append(
            "no figures recognised: this does not read like a 部门整体支出绩效自评 report "
            "(no scores, amounts, indicators or carry-overs found)"
        )
    return replace(record, warnings=tuple(warnings))
