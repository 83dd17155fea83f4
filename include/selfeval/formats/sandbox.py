"""Run a format reader in a child process with an address-space limit and a timeout.

A hostile or merely huge file can make a parser allocate without bound or loop: the child
(`python -m selfeval.formats.worker`) sets RLIMIT_AS on itself before importing any parser, gets
the file's bytes on stdin and answers with the Document as JSON on stdout. Only JSON crosses
back, never pickles, so even a compromised child cannot run code in the caller.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from selfeval.document import Document, Grid, Paragraph, Place
from selfeval.errors import UnreadableReport

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding selfeval/


def run_reader(
    reader: str,
    data: bytes,
    *,
    path: str,
    memory_bytes: int,
    timeout_seconds: float,
    options: dict[str, Any] | None = None,
) -> Document:
    """`selfeval.formats.worker` reader `reader` on `data`, within the limits; or UnreadableReport."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    env.setdefault("OMP_NUM_THREADS", "1")
    request = json.dumps(
        {"reader": reader, "path": path, "memory": memory_bytes, "options": options or {}}
    )
    try:
        done = subprocess.run(
            [sys.executable, "-m", "selfeval.formats.worker", request],
            input=data,
            capture_output=True,
            timeout=timeout_seconds,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadableReport(
            path, f"took longer than {timeout_seconds:.0f} s to read: refused"
        ) from exc
    answer = _answer(done.stdout)
    if answer is None:
        if done.returncode < 0:
            name = signal.Signals(-done.returncode).name
            raise UnreadableReport(path, f"made the {reader} reader crash ({name}): refused")
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise UnreadableReport(path, f"cannot be read by the {reader} reader ({tail[0][:200]})")
    if "unreadable" in answer:
        raise UnreadableReport(path, str(answer["unreadable"]))
    return document_from_json(answer["document"])


def _answer(stdout: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def document_to_json(document: Document) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            blocks.append({"p": block.text, "at": _place(block.place)})
        else:
            blocks.append(
                {
                    "rows": [list(r) for r in block.rows],
                    "row_places": [_place(p) for p in block.row_places],
                    "at": _place(block.place),
                }
            )
    return {
        "blocks": blocks,
        "format": document.format,
        "ocr": document.ocr,
        "encoding": document.encoding,
    }


def document_from_json(value: dict[str, Any]) -> Document:
    blocks: list[Paragraph | Grid] = []
    for b in value["blocks"]:
        if "p" in b:
            blocks.append(Paragraph(str(b["p"]), Place(**b["at"])))
        else:
            blocks.append(
                Grid(
                    rows=tuple(tuple(str(c) for c in r) for r in b["rows"]),
                    row_places=tuple(Place(**p) for p in b["row_places"]),
                    place=Place(**b["at"]),
                )
            )
    return Document(
        blocks=tuple(blocks),
        format=value["format"],
        ocr=bool(value["ocr"]),
        encoding=value["encoding"],
    )


def _place(place: Place) -> dict[str, Any]:
    fields = ("line", "page", "sheet", "table", "row", "col")
    return {f: getattr(place, f) for f in fields if getattr(place, f) is not None}
