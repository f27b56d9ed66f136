"""`metricspec tree`: the hierarchy of a run, as a rich tree or a Mermaid flowchart.

Both views draw the same thing: every reported document's objectives, goals, outcomes and
behaviors, top down, each with its metrics (kind, and target as baseline -> value by date) and
a mark for the findings of a lint run on it. A node whose `parent:` lives in another file of
the run is drawn under that parent. Nothing here prints; the CLI does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Optional

from rich.console import Group, RenderableType
from rich.text import Text
from rich.tree import Tree

from metricspec.diagnostics import Diagnostic, Severity
from metricspec.terminal import escape_controls
from metricspec.workspace import DocItem, MetricItem, NodeItem, Workspace

LEVEL_STYLES = ("bold magenta", "bold blue", "bold cyan", "bold green")
KIND_STYLES = {"leading": "cyan", "lagging": "magenta"}
SEVERITY_MARKS = {Severity.ERROR: ("✖", "bold red"), Severity.WARNING: ("⚠", "yellow"), Severity.INFO: ("ℹ", "blue")}


class Findings:
    """The findings of the run, by the file and subject they are about."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.by_subject: dict[tuple[str, Optional[str]], list[Diagnostic]] = {}
        for diagnostic in diagnostics:
            self.by_subject.setdefault((diagnostic.path, diagnostic.subject), []).append(diagnostic)

    def on(self, path: str, subject: Optional[str]) -> list[Diagnostic]:
        return self.by_subject.get((path, subject), [])


def one_line(text: object) -> str:
    """Text from the spec on one line, safe for a terminal: a title written as a YAML block
    (`title: |`, or `>` with its closing newline) would break the tree's lines, and a Mermaid
    label; a control character (an ESC sequence in a title, a file name) is shown escaped."""
    return escape_controls(" ".join(str(text).split()))


def format_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def target_text(metric: MetricItem, arrow: str = "→") -> str:
    """`8,500 → 11,000 count by 2027-09-30`; `no target` when there is none."""
    target = metric.model.target
    if target is None:
        return "no target"
    unit = metric.model.unit or ""
    suffix = "%" if unit == "percent" else (f" {unit}" if unit else "")
    parts = []
    if target.value is not None:
        head = f"{format_number(target.baseline)} {arrow} " if target.baseline is not None else f"{arrow} "
        parts.append(f"{head}{format_number(target.value)}{suffix}")
    elif target.baseline is not None:
        parts.append(f"from {format_number(target.baseline)}{suffix}, no target value")
    if target.by is not None:
        parts.append(f"by {target.by.isoformat()}")
    return " ".join(parts) or "empty target"


def roots(doc: DocItem) -> list[NodeItem]:
    """The nodes drawn at the top of a document: those whose parent is not drawn elsewhere."""
    return [node for node in doc.nodes if node.parent is None or not node.parent.doc.reported]


def children(node: NodeItem) -> list[NodeItem]:
    return [child for child in node.children if child.doc.reported]


def _walk(node: NodeItem, seen: set[int]) -> Iterator[NodeItem]:
    if id(node) in seen:
        return
    seen.add(id(node))
    yield node
    for child in children(node):
        yield from _walk(child, seen)


# -- the rich tree -------------------------------------------------------------------------


def text_view(workspace: Optional[Workspace], diagnostics: list[Diagnostic], sources: list[str]) -> RenderableType:
    """A rich renderable: one tree per reported document, then files that could not be drawn."""
    findings = Findings(diagnostics)
    parts: list[RenderableType] = []
    drawn: set[str] = set()
    docs = workspace.reported_docs if workspace is not None else []
    for doc in docs:
        drawn.add(doc.display_path)
        parts.append(_doc_tree(doc, workspace, findings))
    for path in sources:
        if path in drawn:
            continue
        label = Text.assemble((one_line(path), "bold"), "  not drawn: ")
        label.append_text(_marks(findings.on(path, None)) or Text("not a metricspec document"))
        parts.append(label)
    if not parts:
        return Text("No metricspec files found.")
    return Group(*parts)


def _doc_tree(doc: DocItem, workspace: Workspace, findings: Findings) -> Tree:
    model = doc.model
    label = Text(one_line(doc.display_path), style="bold")
    about = [part for part in (model.product, model.stage and f"{model.stage} stage") if part]
    if about:
        label.append(f"  {one_line(', '.join(about))}")
    north_star = workspace.north_star(doc)
    if north_star is not None:
        label.append("  ★ ", style="yellow")
        label.append(one_line(north_star.id))
    marks = _marks(findings.on(doc.display_path, None))
    if marks:
        label.append("  ")
        label.append_text(marks)
    tree = Tree(label, guide_style="dim")
    seen: set[int] = set()
    top = roots(doc)
    for node in top:
        _add_node(tree, node, doc, workspace, findings, seen)
    if not top and doc.nodes:
        tree.add(Text("its nodes are drawn under their parents in the other files", style="dim"))
    return tree


