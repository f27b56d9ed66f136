"""`--format text`: findings grouped by file, the offending source line with a caret, a summary.

User text is only ever put into rich `Text` objects, never into markup strings, so a metric
named `[/bold]` prints as written; control characters are shown escaped.

Lines are never wrapped by rich (`soft_wrap`). On a terminal (RenderOptions.wrap) a message
wider than the terminal breaks at spaces, its next lines indented, and a source line is cut
around the marked span so that the `^^^` stay under it; in a pipe or a file, lines stay whole.

Without colour, what rich prints is the plain text of each line; `_PlainConsole` and `_PlainText`
print exactly that without importing rich, which is most of the start-up of a run on one file
(tests/test_text_plain.py holds the two to the same bytes).
"""

from __future__ import annotations

import io
from typing import Any

from metricspec.reporters import statistics_rows
from metricspec.terminal import escape_controls as _clean  # the one escape every command uses

_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class _PlainText:
    """The part of rich's Text this reporter uses, for printing without colour."""

    __slots__ = ("plain",)

    def __init__(self, text: str = "", style: Any = None) -> None:
        self.plain = text

    def append(self, text: str, style: Any = None) -> "_PlainText":
        self.plain += text
        return self

    def __add__(self, other: "_PlainText") -> "_PlainText":
        return _PlainText(self.plain + other.plain)

    def __getitem__(self, part: slice) -> "_PlainText":
        return _PlainText(self.plain[part])


class _PlainConsole:
    def __init__(self, file: io.StringIO) -> None:
        self.file = file

    def print(self, text: Any = None) -> None:
        self.file.write("\n" if text is None else text.plain + "\n")


def cell_len(text: str) -> int:
    """Terminal cells of `text`: its length when it is ASCII, else as rich measures it."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


def render(report, options) -> str:
    return _render(report, options, use_rich=options.color)


def _render(report, options, use_rich: bool) -> str:
    buffer = io.StringIO()
    if use_rich:
        from rich.console import Console
        from rich.text import Text

        console: Any = Console(
            file=buffer,
            force_terminal=options.color,
            no_color=not options.color,
            color_system="standard" if options.color else None,
            width=options.width,
            highlight=False,
            emoji=False,
            markup=False,
            soft_wrap=True,
        )
    else:
        console, Text = _PlainConsole(buffer), _PlainText
    current = None
    lines_cache: dict[str, list[str]] = {}
    # --statistics prints the table instead of the findings, as ruff does.
    for diagnostic in () if options.statistics else report.diagnostics:
        if diagnostic.path != current:
            if current is not None:
                console.print()
            current = diagnostic.path
            console.print(Text(_clean(current), style="bold underline"))
        _print_diagnostic(console, Text, report, diagnostic, lines_cache, options.width if options.wrap else 0)
    if options.statistics and report.diagnostics:
        for count, code, name, severity in statistics_rows(report):
            row = Text(f"{count:5}  ")
            row.append(code, style="bold")
            row.append(f"  {name}  ")
            row.append(f"[{severity}]", style=_STYLES[severity])
            console.print(row)
    if options.show_suppressed and report.suppressed:
        if buffer.tell():
            console.print()
        for entry in report.suppressed:
            found = entry.diagnostic
            line = f"suppressed {found.path}:{found.line}:{found.column}: {found.code} {found.message} -- {entry.reason}"
            console.print(Text(_clean(line), style="dim"))
    if options.quiet:
        # --quiet prints the findings only (or what was asked for instead: statistics);
        # the exit code says the rest.
        return buffer.getvalue()
    for entry in report.fixed:
        fixed = f"fixed since the baseline: {entry['path']} {entry['code']} {entry['subject'] or ''}".rstrip()
        console.print(Text(_clean(fixed), style="green"))
    if buffer.tell():
        console.print()
    console.print(_summary(Text, report))
    return buffer.getvalue()


def _print_diagnostic(console: Any, Text: Any, report, diagnostic, cache: dict[str, list[str]], width: int) -> None:
    """One finding; `width` 0: lines whole, else fitted to that many cells."""
    head = Text("  ")
    head.append(f"{diagnostic.line}:{diagnostic.column}", style="dim")
    head.append("  ")
    head.append(diagnostic.severity.value, style=_STYLES[diagnostic.severity.value])
    head.append("  ")
    head.append(diagnostic.code, style="bold")
    head.append(f" {diagnostic.name}: ", style="dim")
    head.append(_clean(diagnostic.message))
    _print_wrapped(console, Text, head, width, 6)
    source = report.sources.get(diagnostic.path)
    if source is not None and source.text:
        lines = cache.get(diagnostic.path)
        if lines is None:
            lines = cache[diagnostic.path] = source.source_lines()
        if 0 < diagnostic.line <= len(lines):
            raw = lines[diagnostic.line - 1]
            if len(raw) <= 400:
                number = str(diagnostic.line)
                gutter = " " * (len(number) + 5)
                plain = raw.replace("\t", " ")
                start = min(max(diagnostic.column - 1, 0), len(plain))
                end = diagnostic.end_column - 1 if diagnostic.end_line == diagnostic.line else len(plain.rstrip())
                end = min(max(end, start), len(plain))
                # Measured in terminal cells of what is shown: escaped controls and wide
                # characters before the column must not shift the caret.
                shown, indent, marks = _window(_clean(plain[:start]), _clean(plain[start:end]), _clean(plain[end:]),
                                               width - len(gutter) - 2 if width else 0)
                console.print(Text(f"    {number} | ", style="dim") + Text(shown))
                console.print(Text(f"{gutter}| ", style="dim") + Text(" " * indent + "^" * marks, style=_STYLES[diagnostic.severity.value]))
    if diagnostic.help:
        _print_wrapped(console, Text, Text("    = help: ", style="dim") + Text(_clean(diagnostic.help)), width, 12)
    if diagnostic.related:
        # The follow-on findings folded into this one (RULES.md, "One root cause, one finding").
        console.print(Text("    = also: ", style="dim") + Text(diagnostic.related_codes()))


def _cut(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` terminal cells."""
    if text.isascii():
        return text[:max(cells, 0)]
    kept = ""
    for char in text:
        if cell_len(kept + char) > cells:
            break
        kept += char
    return kept


