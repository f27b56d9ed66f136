"""The rule kit: what every family's messages share, so that one thing is named one way.

A metric is named `'id' ("name")`, a node `goal 'id' ("title")`, a document by its product (or
its path when it names none); findings about a whole document point at its `product:` key.
Families read text as whole lowercase words with `as_words`, never as substrings.
"""

from __future__ import annotations

import re
from typing import Optional, Union

from metricspec.workspace import DocItem, MetricItem, NodeItem

_WORD = re.compile(r"[a-z0-9]+")


def metric_name(metric: MetricItem) -> str:
    return f"'{metric.id}' (\"{metric.model.name}\")"


def node_name(node: NodeItem) -> str:
    return f"{node.level_name} '{node.id}' (\"{node.model.title}\")"


def doc_name(doc: DocItem) -> str:
    return f"'{doc.model.product}'" if doc.model.product else doc.display_path


def doc_anchor(doc: DocItem) -> tuple:
    """The field a finding about the whole document points at."""
    return ("product",) if doc.model.product is not None else ("metricspec",)


def retired(item: Union[NodeItem, MetricItem]) -> bool:
    """`status: deprecated`: retired items are not checked, and do not count for others."""
    return item.model.status == "deprecated"


def counted(count: Union[int, float], noun: str) -> str:
    """The count and the noun, plural unless the count is one: "1 node", "3 nodes", "1.5 weekly
    review cycles" (a float prints without a trailing ".0")."""
    number = f"{count:g}" if isinstance(count, float) else f"{count}"
    return f"{number} {noun}{'' if count == 1 else 's'}"


def ids(items: list, limit: int = 4) -> str:
    """The first `limit` items' ids, quoted and separated by commas: "'a', 'b' and 3 more"."""
    shown = ", ".join(f"'{item.id}'" for item in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def join_words(words: list[str], last: str = "and") -> str:
    """Words as a sentence lists them: "a", "a and b", "a, b or c" (with `last="or"`)."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


def as_words(text: Optional[str]) -> str:
    """The text as lowercase words (runs of ASCII letters and digits) joined by single spaces and
    padded with one at each end, so that `" phrase " in as_words(text)` matches whole words only."""
    if not text:
        return " "
    return " " + " ".join(_WORD.findall(text.lower())) + " "