def _add_node(branch: Tree, node: NodeItem, doc: DocItem, workspace: Workspace, findings: Findings, seen: set[int]) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    label = Text.assemble((node.level_name, LEVEL_STYLES[node.level]), " ", (one_line(node.id), "bold"), "  ",
                          one_line(node.model.title))
    if node.model.status != "active":
        label.append(f"  ({one_line(node.model.status)})", style="dim")
    if node.doc is not doc:
        label.append(f"  ({one_line(node.doc.display_path)})", style="dim")
    if node.parent is not None and not node.parent.doc.reported:
        label.append(f"  ↑ {one_line(node.parent.id)} ({one_line(node.parent.doc.display_path)})", style="dim")
    elif node.parent is None and node.model.parent:
        label.append(f"  ↑ {one_line(node.model.parent)} (not found)", style="dim")
    marks = _marks(findings.on(node.doc.display_path, node.id))
    if marks:
        label.append("  ")
        label.append_text(marks)
    sub = branch.add(label)
    north_star = workspace.north_star(node.doc)
    for metric in node.metrics:
        sub.add(_metric_label(metric, metric is north_star, findings))
    for child in children(node):
        _add_node(sub, child, doc, workspace, findings, seen)


def _metric_label(metric: MetricItem, is_north_star: bool, findings: Findings) -> Text:
    model = metric.model
    label = Text()
    label.append("★ " if is_north_star else "◆ ", style="yellow" if is_north_star else "dim")
    label.append(one_line(metric.id), style="bold")
    label.append("  ")
    label.append(model.kind or "no kind", style=KIND_STYLES.get(model.kind or "", "dim italic"))
    label.append("  ")
    label.append(one_line(target_text(metric)), style="" if model.target is not None else "dim italic")
    if model.status != "active":
        label.append(f"  ({one_line(model.status)})", style="dim")
    marks = _marks(findings.on(metric.doc.display_path, metric.id))
    label.append("  ")
    label.append_text(marks or Text("✓", style="green"))
    label.append(f"  {one_line(model.name)}", style="dim")
    return label


def _marks(diagnostics: list[Diagnostic]) -> Optional[Text]:
    """`⚠ T004 P001`: the worst severity's symbol, then every code once, in order."""
    if not diagnostics:
        return None
    worst = max((d.severity for d in diagnostics), key=lambda s: s.rank)
    symbol, style = SEVERITY_MARKS[worst]
    codes = sorted({d.code for d in diagnostics})
    return Text(f"{symbol} {' '.join(codes)}", style=style)


# -- output encodings ----------------------------------------------------------------------

# ASCII stand-ins for the symbols above, for an output that cannot encode them (a Windows
# console's cp1252 has none of them): the tree must print, not fail on its decoration.
_STAND_INS = {"★": "*", "◆": "-", "✖": "x", "⚠": "!", "ℹ": "i", "✓": "ok", "→": "->", "↑": "^"}


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def for_encoding(text: str, encoding: str) -> str:
    """The rendered text tree as `encoding` can print it: its symbols as ASCII stand-ins, and
    whatever else it lacks (an emoji in a title) as `?`."""
    if _encodable(text, encoding):
        return text
    for symbol, stand_in in _STAND_INS.items():
        if not _encodable(symbol, encoding):
            text = text.replace(symbol, stand_in)
    return text.encode(encoding, errors="replace").decode(encoding)


def mermaid_for_encoding(text: str, encoding: str) -> str:
    """The Mermaid chart as `encoding` can print it: what it lacks as Mermaid's `#9733;` entity
    codes, which the rendered chart shows as the character itself."""
    if _encodable(text, encoding):
        return text
    return "".join(char if _encodable(char, encoding) else f"#{ord(char)};" for char in text)


# -- Mermaid -------------------------------------------------------------------------------

_SHAPES = (('["', '"]'), ('("', '")'), ('(["', '"])'), ('[/"', '"/]'))
_METRIC_SHAPE = ('[("', '")]')
# Characters that would end a quoted label or be read as markup, as Mermaid's `#code;` entities.
_ESCAPES = {'"': "#34;", "#": "#35;", "&": "#38;", "<": "#60;", ">": "#62;", "`": "#96;"}
_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
_SEVERITY_WORDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def mermaid_label(text: str) -> str:
    """Text safe inside a double-quoted Mermaid label: markup characters as entities, one line."""
    return _ESCAPE.sub(lambda match: _ESCAPES[match.group(0)], one_line(text))


