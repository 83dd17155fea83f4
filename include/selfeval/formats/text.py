"""Text reports (.txt/.md): refuse what is not text, detect the encoding, never assume it.

`read_bytes` is also how every other format's file is read: bounded, regular files only.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from selfeval import settings
from selfeval.errors import UnreadableReport

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Chinese encodings charset-normalizer may name; GB18030 is the superset we decode them with.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz", "euc_cn"}
_BIG5_FAMILY = {"big5", "big5hkscs", "cp950"}


@dataclass(frozen=True, slots=True)
class DecodedReport:
    path: str
    text: str
    encoding: str
    sha256: str
    format: str


def read_report(path: str | os.PathLike[str]) -> DecodedReport:
    """Read and decode one text report; raise `UnreadableReport` naming the file and the reason."""
    name, data = read_bytes(path)
    return decode_report(data, path=name)


def read_bytes(path: str | os.PathLike[str]) -> tuple[str, bytes]:
    """The file's name and bytes, refusing what is missing, special or over the size limit."""
    p = Path(path)
    name = str(p)
    limit = settings.MAX_REPORT_BYTES
    try:
        if not p.exists():
            raise UnreadableReport(name, "no such file")
        if p.is_dir():
            raise UnreadableReport(name, "is a directory, not a report file")
        if not stat.S_ISREG(p.stat().st_mode):  # a pipe or a device would never end
            raise UnreadableReport(name, "is not a regular file")
        with p.open("rb") as handle:
            data = handle.read(limit + 1)  # bounded: the size may change after stat()
        if len(data) > limit:
            raise UnreadableReport(
                name, f"too large for a report (over {limit} bytes; the limit is {limit} bytes)"
            )
    except PermissionError as exc:
        raise UnreadableReport(name, "permission denied") from exc
    except OSError as exc:
        raise UnreadableReport(name, f"cannot be read ({exc.strerror or exc})") from exc
    return name, data


def decode_report(data: bytes, *, path: str) -> DecodedReport:
    """Decode bytes already read; the same checks as `read_report`."""
    digest = hashlib.sha256(data).hexdigest()
    text, encoding = decode_text(data, path=path)
    suffix = Path(path).suffix.lower().lstrip(".") or "txt"
    return DecodedReport(path=path, text=text, encoding=encoding, sha256=digest, format=suffix)


def decode_text(data: bytes, *, path: str) -> tuple[str, str]:
    """The text (line ends as "\\n") and the encoding it was in; refuse what is not text."""
    text, encoding = _decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableReport(path, "contains only white space")
    return text, encoding


def _decode(data: bytes, path: str) -> tuple[str, str]:
    if not data:
        raise UnreadableReport(path, "is empty (0 bytes)")
    if data.startswith(b"%PDF"):
        raise UnreadableReport(
            path, "is a PDF, not text: submit the report turned into text (.txt/.md)"
        )
    if data[:4] == b"PK\x03\x04":
        raise UnreadableReport(
            path, "is a ZIP/Office file, not text: submit the report as .txt/.md"
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff"), encoding
            except UnicodeDecodeError as exc:
                raise UnreadableReport(
                    path, f"starts with a {encoding} byte-order mark but is not valid {encoding}"
                ) from exc
    if b"\x00" in data[:65536]:
        raise UnreadableReport(path, "is binary (contains NUL bytes), not a text report")
    try:
        return _check_text(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    text, encoding = _detect(data, path)
    return _check_text(text, path), encoding


# Words any 部门整体支出绩效自评 report carries; finding one tells a right decoding from mojibake.
_GB_WORDS = ("绩效", "预算", "年度", "部门", "单位", "自评", "支出")
_BIG5_WORDS = ("績效", "預算", "年度", "部門", "單位", "自評", "支出")


def _detect(data: bytes, path: str) -> tuple[str, str]:
    for encoding, words in (("gb18030", _GB_WORDS), ("big5hkscs", _BIG5_WORDS)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(w in text for w in words):
            return text, encoding
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    guess = (best.encoding if best is not None else "").lower().replace("-", "_")
    candidates = ["big5hkscs"] if guess in _BIG5_FAMILY else []
    candidates.append("gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _cjk_ratio(text) >= 0.2:
            return text, encoding
    raise UnreadableReport(
        path, "cannot be decoded: not UTF-8, and not Chinese text in GB18030/GBK or Big5"
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _check_text(text: str, path: str) -> str:
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) / len(sample) > 0.01:
        raise UnreadableReport(path, "is binary (control characters throughout), not a text report")
    return text


def _cjk_ratio(text: str) -> float:
    sample = text[:20000]
    visible = [ch for ch in sample if not ch.isspace()]
    cjk = sum(1 for ch in visible if "\u4e00" <= ch <= "\u9fff")
    return cjk / max(1, len(visible))
