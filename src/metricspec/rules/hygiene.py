"""M: the linter's own hygiene. M001 and M002 are found by the engine when it applies suppressions."""

from metricspec.rules import rule


@rule(
    "M001", "unused-suppression", "warning", "engine", "a suppression that suppressed nothing",
    what="A `# metricspec: ignore[...]` or `ignore-file[...]` comment, or a `lint_ignore` entry, "
    "names a selected rule that reported nothing there.",
    why="Stale suppressions hide the next real problem at that spot and make readers think "
    "something is wrong that no longer is. Removing them keeps the exceptions list honest.",
)
def _m001() -> None: ...


@rule(
    "M002", "malformed-suppression", "warning", "engine", "a comment that looks like a suppression but is not one",
    what="A comment that reads as a suppression but is not one: `# metricspec:ignore V001` "
    "(no brackets), `# Metricspec: IGNORE[V001]`, a missing bracket, or a suppression or "
    "`lint_ignore` entry that names no rule (`ignore[V01]`).",
    why="It silences nothing, silently: the author believes the finding is handled, the "
    "finding keeps being reported (or failing the build), and nobody can tell why the comment "
    "does not work.",
)
def _m002() -> None: ...