class _Ids:
    """Mermaid ids from metricspec ids: letters, digits and `_` only, unique, never a keyword."""

    def __init__(self) -> None:
        self.names: dict[int, str] = {}
        self.taken: set[str] = set()

    def __call__(self, item: object, prefix: str, name: str) -> str:
        if id(item) in self.names:
            return self.names[id(item)]
        base = prefix + re.sub(r"[^A-Za-z0-9_]", "_", name)
        candidate, counter = base, 2
        while candidate in self.taken:
            candidate, counter = f"{base}_{counter}", counter + 1
        self.taken.add(candidate)
        self.names[id(item)] = candidate
        return candidate


def mermaid(workspace: Optional[Workspace], diagnostics: list[Diagnostic]) -> str:
    """A `flowchart TD` of every reported document: nodes top down, metrics hanging off them."""
    findings = Findings(diagnostics)
    ids = _Ids()
    lines = ["flowchart TD"]
    classes: dict[str, list[str]] = {name: [] for name in ("objective", "goal", "outcome", "behavior", "leading", "lagging", "metric", "finding")}
    edges: list[str] = []
    seen: set[int] = set()
    docs = workspace.reported_docs if workspace is not None else []
    for doc in docs:
        lines.append(f"  %% {one_line(doc.display_path)}")
        for root in roots(doc):
            for node in _walk(root, seen):
                name = ids(node, "n_", node.id)
                opening, closing = _SHAPES[node.level]
                title = f"{node.level_name.capitalize()}: {node.model.title}{_status(node.model.status)}"
                label = mermaid_label(title) + "<br/>" + mermaid_label(node.id) + _mermaid_marks(findings.on(node.doc.display_path, node.id))
                lines.append(f"  {name}{opening}{label}{closing}")
                classes[node.level_name].append(name)
                if findings.on(node.doc.display_path, node.id):
                    classes["finding"].append(name)
                if node.parent is not None and node.parent.doc.reported and id(node.parent) in ids.names:
                    edges.append(f"  {ids.names[id(node.parent)]} --> {name}")
                for metric in node.metrics:
                    metric_name = ids(metric, "m_", metric.id)
                    star = "North star: " if metric is workspace.north_star(metric.doc) else ""
                    kind = metric.model.kind or "no kind"
                    detail = f"{kind}, {target_text(metric, arrow='to')}{_status(metric.model.status)}"
                    label = (mermaid_label(star + metric.model.name) + "<br/>" + mermaid_label(detail)
                             + _mermaid_marks(findings.on(metric.doc.display_path, metric.id)))
                    lines.append(f"  {metric_name}{_METRIC_SHAPE[0]}{label}{_METRIC_SHAPE[1]}")
                    edges.append(f"  {name} -.- {metric_name}")
                    classes[metric.model.kind if metric.model.kind in KIND_STYLES else "metric"].append(metric_name)
                    if findings.on(metric.doc.display_path, metric.id):
                        classes["finding"].append(metric_name)
    lines.extend(edges)
    lines.extend([
        "  classDef objective fill:#f3e8ff,stroke:#7e22ce",
        "  classDef goal fill:#dbeafe,stroke:#1d4ed8",
        "  classDef outcome fill:#cffafe,stroke:#0e7490",
        "  classDef behavior fill:#dcfce7,stroke:#15803d",
        "  classDef leading fill:#ecfeff,stroke:#0891b2",
        "  classDef lagging fill:#fdf4ff,stroke:#a21caf",
        "  classDef metric fill:#f4f4f5,stroke:#71717a",
        "  classDef finding stroke:#dc2626,stroke-width:3px",
    ])
    for name, members in classes.items():
        if members:
            lines.append(f"  class {','.join(members)} {name}")
    return "\n".join(lines) + "\n"


def _status(status: str) -> str:
    """` (deprecated)`, ` (proposed)`: as the text tree marks what is not active."""
    return "" if status == "active" else f" ({status})"


def _mermaid_marks(diagnostics: list[Diagnostic]) -> str:
    if not diagnostics:
        return ""
    worst = max((d.severity for d in diagnostics), key=lambda s: s.rank)
    codes = " ".join(sorted({d.code for d in diagnostics}))
    return "<br/>" + mermaid_label(f"{_SEVERITY_WORDS[worst]}: {codes}")

