"""E: structure. These are found by the loader, the validator and the workspace, not by checks;
they are registered here so that they can be selected, documented and listed like every rule."""

from metricspec.rules import rule


@rule(
    "E001", "yaml-syntax", "error", "engine", "the file is not valid YAML",
    what="The file cannot be read as YAML: a syntax error, a tab used for indentation, an "
    "unclosed bracket, bytes that are not UTF-8, or a file that cannot be opened. The "
    "finding points at the mistake where it can tell, with a hint: a key missing its ':' on "
    "its own line (the parser notices on the next), a value holding ': ' to be quoted, a "
    "quote left open at the line where it opened; elsewhere at the position where the "
    "parser gave up.",
    why="A spec that does not parse measures nothing. Every other rule is blind to the file "
    "until it parses, so this one is always reported first.",
)
def _e001() -> None: ...


@rule(
    "E002", "schema", "error", "engine", "a field is missing, has the wrong type or value, or is unknown",
    what="A field the format requires is missing, a value has the wrong type (text where a "
    "number or date is expected, an impossible date like 2027-06-31), an enumerated field "
    "holds another word, or a key is unknown. An unknown key that another mapping takes "
    "says where it belongs (`target:` lined up with a node's keys belongs on a metric); a "
    "synonym names the key (`type` -> `kind`, a metric's `title` -> `name`); a typo gets a "
    "'did you mean'. Keys starting with `x-` are free for your own extensions.",
    why="A typo in a key silently drops the information: `ownr: ana` leaves the metric "
    "unowned while the file looks fine to a reader. Catching it keeps the spec honest.",
)
def _e002() -> None: ...


@rule(
    "E003", "duplicate-id", "error", "engine", "the same id is defined twice in the run",
    what="Two nodes or metrics share an id, in one file or across the files of a run. Nodes "
    "and metrics share one namespace. The finding names both places.",
    why="References (`pairs_with`, `guardrails`, `parent`, `north_star`) would be ambiguous, "
    "and dashboards keyed on the id would mix two different numbers.",
)
def _e003() -> None: ...


@rule(
    "E004", "unresolved-reference", "error", "engine", "a reference names no such id, or an id of the wrong kind",
    what="`pairs_with`, `guardrails`, `north_star` or `parent` names an id that no file of the "
    "run defines, or an id of the wrong kind: a north star that is a node, a goal whose "
    "parent is not an objective.",
    why="A broken reference breaks the line of sight the spec exists to show: a leading "
    "metric paired with a metric that does not exist has no lagging partner at all.",
)
def _e004() -> None: ...


@rule(
    "E005", "duplicate-key", "error", "engine", "a YAML mapping repeats a key",
    what="A mapping holds the same key twice. The finding points at the second and names the "
    "line of the first.",
    why="YAML parsers silently keep only the last value, so half of what the author wrote "
    "is ignored without a word.",
)
def _e005() -> None: ...


@rule(
    "E006", "not-metricspec", "error", "engine", "a named file is not a metricspec document",
    what="A file named on the command line lacks the top-level `metricspec:` key, declares an "
    "unsupported version, is empty, binary, or its top level is not a mapping. Files found "
    "by walking a directory are skipped instead; `--skip-unrecognized` skips named ones too.",
    why="A file you asked to lint but that is not checked is a silent gap in CI.",
)
def _e006() -> None: ...


@rule(
    "E007", "unsupported-yaml", "error", "engine",
    "anchors, aliases, merge keys, tags, a second document, or a file too large or too deep",
    what="YAML features outside the format: anchors and aliases, merge keys (`<<`), explicit "
    "tags (`!!str`, `!Ref`), a second document after `---`, a file over the size limit "
    "(8 MiB) or nested deeper than 64 levels. None of them is ever expanded or constructed.",
    why="These features hide what a metric really is from a reader, and in hostile input "
    "they are how a few hundred bytes exhaust memory (alias bombs). A metrics spec is read "
    "by people first: write every value out in full.",
)
def _e007() -> None: ...
