"""A data-quality finding: what a check found wrong with one report, in words a submitter can act on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from selfeval.record import Evidence

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    severity: Severity
    subject: str
    observed: Decimal | str | None
    expected: Decimal | str | None
    tolerance: Decimal | None
    message_zh: str
    message_en: str
    evidence: Evidence | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "subject": self.subject,
            "observed": self.observed,
            "expected": self.expected,
            "tolerance": self.tolerance,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "evidence": None
            if self.evidence is None
            else {"line": self.evidence.line, "text": self.evidence.text},
        }
