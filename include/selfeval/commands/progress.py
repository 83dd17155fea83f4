"""Progress on stderr for commands that take many reports (`selfeval check FOLDER`).

On a terminal: a `rich` progress bar that disappears when done. Elsewhere (a log, a pipe, a
test): one plain line per report, so a long run in cron or CI still shows where it is. stdout
is never touched: it holds the output (and the JSON contract).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Protocol


class Progress(Protocol):
    def step(self, name: str) -> None:
        """One report is about to be read."""

    def phase(self, text: str) -> None:
        """A step that is not per report (the batched check) has started."""


class _Silent:
    def step(self, name: str) -> None:
        pass

    def phase(self, text: str) -> None:
        pass


class _Lines:
    def __init__(self, total: int, stream: IO[str]) -> None:
        self.total, self.done, self.stream = total, 0, stream

    def step(self, name: str) -> None:
        self.done += 1
        print(f"读取 {self.done}/{self.total}：{name}", file=self.stream, flush=True)

    def phase(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


@contextmanager
def progress(
    total: int, *, enabled: bool = True, stream: IO[str] | None = None
) -> Iterator[Progress]:
    """A `Progress` for `total` reports; silent when not `enabled` or for a single report."""
    out = sys.stderr if stream is None else stream
    if not enabled or total < 2:
        yield _Silent()
    elif not out.isatty():
        yield _Lines(total, out)
    else:
        with _bar(total, out) as bar:
            yield bar


@contextmanager
def _bar(total: int, out: IO[str]) -> Iterator[Progress]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=out),
        transient=True,
    )
    task = bar.add_task("读取", total=total)

    class _Rich:
        started = False

        def step(self, name: str) -> None:
            if self.started:
                bar.advance(task)
            self.started = True
            bar.update(task, description=f"读取 {name}")

        def phase(self, text: str) -> None:
            bar.update(task, completed=total, description=text)

    with bar:
        yield _Rich()
