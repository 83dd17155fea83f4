"""Binary Word and WPS files (.doc, .wps) and what xlrd cannot read: LibreOffice turns them into
.docx/.xlsx, which the usual readers then read, guards included.

`soffice` runs headless with a private profile per call (parallel calls do not share one), a
timeout and an address-space limit. It exits 0 even when it failed, so the output file is what
tells success.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from selfeval import settings
from selfeval.errors import UnreadableReport

NAMES = {"doc": "a Word 97-2003 file (.doc)", "wps": "a WPS Writer file (.wps)",
         "et": "a WPS Spreadsheets file (.et)", "xls": "an Excel 97-2003 file (.xls)"}  # fmt: skip


def soffice() -> str | None:
    """The LibreOffice program, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, *, path: str, kind: str, to: str) -> bytes:
    """`data` (a `kind` file) converted by LibreOffice to `to` ("docx" or "xlsx")."""
    program = soffice()
    if program is None:
        raise UnreadableReport(
            path,
            f"is {NAMES.get(kind, kind)}, which needs LibreOffice, not installed here: "
            f"save it as .{to} and send it again",
        )
    limit = settings.LIBREOFFICE_MEMORY_BYTES

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.TemporaryDirectory(prefix="selfeval-soffice-") as work:
        folder = Path(work)
        source = folder / f"report.{kind if kind != 'et' else 'xls'}"
        source.write_bytes(data)
        out = folder / "out"
        command = [
            program, "--headless", "--norestore", "--nolockcheck", "--nodefault",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to", to, "--outdir", str(out), str(source),
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=limits,  # only setrlimit runs between fork and exec
            env={**os.environ, "HOME": work},
            start_new_session=True,  # its own process group: a timeout kills soffice.bin too
        )
        try:
            process.wait(timeout=settings.LIBREOFFICE_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise UnreadableReport(
                path,
                f"is {NAMES.get(kind, kind)} that LibreOffice did not convert within "
                f"{settings.LIBREOFFICE_TIMEOUT_SECONDS} s: save it as .{to}",
            ) from exc
        result = out / f"report.{to}"
        if not result.is_file() or result.stat().st_size == 0:
            raise UnreadableReport(
                path,
                f"is {NAMES.get(kind, kind)} that LibreOffice could not convert (damaged or "
                f"password-protected?): save it as .{to} and send it again",
            )
        return result.read_bytes()
