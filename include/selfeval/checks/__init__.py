"""Check extracted records with the Great Expectations suites in expectations/*.json.

    from selfeval.checks import check_records
    findings = check_records(records)  # one tuple of Finding per record, same order

Importing this package is cheap: GX and pandas are imported on the first check.
"""

from __future__ import annotations

from selfeval.checks.run import check_record, check_records
from selfeval.checks.suites import default_suites_dir

__all__ = ["check_record", "check_records", "default_suites_dir"]
