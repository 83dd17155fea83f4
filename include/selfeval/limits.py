"""Run a parse of an untrusted file in a forked child under a CPU and an address-space limit.

A hostile file must cost its own rejection, never the run: the child gets `RLIMIT_CPU` and
`RLIMIT_AS` (on top of what the parent already maps), returns its result pickled through a pipe,
and dies alone when it exceeds either. Where `fork` is unavailable the function runs in-process
without limits (documented in docs/reliability.md).

The limits are for text reports, which are parsed in this process's child. Office, PDF and image
files (by content) are converted by parsers that run in their own child processes under their
own, larger limits (settings `READER_*`, `OCR_*` of selfeval.formats); rlimits are inherited,
so such files get only a backstop CPU limit and no memory limit of ours (`limits_for`).
"""

from __future__ import annotations

import os
import pickle
import signal
import stat
from collections.abc import Callable
from typing import TypeVar

from selfeval import settings
from selfeval.errors import ReaderFailed

T = TypeVar("T")

_CHILD_FAILED = 70  # exit status of a child that could not even report its error


def _mapped_bytes() -> int:
    """The address space this process maps now (VmSize), 0 when /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(
    write_fd: int,
    fn: Callable[..., object],
    args: tuple[object, ...],
    cpu: int | None,
    memory: int | None,
) -> None:
    import resource

    status = _CHILD_FAILED
    try:
        if cpu is not None:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if memory is not None:
            resource.setrlimit(resource.RLIMIT_AS, (_mapped_bytes() + memory,) * 2)
        try:
            outcome: tuple[str, object] = ("ok", fn(*args))
        except MemoryError:
            outcome = ("memory", None)
        except BaseException as exc:
            outcome = ("error", exc)
        try:
            payload = pickle.dumps(outcome)
        except Exception as exc:
            payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
        status = 0
    finally:
        os._exit(status)


def limits_for(head: bytes) -> tuple[int | None, int | None]:
    """(CPU seconds, extra memory bytes) to parse a file starting with `head` under (None: no
    such limit), by its content as the format readers see it, never by its name."""
    from selfeval.formats.sniff import sniff

    if sniff(head) != "text":
        return settings.EXTERNAL_PARSER_CPU_SECONDS, None
    return settings.PARSE_CPU_SECONDS, settings.PARSE_MEMORY_BYTES


def file_head(path: str) -> bytes:
    """The first bytes of a regular file, enough for `limits_for` (empty for anything else or
    when it cannot be read: the reader then refuses it with its own reason). Never blocks on a
    FIFO."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return os.read(fd, settings.SNIFF_BYTES)
    except OSError:
        return b""
    finally:
        os.close(fd)


def run_limited(
    path: str,
    fn: Callable[..., T],
    *args: object,
    cpu_seconds: int | None = settings.PARSE_CPU_SECONDS,
    memory_bytes: int | None = settings.PARSE_MEMORY_BYTES,
) -> T:
    """`fn(*args)` in a child limited to `cpu_seconds` of CPU and `memory_bytes` more memory
    (None: not limited).

    Returns its result or re-raises its exception; raises `ReaderFailed` (naming `path`) when the
    child exceeded a limit or died.
    """
    if not hasattr(os, "fork"):
        return fn(*args)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which exits in _child
        os.close(read_fd)
        _child(write_fd, fn, args, cpu_seconds, memory_bytes)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            raise ReaderFailed(
                path, f"reading it took more than {cpu_seconds} s of CPU: not a report we can read"
            )
        raise ReaderFailed(path, f"the reader died ({signal.Signals(sig).name})")
    if not payload:
        raise ReaderFailed(path, "the reader stopped without a result")
    kind, value = pickle.loads(payload)
    if kind == "memory":
        limit = "the memory" if memory_bytes is None else f"{memory_bytes // (1024 * 1024)} MB"
        raise ReaderFailed(path, f"reading it needs more than {limit} of memory")
    if kind == "error":
        assert isinstance(value, BaseException)
        raise value
    return value  # type: ignore[no-any-return]
