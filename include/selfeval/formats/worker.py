"""The child process of `sandbox.run_reader`: limit itself, read stdin, print the Document."""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

from selfeval.document import Document
from selfeval.errors import UnreadableReport


def _read(reader: str, data: bytes, path: str, options: dict[str, Any]) -> Document:
    if reader == "docx":
        from selfeval.formats.docx import read_docx

        return read_docx(data, path=path)
    if reader == "xlsx":
        from selfeval.formats.sheets import read_xlsx

        return read_xlsx(data, path=path)
    if reader == "xls":
        from selfeval.formats.sheets import read_xls

        return read_xls(data, path=path)
    if reader == "pdf":
        from selfeval.formats.pdf import read_pdf

        return read_pdf(data, path=path, ocr=bool(options.get("ocr")))
    if reader == "image":
        from selfeval.formats.ocr import read_image

        return read_image(data, path=path)
    if reader == "selftest":  # the sandbox's own tests: misbehave as a hostile parser would
        return _selftest(str(options.get("action")))
    raise UnreadableReport(path, f"no reader named {reader!r}")


_LABELS = {
    "docx": "is a Word file that cannot be read",
    "xlsx": "is an Excel file that cannot be read",
    "xls": "is an Excel (.xls) file that cannot be read",
    "pdf": "is a PDF that cannot be read",
    "image": "is an image that cannot be read",
}


def _selftest(action: str) -> Document:
    if action == "allocate":
        hog = [bytearray(64 * 2**20) for _ in range(256)]  # 16 GB
        raise AssertionError(len(hog))
    if action == "sleep":
        import time

        time.sleep(3600)
    if action == "crash":
        import os
        import signal

        os.kill(os.getpid(), signal.SIGSEGV)
    return Document(blocks=(), format="txt")


def main() -> int:
    request = json.loads(sys.argv[1])
    memory = int(request["memory"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    path = str(request["path"])
    data = sys.stdin.buffer.read()
    try:
        document = _read(str(request["reader"]), data, path, dict(request["options"]))
    except UnreadableReport as exc:
        answer: dict[str, Any] = {"unreadable": exc.reason}
    except MemoryError:
        answer = {"unreadable": f"needs more than {memory // 2**20} MB of memory to read: refused"}
    except Exception as exc:  # a parser's own error on a damaged file
        label = _LABELS.get(str(request["reader"]), "cannot be read")
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        answer = {"unreadable": f"{label} ({detail})"}
    else:
        from selfeval.formats.sandbox import document_to_json

        answer = {"document": document_to_json(document)}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
