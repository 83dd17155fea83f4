"""Names that come from submitters, made safe to show, to store and to create on disk.

A leaf module (the standard library only): the share, the alerts, the warehouse and the commands
all use it, so nothing here may import from selfeval.
"""

from __future__ import annotations

import os
import unicodedata

# 255 bytes is the usual file-name limit; keep well under it so prefixes and suffixes still fit.
_SAFE_NAME_MAX_BYTES = 120
_SUFFIX_MAX_CHARS = 12


def printable(text: str) -> str:
    """`text` with control and bidi-override characters escaped, safe to print in one line."""
    return "".join(
        f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in text
    )


def encodable_name(name: str) -> str:
    """A file name as text that UTF-8 (JSON, the warehouse, a terminal) can encode.

    A name that was not valid UTF-8 on disk reaches Python with surrogate escapes, which no
    UTF-8 encoder accepts: its bytes are shown as "\\xff" instead, as in the inbox's reason files.
    Anything else is kept as it is.
    """
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:  # a surrogate that no file name decoded into
        raw = name.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def display_name(name: str) -> str:
    """A file name as one printable line: `encodable_name`, then `printable`."""
    return printable(encodable_name(name))


def safe_name(name: str) -> str:
    """A file name that is safe to create anywhere: one component, printable, bounded length.

    Keeps the readable part (Chinese included) so people recognise their file; control and
    format characters, separators and undecodable bytes become "_"; leading dots are dropped so
    nothing turns hidden; the suffix survives truncation.
    """
    text = unicodedata.normalize("NFC", name)
    chars: list[str] = []
    for ch in text:
        if ch in "/\\:" or unicodedata.category(ch).startswith("C") or ch in "\u2028\u2029":
            chars.append("_")
        else:
            chars.append(ch)
    cleaned = "".join(chars).strip().lstrip(".").strip()
    if cleaned in ("", "_", "__"):
        cleaned = "file"
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot or not stem or len(suffix) > _SUFFIX_MAX_CHARS or " " in suffix:
        stem, suffix = cleaned, ""
    tail = f".{suffix}" if suffix else ""
    budget = _SAFE_NAME_MAX_BYTES - len(tail.encode("utf-8"))
    encoded = stem.encode("utf-8")
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", errors="ignore").rstrip() or "file"
    return stem + tail
