"""M: the linter's own hygiene. M001 is found by the engine when it applies suppressions."""

from metricspec.rules import rule


@rule(
    "M001", "unused-suppression", "warning", "engine", "a suppression that suppressed nothing",
    what="A `# metricspec: ignore[...]` or `ignore-file[...]` comment, or a `lint_ignore` entry, "
    "names a selected rule that reported nothing there, or names no rule at all.",
    why="Stale suppressions hide the next real problem at that spot and make readers think "
    "something is wrong that no longer is. Removing them keeps the exceptions list honest.",
)
def _m001() -> None: ...
