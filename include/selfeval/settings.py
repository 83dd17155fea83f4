"""Constants only: names, schedules, limits. No I/O and no imports beyond the standard library.

DAG files may import this module at parse time, so it must stay cheap.
"""

from __future__ import annotations

# --- DAGs -------------------------------------------------------------------------------------
DAG_OWNER = "district-data-team"
DAG_RETRIES = 2
DAG_RETRY_DELAY_SECONDS = 300
DAG_TIMEZONE = "Asia/Shanghai"
INTAKE_DAG_ID = "selfeval_intake"
ANNUAL_DAG_ID = "selfeval_annual_consolidation"
INTAKE_SCHEDULE = "*/30 * * * *"
# Submissions for fiscal year Y are due by the end of March of Y+1; consolidate on 15 April,
# at :15 so that it does not start together with an intake run (both read the same inbox;
# the library tolerates it, but two runs racing for one file is noise in the logs).
ANNUAL_SCHEDULE = "15 6 15 4 *"
DAG_TAGS = ("selfeval",)
# The annual run waits this long for a person to approve its draft; no answer is a Reject.
APPROVAL_WAIT_DAYS = 14
CONSOLIDATED_ASSET_NAME = "selfeval_consolidated"
CONSOLIDATED_ASSET_URI = "selfeval://warehouse/consolidated"

# --- configuration names -----------------------------------------------------------------------
SHARE_VARIABLE = "selfeval_share"
SHARE_ENV = "SELFEVAL_SHARE"
WAREHOUSE_CONN_ID = "selfeval_warehouse"
WAREHOUSE_URL_ENV = "SELFEVAL_WAREHOUSE_URL"
SMTP_CONN_ID = "smtp_default"
ALERT_SENDER = "selfeval@localhost"
# Who the alerts come from, where replies go and whom reminders name (selfeval.alerts.config);
# the district team sets these in the environment of the Airflow workers or of the CLI.
ALERT_SENDER_ENV = "SELFEVAL_ALERT_SENDER"
ALERT_REPLY_TO_ENV = "SELFEVAL_ALERT_REPLY_TO"
CONTACT_ENV = "SELFEVAL_CONTACT"
DEFAULT_CONTACT = "区财政局预算绩效管理部门"

# --- the shared folder -------------------------------------------------------------------------
INBOX_DIR = "inbox"
ARCHIVE_DIR = "archive"
REJECTED_DIR = "rejected"
FEEDBACK_DIR = "feedback"
PUBLISHED_DIR = "published"
DRAFTS_DIR = "drafts"  # drafts/<year>/: what the annual run would publish, before approval
OUTBOX_DIR = "outbox"  # alerts written as .eml files when no SMTP server is configured
UNITS_CSV = "units.csv"
WAREHOUSE_FILE = "warehouse.db"

# --- reading reports ---------------------------------------------------------------------------
# The intake picks files by suffix; the reader then goes by content (selfeval.formats).
REPORT_SUFFIXES = (
    ".txt", ".md", ".docx", ".docm", ".pdf", ".xlsx", ".xlsm", ".xls", ".doc", ".wps", ".et",
    ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp",
)  # fmt: skip
MAX_REPORT_BYTES = 5 * 1024 * 1024  # a 20-page report is ~30 KB of text; 5 MB is not a report
EVIDENCE_MAX_CHARS = 160

# --- amounts -----------------------------------------------------------------------------------
# How many 万元 one source unit is worth, as a power of ten (exact Decimal.scaleb).
UNIT_TO_WAN_EXPONENT = {"元": -4, "万元": 0, "亿元": 4}

# --- what a figure may be (selfeval.numbers_policy; issue 12) ------------------------------------
# The warehouse keeps amounts as NUMERIC(18, 6), points as NUMERIC(10, 4) and percentages as
# NUMERIC(12, 4); SQLite keeps all three as 8-byte floats, which hold 15 significant digits
# exactly. A record with a figure beyond these is rejected before it is checked or loaded, so
# both warehouses store the same exact values and none refuses a row half-way.
FIGURE_MAX_SIGNIFICANT_DIGITS = 15
# (integer digits, decimal places) per kind of figure
AMOUNT_LIMITS = (12, 6)
POINTS_LIMITS = (6, 4)
PERCENT_LIMITS = (8, 4)
# Whole numbers in a record (years, line numbers) are 32-bit integers in the warehouse.
RECORD_INT_MAX = 2**31 - 1

# --- limits on reading one untrusted file (selfeval.limits) ---------------------------------------
# A report of 5 MB reads in well under a second; these bound a hostile one. The memory limit is
# added to what the (forked) process already maps.
PARSE_CPU_SECONDS = 20
PARSE_MEMORY_BYTES = 1024 * 1024 * 1024
# A file whose content is not text (selfeval.formats.sniff: PDF, Office, image) goes to format
# parsers that run in child processes under their own, larger limits; rlimits are inherited, so
# ours would override theirs. Such a file is read without a memory limit of ours and under a CPU
# limit meant only as a backstop. Text is parsed under the limits above.
EXTERNAL_PARSER_CPU_SECONDS = 3600
SNIFF_BYTES = 4096  # what limits_for looks at (a PDF header may follow up to 1 KiB of junk)

