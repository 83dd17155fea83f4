"""Check extracted records: every rule in rules/, its policy in expectations/*.json.

    from selfeval.checks import check_records
    findings = check_records(records)  # one tuple of Finding per record, same order

Importing this package is cheap: GX and pandas are imported on the first check.
"""

from __future__ import annotations

from selfeval.checks.policy import default_suites_dir
from selfeval.checks.run import check_across_years, check_record, check_records

__all__ = ["check_across_years", "check_record", "check_records", "default_suites_dir"]
