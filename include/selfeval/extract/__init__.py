"""Extract every figure from a submitted report, with its evidence.

`extract_file(path)` reads a file in any accepted format (raising `UnreadableReport` for what is
not a report); `extract_document(document, source=...)` and `extract_text(text, source=...)` do
the rest and never raises on odd content: what
looked like a figure but could not be read goes into `Record.warnings`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import replace

from selfeval.document import Document, Paragraph
from selfeval.extract import relations
from selfeval.extract.as_submitted import with_printed_names, with_submitted_words
from selfeval.extract.forms import FUNDS_DIMENSION, read_forms
from selfeval.extract.layout import build_layout, without_chunk_numbers
from selfeval.extract.narrative import find_narrative_indicators
from selfeval.extract.normalize import normalize_line
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
from selfeval.record import Record, SectionScore, Source, TotalScore

__all__ = [
    "DecodedReport",
    "clear_caches",
    "decode_report",
    "extract_document",
    "extract_file",
    "extract_text",
    "read_report",
]


def clear_caches() -> None:
    """Forget the per-text caches (normalised lines, cell kinds, paragraph quantities).

    They make text that recurs across reports (table headers, labels) cheap to read again; a
    benchmark clears them to measure a report that shares nothing with the ones before it.
    """
    from selfeval.extract import forms, normalize, quantities, relations

    for cached in (
        normalize.normalize_line,
        forms._value,
        forms._cell_kind,
        forms._role_of,
        quantities.read_measure,
        relations._quantities_of,
    ):
        cached.cache_clear()


def extract_file(path: str | os.PathLike[str]) -> Record:
    """Read one report file in any accepted format (selfeval.formats) and extract it."""
    from selfeval.formats import read_document

    document, source = read_document(path)
    return extract_document(document, source=source)


def extract_document(document: Document, *, source: Source) -> Record:
    """Extract a record from a Document: for now its text, one line per paragraph or grid row."""
    lines: list[str] = []
    places: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            for line in block.text.split("\n"):
                lines.append(line)
                places.append(block.place.describe())
        else:
            for row, place in zip(block.rows, block.row_places, strict=True):
                lines.append("\t".join(" ".join(c.split("\n")) for c in row))
                places.append(place.describe())
    return extract_text("\n".join(lines), source=source, places=places)


def extract_text(
    text: str, *, source: Source | None = None, places: Sequence[str] | None = None
) -> Record:
    """Extract a record from decoded report text (line numbers count from 1 in `text`);
    `places` describes where each line stands in the submitted file (第3页 表2 第5行)."""
    if source is None:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        source = Source(path="<text>", sha256=digest, format="txt", encoding="utf-8")
    raw_lines = without_chunk_numbers(text.split("\n"))
    text = "\n".join(raw_lines)
    forms = read_forms(enumerate(raw_lines, start=1))
    # Lines the form reader read as table cells are not sentences: the sentence readers do not
    # see them (line numbers stay as they are).
    prose = "\n".join(
        "" if no in forms.table_lines else line for no, line in enumerate(raw_lines, start=1)
    )
    layout = build_layout(prose)
    paragraphs = layout.paragraphs
    warnings: list[str] = []
    lines = [normalize_line(line) for line in text.split("\n")]
    fiscal_year = relations.find_fiscal_year(lines) or find_fiscal_year(paragraphs)
    # A kind the new reader (relations, forms) finds nothing of falls back to the older
    # finders, which still own layouts it does not read yet (seed 001's transposed score table).
    scores = forms.scores if any(s.kind != "subtotal" for s in forms.scores) else []
    scores = scores or find_score_rows(layout.tables) + forms.scores
    total = relations.find_total_score(paragraphs) or find_total_score(paragraphs)
    table_total = next((s for s in scores if s.kind == "total"), None)
    if total is not None and total.max is None and table_total is not None:
        total = replace(total, max=table_total.max)
    if total is None and forms.total is not None:
        total = forms.total
    if total is None and table_total is not None and table_total.score is not None:
        total = TotalScore(
            score=table_total.score, max=table_total.max, evidence=table_total.evidence
        )
    executions = (
        relations.find_executions(paragraphs) or find_executions(paragraphs)
    ) + relations.executions_as_shares(paragraphs)
    compositions = (
        relations.find_compositions(paragraphs) or find_compositions(paragraphs)
    ) + forms.compositions
    executions += relations.part_executions(paragraphs, compositions)
    record = Record(
        source=source,
        unit=find_unit(paragraphs),
        fiscal_year=fiscal_year,
        total_score=total,
        compositions=tuple(compositions + relations.executions_summing(executions)),
        executions=tuple(executions + forms.executions),
        changes=tuple(relations.find_changes(paragraphs)),
        scores=tuple(scores),
        section_scores=tuple(
            _merge_sections(
                find_section_scores(paragraphs),
                relations.find_section_scores(paragraphs) + relations.restated_totals(paragraphs),
            )
        ),
        indicators=tuple(
            (forms.indicators or find_indicator_rows(layout.tables, warnings))
            + (relations.find_indicators(paragraphs) or find_narrative_indicators(paragraphs))
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
    record = _funds_block_scored(record, len(executions))
    record = with_submitted_words(record, raw_lines, places)
    record = replace(record, indicators=with_printed_names(record.indicators, raw_lines))
    return replace(record, warnings=tuple(forms.warnings + warnings))


def _funds_block_scored(record: Record, first_form_row: int) -> Record:
    """`全年预算执行得分9.68分(满分10分)` beside a funds block whose 分值 and 得分 cells are blank:
    the block is the form's 预算执行 item, so its first row takes that 分值 and 得分 — only where
    exactly one 预算执行 score is stated and the row's own cells say nothing."""
    stated = [
        s
        for s in record.section_scores
        if s.dimension == FUNDS_DIMENSION and s.max is not None and s.score is not None
    ]
    if len(stated) != 1 or first_form_row >= len(record.executions):
        return record
    row = record.executions[first_form_row]
    if row.max is not None or row.score is not None:
        return record
    rows = list(record.executions)
    rows[first_form_row] = replace(row, max=stated[0].max, score=stated[0].score)
    return replace(record, executions=tuple(rows))


def _merge_sections(first: list[SectionScore], second: list[SectionScore]) -> list[SectionScore]:
    seen = {(s.max, s.score, s.evidence.line) for s in first}
    return first + [s for s in second if (s.max, s.score, s.evidence.line) not in seen]
