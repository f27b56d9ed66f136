"""The progress bar `lint` shows on a terminal for runs of hundreds of files (CLI.md).

Never when stderr is not a terminal, under --quiet, or in CI; rich is imported only when a bar
is actually drawn.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, Optional

THRESHOLD = 200  # files; below this a run is over before a bar would help


def wanted(quiet: bool) -> bool:
    if quiet or os.environ.get("CI"):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class FileProgress:
    """A callback for api.LintOptions.progress that draws a rich bar once the run is large.

    The bar is redrawn from the callback itself, never by rich's refresh thread: a large run
    forks its workers (parallel.py), which is only safe while this process has one thread. Once
    the last file is loaded it says the run is checking the rules, and stays until close().
    """

    def __init__(self, console: Optional[Any] = None) -> None:
        self._console = console
        self._progress: Optional[Any] = None
        self._task: Any = None
        self._drawn = 0.0
        self._over = False

    def __call__(self, done: int, total: int) -> None:
        if total < THRESHOLD:
            return
        if self._over:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                console=self._console or Console(stderr=True), transient=True, auto_refresh=False,
            )
            self._progress.start()
            self._task = self._progress.add_task("reading files", total=total)
        self._progress.update(self._task, completed=done + 1)
        if done + 1 >= total:
            # The rules run next, without a callback: drawn once, the phase stays named.
            self._progress.update(self._task, description="checking the rules")
            self._progress.refresh()
            self._over = True
            return
        now = time.monotonic()
        if now - self._drawn >= _REDRAW_SECONDS:
            self._drawn = now
            self._progress.refresh()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
            self._over = True


_REDRAW_SECONDS = 0.1
