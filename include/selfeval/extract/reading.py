"""Kept for callers of the text reader: it lives in `selfeval.formats.text` now."""

from __future__ import annotations

from selfeval.formats.text import DecodedReport, decode_report, read_report

__all__ = ["DecodedReport", "decode_report", "read_report"]
