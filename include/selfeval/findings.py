"""A data-quality finding: what a check found wrong with one report, in words a submitter can act on."""

from __future__ import annotations

from collections.abc import Iterable
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
            else {
                "line": self.evidence.line,
                "text": self.evidence.text,
                "printed": self.evidence.printed,
                "place": self.evidence.place,
            },
        }


def _value(v: Any) -> Decimal | str | None:
    if v is None or isinstance(v, Decimal | str):
        return v
    return Decimal(str(v))


def finding_from_dict(d: dict[str, Any]) -> Finding:
    """Rebuild a `Finding` from `to_dict()` output (parse JSON with `parse_float=Decimal`)."""
    ev = d.get("evidence")
    tolerance = d.get("tolerance")
    return Finding(
        check=d["check"],
        severity=d["severity"],
        subject=d["subject"],
        observed=_value(d.get("observed")),
        expected=_value(d.get("expected")),
        tolerance=None if tolerance is None else Decimal(str(tolerance)),
        message_zh=d["message_zh"],
        message_en=d["message_en"],
        evidence=None
        if ev is None
        else Evidence(
            line=int(ev["line"]),
            text=str(ev["text"]),
            printed=ev.get("printed"),
            place=ev.get("place"),
        ),
    )


def severity_counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings) among `findings`."""
    severities = [f.severity for f in findings]
    return severities.count("error"), severities.count("warning")
