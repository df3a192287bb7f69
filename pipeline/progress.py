"""Progress bars for long work, quiet when output is not a terminal or in tests."""
from __future__ import annotations

import os
import sys
from typing import Iterable


class _Bar:
    def __init__(self, description: str, total: int | None):
        self.progress = None
        if sys.stderr.isatty() and not os.environ.get("ORGFUNCTIONS_NO_PROGRESS"):
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), transient=True)
            self.progress.start()
            self.task = self.progress.add_task(description, total=total)

    def advance(self, n: int = 1) -> None:
        if self.progress is not None:
            self.progress.advance(self.task, n)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def progress(items: Iterable | None, description: str, total: int | None = None):
    """Wrap an iterable with a rich progress bar, or return a bar to advance by hand."""
    if items is None:
        return _Bar(description, total)

    def generate():
        bar = _Bar(description, total if total is not None else (len(items) if hasattr(items, "__len__") else None))
        try:
            for item in items:
                yield item
                bar.advance()
        finally:
            bar.close()
    return generate()
