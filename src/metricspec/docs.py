"""Rule documentation: the `rules` table, each rule's page, and docs/rules.md (all from the registry)."""

from __future__ import annotations

import io
import json

from metricspec.rules import Rule, all_rules


def output_width(fallback: int, minimum: int) -> int:
    """The terminal's width (COLUMNS first, as shutil reads it), `fallback` when there is none
    (a pipe), never below `minimum`."""
    import shutil

    return max(minimum, shutil.get_terminal_size((fallback, 24)).columns)


def _console(buffer: io.StringIO, color: bool, width: int):
    from rich.console import Console

    return Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False, markup=False)


def documented() -> dict[str, Rule]:
    """Every rule, then every D code `metricspec diff` reports (diff/pages.py: lint never runs them),
    then every A code `status` reports (actuals/codes.py: lint runs them only with `--actuals`)."""
    from metricspec.actuals.codes import actual_codes
    from metricspec.diff.pages import diff_codes

    return {**all_rules(), **diff_codes(), **actual_codes()}


def rules_table(format: str = "text", color: bool = False) -> str:
    rules = documented().values()
    if format == "json":
        return json.dumps(
            [{"code": r.code, "name": r.name, "family": r.family, "severity": r.severity.value,
              "scope": r.scope, "summary": r.summary} for r in rules],
            indent=2,
        ) + "\n"
    from rich.table import Table

    table = Table(show_lines=False, box=None, pad_edge=False)
    for column in ("code", "name", "family", "severity", "flags"):
        # A code, name or severity is copied whole; a family is words that wrap ("leading/lagging
        # pairs" over two lines), at most as wide as "metric overload", so a narrow terminal
        # leaves the summary the room.
        table.add_column(column, no_wrap=column not in ("family", "flags"), max_width=15 if column == "family" else None)
    for r in rules:
        table.add_row(r.code, r.name, r.family, r.severity.value, r.summary)
    buffer = io.StringIO()
    # Below 80 columns, code, name and severity (50 wide with the gaps) leave the rest no room.
    _console(buffer, color, output_width(110, minimum=80)).print(table)
    return _trimmed(buffer.getvalue(), color)


def _trimmed(text: str, color: bool) -> str:
    """rich pads every line to the width: without colour (a pipe, a file) the padding is
    trailing spaces that diffs and `grep ' $'` trip on, so it goes."""
    return text if color else "".join(line.rstrip() + "\n" for line in text.splitlines())


def rule_markdown(rule: Rule) -> str:
    """One rule's page as Markdown: what it flags, why it matters, an example, the fix, options."""
    parts = [
        f"## {rule.code} {rule.name}\n",
        f"Family: {rule.family}. Default severity: {rule.severity.value}.\n",
        f"### What it does\n\n{rule.doc.what}\n",
        f"### Why it matters\n\n{rule.doc.why}\n",
    ]
    diff_code = rule.scope == "diff"
    if rule.scope == "actuals":
        return _actuals_markdown(rule, parts)
    if rule.doc.example:
        heading = "Example (BASE → HEAD)" if diff_code else "Example"
        parts.append(f"### {heading}\n\n```yaml\n{rule.doc.example.rstrip()}\n```\n")
    if diff_code:
        parts.append(f"### Fix\n\n{rule.doc.advice}\n")
    if rule.doc.fix:
        parts.append(f"### Use instead\n\n```yaml\n{rule.doc.fix.rstrip()}\n```\n")
    if rule.doc.options:
        parts.append("### Options\n\n" + "".join(f"- `{key}`: {meaning}\n" for key, meaning in rule.doc.options))
    if diff_code:  # DIFF.md, Acknowledged changes
        parts.append("Reported by `metricspec diff`, never by lint. Suppression comments and `lint_ignore` do not "
                     "cover it: `history` acknowledges one change, the config (`ignore`, `[severity]`) a code.\n")
    elif rule.code == "E001":  # engine._suppressed_by: a syntax error is fixed, not suppressed
        parts.append("A file that does not parse cannot be silenced by a comment in it: fix it, or `--ignore E001`.\n")
    else:
        parts.append(
            f"Silence it for one item with `# metricspec: ignore[{rule.code}] -- reason` or `lint_ignore: [{rule.code}]`.\n"
        )
    return "\n".join(parts)


