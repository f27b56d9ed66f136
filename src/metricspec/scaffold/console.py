"""What `init` asks on a terminal and what it shows afterwards, through a console the CLI passes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from rich.console import Console
from rich.markup import escape as escape_markup
from rich.prompt import Prompt

from metricspec.scaffold import DEFAULT_STAGES, DESCRIPTIONS, STAGES, TEMPLATES, InitResult, default_product
from metricspec.terminal import escape_controls

STAGE_HINTS = {
    "discovery": "validating the problem: interviews, problem scores",
    "mvp": "first users: activation and retention",
    "growth": "scaling: acquisition efficiency, adoption, revenue",
    "maturity": "defending and expanding: net revenue retention, margin",
}


def ask(console: Console, directory: Path, product: Optional[str], template: Optional[str],
        stage: Optional[str]) -> tuple[str, str, str]:
    """Ask for whatever the command line left open; Enter takes the default shown."""
    if not product:
        # The default (the folder's name) is shown escaped, as everything else; Enter returns it as it is.
        default = default_product(directory)
        product = Prompt.ask(f"Product name [prompt.default]({escape(default)})", default=default, console=console,
                             show_default=False).strip()
    if template is None:
        console.print("Templates:")
        for name in TEMPLATES:
            console.print(f"  [bold]{name:<12}[/bold] {escape(DESCRIPTIONS[name])}")
        template = Prompt.ask("Template", choices=list(TEMPLATES), default="saas", console=console, show_choices=False)
    if stage is None:
        console.print("Stages:")
        for name in STAGES:
            console.print(f"  [bold]{name:<12}[/bold] {escape(STAGE_HINTS[name])}")
        stage = Prompt.ask("Stage", choices=list(STAGES), default=DEFAULT_STAGES[template], console=console,
                           show_choices=False)
    return product or default_product(directory), template, stage


def show(result: InitResult, out: Console, err: Console) -> None:
    if result.error:
        for action in result.written:
            out.print(f"  {action.verb}  {escape(_shown(action.path))}")
        err.print(f"metricspec: error: {escape(result.error)}")
        return
    if result.conflicts:
        names = ", ".join(_shown(path) for path in result.conflicts)
        err.print(f"metricspec: {escape(names)} already exists; nothing was written.")
        err.print("Use [bold]--force[/bold] to overwrite it, or [bold]--product[/bold] to start a spec for another product.")
        for action in result.kept:
            err.print(f"  {action.verb:<9} {escape(_shown(action.path))} ({escape(action.note)})")
        return
    out.print(f"Scaffolded metrics for [bold]{escape(result.product)}[/bold]:")
    width = max(len(action.verb) for action in [*result.written, *result.kept])
    for action in [*result.written, *result.kept]:
        style = "green" if action in result.written else "dim"
        out.print(f"  [{style}]{action.verb:<{width}}[/{style}]  {escape(_shown(action.path))}"
                  + (f"  [dim]({escape(action.note)})[/dim]" if action.note else ""))
    if result.manual_hook:
        err.print(f"metricspec: {escape(result.manual_reason)}; add this entry under its `repos:` yourself:")
        err.print(result.manual_hook.rstrip("\n"), markup=False, highlight=False)  # metricspec's own lines
    if result.findings:
        out.print()
        out.print(f"The new spec has {len(result.findings)} finding{'s' if len(result.findings) != 1 else ''} "
                  f"to look at (`metricspec lint --select ALL`):")
        for diagnostic in result.findings:
            out.print(f"  {diagnostic.code} {escape(diagnostic.path)}:{diagnostic.line} {escape(diagnostic.message)}")
        if result.stage != DEFAULT_STAGES[result.template]:
            out.print(f"The {result.template} template is written for the {DEFAULT_STAGES[result.template]} stage: "
                      f"adapt the metrics above to what a product at the {result.stage} stage must prove.")
    out.print()
    out.print("Next:")
    width = max(len(command) for command, _ in result.next_steps)
    for command, why in result.next_steps:
        out.print(f"  [bold]{escape(command):<{width}}[/bold]  {escape(why)}")


def escape(text: str) -> str:
    """Text from the user or a file for a console that reads markup: control characters shown
    escaped (a product name holding ESC must not drive the terminal), `[` not read as markup."""
    return escape_markup(escape_controls(text))


def _shown(path: Path) -> str:
    """The path relative to the working directory when it lies below it."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    return absolute if relative.startswith("..") else relative
