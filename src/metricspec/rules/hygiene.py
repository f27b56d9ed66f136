"""M: the linter's own hygiene. M001 is found by the engine when it applies suppressions."""

from metricspec.rules import rule


@rule(
    "M001", "unused-suppression", "warning", "engine", "a suppression that suppressed nothing",
    what="A `# metricspec: ignore[...]` or `ignore-file[...]` comment, or a `lint_ignore` entry, "
    "names a selected rule that reported nothing there, or names no rule at all.",
    why="Stale suppressions hide the next real problem at that spot and make readers think "
    "something is wrong that no longer is. Removing them keeps the exceptions list honest.",
    example="metricspec: 1\nproduct: Acme\nobjectives:\n  - id: revenue  # metricspec: ignore[E003]\n    title: Grow revenue\n",
    fix="metricspec: 1\nproduct: Acme\nobjectives:\n  - id: revenue\n    title: Grow revenue\n",
)
def _m001() -> None: ...