def _actuals_markdown(rule: Rule, parts: list) -> str:
    """An A code's page: the example as a spec, a CSV of actuals and the `status` run that
    reports it; then the case that is not flagged (the fixed spec or data)."""
    doc = rule.doc
    today = doc.today.isoformat()
    parts.append(f"### Example\n\n```yaml\n{doc.example.rstrip()}\n```\n")
    parts.append(f"With these actuals in `actuals.csv`:\n\n```csv\n{doc.actuals.rstrip()}\n```\n")
    parts.append(f"`metricspec status --source actuals.csv --today {today}` (or `lint --actuals`) reports {rule.code}.\n")
    if doc.fix or doc.fixed_actuals:
        parts.append("### Not flagged\n")
        if doc.fix:
            parts.append(f"```yaml\n{doc.fix.rstrip()}\n```\n")
        if doc.fixed_actuals:
            parts.append(f"With these actuals:\n\n```csv\n{doc.fixed_actuals.rstrip()}\n```\n")
    if rule.doc.options:
        parts.append("### Options\n\nIn `[tool.metricspec.thresholds]`:\n\n"
                     + "".join(f"- `{key}`: {meaning}\n" for key, meaning in rule.doc.options))
    if rule.code in ("A008", "A009"):  # found at the source, not at a metric
        parts.append(f"Found at the source, not at a metric: select it off with the config's `ignore = [\"{rule.code}\"]` "
                     "or `--ignore`, or re-severity it in `[tool.metricspec.severity]`.\n")
    else:
        parts.append(f"Silence it for one metric with `# metricspec: ignore[{rule.code}] -- reason` on its `id` line or "
                     f"`lint_ignore: [{rule.code}]`; lint checks such suppressions (M001) only with `--actuals`.\n")
    return "\n".join(parts)


def rule_page(rule: Rule, color: bool = False) -> str:
    buffer = io.StringIO()
    # Lines longer than the width overflow instead of being cropped (crop=False): see _CodeBlock.
    _console(buffer, color, output_width(100, minimum=60)).print(_page_markdown(rule_markdown(rule)), crop=False)
    return _trimmed(buffer.getvalue(), color)


def _page_markdown(text: str):
    """rich's Markdown with code blocks that keep their lines whole."""
    from rich.markdown import CodeBlock, Markdown
    from rich.syntax import Syntax
    from rich.text import Text

    class _CodeBlock(CodeBlock):
        """A YAML example or fix, its lines never wrapped nor cropped at the width: a wrapped line
        pasted into a file is another document or none (E001). Indented, in the terminal's own
        colours: a theme's background would end raggedly with the lines, and its foreground
        without it could be unreadable on a light terminal."""

        def __rich_console__(self, console, options):
            code = str(self.text).rstrip()
            highlighted = Syntax(code, self.lexer_name, theme="ansi_dark", background_color="default").highlight(code)
            highlighted.rstrip()
            block = Text("\n").join(Text("    ") + line for line in highlighted.split("\n"))
            block.no_wrap, block.overflow, block.justify = True, "ignore", "default"
            yield block

    class _Markdown(Markdown):
        elements = {**Markdown.elements, "fence": _CodeBlock, "code_block": _CodeBlock}

    return _Markdown(text)


def rules_markdown() -> str:
    """docs/rules.md: every rule's page, generated; a test keeps the committed file in step."""
    header = (
        "# metricspec rules\n\n"
        "Generated by `python -m metricspec.docs` from the rule registry; do not edit by hand.\n\n"
        "| code | name | family | default | flags |\n| --- | --- | --- | --- | --- |\n"
    )
    rows = "".join(
        f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.family} | {r.severity.value} | {r.summary} |\n"
        for r in documented().values()
    )
    return header + rows + "\n" + "\n".join(rule_markdown(r) for r in documented().values())


if __name__ == "__main__":
    import sys

    sys.stdout.write(rules_markdown())
