"""What a file is, from its first bytes and its container's part names: never from its name."""

from __future__ import annotations

from typing import Literal

Kind = Literal["pdf", "zip", "ole", "image", "text"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGICS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def sniff(data: bytes) -> Kind:
    """The container kind of `data`; anything unrecognised is treated as text."""
    if data[:1024].lstrip().startswith(b"%PDF"):
        return "pdf"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if data.startswith(_IMAGE_MAGICS) or _is_bmp(data):
        return "image"
    return "text"


def _is_bmp(data: bytes) -> bool:
    return (
        len(data) > 26
        and data[:2] == b"BM"
        and int.from_bytes(data[2:6], "little") == len(data)
        and data[6:10] == b"\x00\x00\x00\x00"
    )


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


# Stream names as an OLE compound file's directory stores them (UTF-16LE).
OLE_ENCRYPTED = _utf16("EncryptedPackage")  # a password-protected .docx/.xlsx
OLE_WORD = _utf16("WordDocument")  # .doc, and WPS Writer's .wps
OLE_WORKBOOK = (_utf16("Workbook"), _utf16("Book\x00"))  # .xls (BIFF8 / BIFF5), WPS's .et


def ole_kind(data: bytes) -> Literal["encrypted", "word", "workbook", "other"]:
    """Which application's binary file an OLE compound file is, from its stream names."""
    if OLE_ENCRYPTED in data:
        return "encrypted"
    if OLE_WORD in data:
        return "word"
    if any(name in data for name in OLE_WORKBOOK):
        return "workbook"
    return "other"
