"""Turn the selectors' nested nodes into what templates render quickly.

A ~250-node tree rendered with a recursive `{% include %}` costs one template context per level;
a flat list of rows (open a branch, a leaf, close a branch) renders in one loop instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

RowKind = Literal["branch", "leaf", "close"]


@dataclass(frozen=True, slots=True)
class TreeRow:
    kind: RowKind
    node: Any = None
    depth: int = 0
    child_count: int = 0


def tree_rows(nodes: Sequence[Any], *, depth: int = 0) -> Iterator[TreeRow]:
    """Rows in document order: `branch` opens a node with children, `close` ends it."""
    for node in nodes:
        children = node.children
        if children:
            yield TreeRow("branch", node, depth, len(children))
            yield from tree_rows(children, depth=depth + 1)
            yield TreeRow("close", None, depth)
        else:
            yield TreeRow("leaf", node, depth)


def node_count(nodes: Sequence[Any]) -> int:
    return sum(1 + node_count(node.children) for node in nodes)


def node_path(nodes: Sequence[Any], node_id: int) -> list[Any] | None:
    """The chain from a root down to the node with `node_id`, or None when it is not in the tree."""
    for node in nodes:
        if node.id == node_id:
            return [node]
        below = node_path(node.children, node_id)
        if below is not None:
            return [node, *below]
    return None