# --- files and runs in the intake (selfeval.share; docs/reliability.md) --------------------------
# A file named like an upload or editor file in progress (.x, ~x, x.part …) is left alone this
# long, then rejected with a reason instead of being skipped forever.
TRANSIENT_GRACE_SECONDS = 6 * 3600
# A run claims each file it scanned (<share>/.claims/<sha256>) until the file is loaded or
# rejected; a claim older than this is from a run that died and is taken over.
CLAIMS_DIR = ".claims"
CLAIM_STALE_SECONDS = 3 * 3600
# Every DAG task gets this execution_timeout: a run never hangs on one task.
TASK_TIMEOUT_SECONDS = 30 * 60
# The intake DAG takes files in batches of at most this many, one task per batch (the DAG param
# `batch_files` overrides it per run). Measured in docs/adr/0012-batched-intake.md.
INTAKE_BATCH_FILES = 50
INTAKE_BATCH_FILES_MAX = 1000
# A batch starts no file after this long (those left wait for the next run), leaving the rest of
# TASK_TIMEOUT_SECONDS for one slow file, the batch's check and its loads.
INTAKE_BATCH_READ_SECONDS = 15 * 60

# --- delivering alerts ---------------------------------------------------------------------------
# An alert is tried at most this many times (the first retry at the next run, then after 30 min,
# 1 h, 2 h …, at most 6 h apart), then marked failed; the deliver task then fails the run.
ALERT_MAX_ATTEMPTS = 6
ALERT_RETRY_BASE_SECONDS = 30 * 60
ALERT_RETRY_MAX_SECONDS = 6 * 3600

# --- dimension names: how reports name the same score dimension differently ---------------------
DIMENSION_ALIASES = {
    "履职效能": "履职效能",
    "履职效率": "履职效能",
    "产出效能": "履职效能",
    "管理效能": "管理效能",
    "管理效率": "管理效能",
    "整体效能": "整体效能",
    "预算编制": "预算编制",
    "预算执行": "预算执行",
    "信息公开": "信息公开",
    "绩效管理": "绩效管理",
    "采购管理": "采购管理",
    "资产管理": "资产管理",
    "运行成本": "运行成本",
}

# --- the submission window ---------------------------------------------------------------------
# Reports for fiscal year Y are on time when received by this month/day of year Y+1.
SUBMISSION_DEADLINE_MONTH = 3
SUBMISSION_DEADLINE_DAY = 31

# --- publishing district summaries (selfeval.publish) ---------------------------------------------
# Files of one year are published/<year>/<prefix>_<year>.xlsx, .html, _<sheet slug>.csv and
# manifest.json.
PUBLISH_FILE_PREFIX = "selfeval"

# --- checks (selfeval.checks) ---------------------------------------------------------------------
# The Great Expectations suites live in <repo>/expectations/*.json, one file per flattened table;
# the district team may point at an edited copy with the environment variable below.
EXPECTATIONS_DIR = "expectations"
EXPECTATIONS_DIR_ENV = "SELFEVAL_EXPECTATIONS_DIR"
CHECK_SEVERITIES = ("error", "warning")
# GX logs INFO chatter under this logger (its children inherit the level we set on it).
GX_QUIET_LOGGERS = ("great_expectations",)

# --- DAGs and alerts (issue 5) -----------------------------------------------------------------
# The annual DAG's fiscal_year param must lie in this range (a typo like 224 fails validation).
FISCAL_YEAR_MIN = 2000
FISCAL_YEAR_MAX = 2100

# --- reading other formats (selfeval.formats, issue 11) -----------------------------------------
# Every limit below is checked before or while a parser runs; breaking one rejects the file.
ZIP_MAX_ENTRIES = 1_000  # a Word or Excel file has a few dozen parts
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all parts together, as declared and as read
ZIP_MAX_RATIO = 100  # uncompressed / compressed per part; XML compresses ~10x, bombs ~1000x
SHEET_MAX_ROWS = 10_000  # a 自评表 has tens of rows
SHEET_MAX_COLUMNS = 200
SHEET_MAX_CELLS = 200_000  # rows x columns of one sheet's used range
PDF_MAX_PAGES = 200  # a report has 5-40 pages
PDF_SCAN_MIN_CHARS = 20  # a page with fewer characters of text is a scan (image only)
OCR_MAX_PAGES = 30  # ~20 s of CPU per page
# Each parser runs in a child process with an address-space limit and a wall-clock timeout.
READER_MEMORY_BYTES = 1536 * 1024 * 1024
READER_TIMEOUT_SECONDS = 120
OCR_MEMORY_BYTES = 4 * 1024 * 1024 * 1024  # onnxruntime maps its models and arenas
OCR_TIMEOUT_SECONDS_PER_PAGE = 60
LIBREOFFICE_TIMEOUT_SECONDS = 120
LIBREOFFICE_MEMORY_BYTES = 4 * 1024 * 1024 * 1024