def _print_wrapped(console: Any, Text: Any, line: Any, width: int, indent: int) -> None:
    """`line` printed whole, or, when `width` is set and the line is wider, broken at spaces
    with the lines after the first indented by `indent`. A word wider than a line stays whole."""
    text = line.plain
    if not width or cell_len(text) <= width:
        console.print(line)
        return
    start, room, first = 0, width, True
    while start < len(text):
        end = len(text)
        if cell_len(text[start:]) > room:
            cut = start + len(_cut(text[start:], room))
            end = text.rfind(" ", start + 1, cut + 1)
            if end <= start:
                end = text.find(" ", cut)
                end = len(text) if end < 0 else end
        piece = line[start:end]
        console.print(piece if first else Text(" " * indent) + piece)
        start, room, first = end, max(width - indent, 20), False
        while start < len(text) and text[start] == " ":
            start += 1


def _window(pre: str, mid: str, post: str, room: int) -> tuple[str, int, int]:
    """The source line (before the marked span, the span, after it), cut to `room` cells so that
    it is not folded away from its `^^^`: (what is shown, where the marks start, how many).
    `...` stands for what is cut; room 0: never cut."""
    line = pre + mid + post
    if not room or cell_len(line) <= room:
        return line, cell_len(pre), max(1, cell_len(mid))
    if cell_len(pre) + cell_len(mid) + 3 > room and len(pre) > 7:
        pre = "..." + pre[-4:]
    budget = max(1, room - cell_len(pre) - 3)
    shown_mid = _cut(mid, budget)
    shown_post = _cut(post, budget - cell_len(shown_mid)) if shown_mid == mid else ""
    more = "..." if shown_post != post else ""
    return pre + shown_mid + shown_post + more, cell_len(pre), max(1, cell_len(shown_mid))


def _summary(Text: Any, report) -> Any:
    counts = report.summary()
    total = sum(counts.values())
    files = report.files
    file_word = "file" if files == 1 else "files"
    hidden = getattr(report, "hidden", 0)
    tail = f" ({hidden} more hidden by the baseline)" if hidden else ""
    if not total:
        return Text(f"All clear: {files} {file_word} checked, no problems{tail}.", style="green")
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 and s != 'info' else ''}" for s in ("error", "warning", "info")]
    return Text(f"Found {total} problem{'s' if total != 1 else ''} ({', '.join(parts)}) in {files} {file_word}{tail}.",
                style="bold")
