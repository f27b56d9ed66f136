"""The progress bar `lint` shows on a terminal for runs of hundreds of files (CLI.md).

Never when stderr is not a terminal, under --quiet, or in CI; rich is imported only when a bar
is actually drawn.
"""

from __future__ import annotations

import os
import sys
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
    """A callback for api.LintOptions.progress that draws a rich bar once the run is large."""

    def __init__(self) -> None:
        self._progress: Optional[Any] = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if total < THRESHOLD:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(
                TextColumn("linting"), BarColumn(), MofNCompleteColumn(),
                console=Console(stderr=True), transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("lint", total=total)
        self._progress.update(self._task, completed=done + 1)

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
