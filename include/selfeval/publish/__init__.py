"""District summaries: the workbook, CSV files, HTML report and manifest of one fiscal year.

`publish_district_summary(engine, share, year)` reads only the warehouse views and writes
<share>/published/<year>/ atomically. Heavy imports (openpyxl, SQLAlchemy) happen on call.
"""

from __future__ import annotations

from selfeval.publish.publisher import PublishResult, file_names, publish_district_summary

__all__ = ["PublishResult", "file_names", "publish_district_summary"]
