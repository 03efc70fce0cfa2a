"""A faster copy of objects into a historical revision, installed into pyHanko's reader.

The diff analysis looks at each signed revision through a `HistoricalResolver`, which copies
every object it hands out (`_subsume_object`) so that references inside resolve within that
revision: dictionaries and arrays are rebuilt, references re-pointed, and everything else (names,
numbers, strings, booleans, null) returned as it is. pyHanko 0.38 does this with an
`isinstance` chain and builds a new container `Reference` for every value, leaves included, only
to drop it for the leaves; a two-signature document copies about 570 values per validation.

`subsume_object` does the same copy with exact-type dispatch for pyHanko's own classes and builds
the container reference only where pyHanko keeps it. The checks pyHanko makes on every value stay:
`get_container_ref()` (its error when a value has none) and the container's `idnum` and
`generation` (a leaf whose container is a `Reference` passes them without a call). Streams,
encrypted-object proxies, subclasses and anything else go to pyHanko's own method, and children
are copied through `self._subsume_object` as in pyHanko, so the objects, their container
references and the errors are pyHanko's.

`install()` is idempotent and applies to every pyHanko reader in the process.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath

_ORIGINAL = HistoricalResolver._subsume_object
_ORIGINAL_LOAD = HistoricalResolver._load_reverse_xref_cache
_WALKED = (generic.IndirectObject, generic.DictionaryObject, generic.ArrayObject)
_MISSING = object()
_LEAVES = frozenset(
    {
        generic.NameObject,
        generic.NumberObject,
        generic.FloatObject,
        generic.TextStringObject,
        generic.ByteStringObject,
        generic.BooleanObject,
        generic.NullObject,
    }
)


def _container(obj: Any) -> tuple[int, int]:
    """pyHanko's first step for every value: its container's id and generation."""
    container_ref = obj.get_container_ref()
    return container_ref.idnum, container_ref.generation


def subsume_object(self: Any, obj: Any) -> Any:
    """`HistoricalResolver._subsume_object`: the same copy, container references and errors."""
    cls = type(obj)
    if cls in _LEAVES:
        _container(obj)
        return obj
    if cls is generic.IndirectObject:
        _container(obj)
        return generic.IndirectObject(idnum=obj.idnum, generation=obj.generation, pdf=self)
    if cls is not generic.DictionaryObject and cls is not generic.ArrayObject:
        return _ORIGINAL(self, obj)  # streams, encrypted-object proxies, subclasses
    idnum, generation = _container(obj)
    container_ref = generic.Reference(idnum=idnum, generation=generation, pdf=self)
    # Children are copied by `self._subsume_object`, as in pyHanko. When that is this function,
    # a leaf whose container is a `Reference` (any value read from a file) is handed out as it
    # is without the call: exactly what the call would do.
    copy = self._subsume_object
    leaves = _LEAVES if getattr(copy, "__func__", None) is subsume_object else frozenset()
    reference = generic.Reference
    if cls is generic.DictionaryObject:
        result: Any = generic.DictionaryObject(
            {
                k: v if type(v) in leaves and type(v.container_ref) is reference else copy(v)
                for k, v in obj.items()
            }
        )
    else:
        result = generic.ArrayObject(
            [
                v if type(v) in leaves and type(v.container_ref) is reference else copy(v)
                for v in obj
            ]
        )
    result.container_ref = container_ref
    return result


def load_reverse_xref_cache(self: Any) -> None:
    """`HistoricalResolver._load_reverse_xref_cache`: the same walk from the trailer, in the same
    order, giving the same paths (`ConsList`s, so the sets of paths are built alike).

    pyHanko's walk calls itself for every value of every dictionary and array, building the
    value's path first, and checks whether a reference is already on the path by iterating the
    path. Here a value that is neither a reference, a dictionary nor an array — on which pyHanko's
    call does nothing — is skipped before its path is built, and the references on the current
    path are kept in a set of (id, generation): a `Reference` equals another exactly when both
    agree. A page-tree node is compared with its canonical path only when it has one (pyHanko
    compares a path with itself otherwise). Everything else is pyHanko's code.
    """
    if self._indirect_object_access_cache is not None:
        return
    cons_list = misc.ConsList
    collected: defaultdict[Any, list[Any]] = defaultdict(list)
    on_path: set[tuple[int, int]] = set()

    def _walk(obj: Any, cur_path: Any, is_struct_tree: bool) -> None:
        pushed = None
        if isinstance(obj, generic.IndirectObject):
            obj_ref = obj.reference
            pushed = (obj_ref.idnum, obj_ref.generation)
            if pushed in on_path:
                return
            collected[obj_ref].append(cur_path)
            on_path.add(pushed)
        try:
            if pushed is not None:
                obj = self(obj_ref)
                canonical_path = page_tree_nodes.get(obj_ref, _MISSING)
                if canonical_path is not _MISSING and cur_path != canonical_path:
                    return
                if not is_struct_tree and obj_ref in struct_tree_nodes:
                    return
            if isinstance(obj, generic.DictionaryObject):
                for k, v in obj.items():
                    if k == "/Parent" or (is_struct_tree and k == "/P"):
                        continue
                    if isinstance(v, _WALKED):
                        _walk(
                            v,
                            cur_path.cons(k),
                            is_struct_tree
                            or (
                                cur_path.head == "/StructTreeRoot"
                                and k == "/K"
                                and cur_path.tail == cons_list.sing("/Root")
                            ),
                        )
            elif isinstance(obj, generic.ArrayObject):
                for ix, v in enumerate(obj):
                    if isinstance(v, _WALKED):
                        _walk(v, cur_path.cons(ix), is_struct_tree)
        finally:
            if pushed is not None:
                on_path.discard(pushed)

    def _collect_page_tree_refs(pages_obj: Any, path: Any) -> Iterator[tuple[Any, Any]]:
        for ix, kid in enumerate(pages_obj["/Kids"]):
            kid_path = path.cons("/Kids").cons(ix)
            # should always be true, but hey
            if isinstance(kid, generic.IndirectObject):
                yield kid.reference, kid_path
            kid = kid.get_object()
            if kid.get("/Type", None) == "/Pages":
                yield from _collect_page_tree_refs(kid, kid_path)

    def _collect_struct_tree_refs(struct_elem: Any) -> Iterator[Any]:
        try:
            children = struct_elem["/K"]
        except KeyError:
            return
        # if there's only one child, /K need not be an array
        if not isinstance(children, generic.ArrayObject):
            children = (children,)
        for child in children:
            child_ref = None
            if isinstance(child, generic.IndirectObject):
                child_ref = child.reference
                child = child.get_object()
            # The /K entry can also refer to content items. We don't care about those.
            if not isinstance(child, generic.DictionaryObject):
                continue
            try:
                if child["/Type"] != "/StructElem":
                    continue
            except KeyError:
                # If the child doesn't have a /Type entry, /StructElem is the default
                pass
            if child_ref is not None:
                yield child_ref
            yield from _collect_struct_tree_refs(child)

    pages_ref = self.root.raw_get("/Pages")
    pages_path = cons_list.sing("/Root").cons("/Pages")
    page_tree_nodes: dict[Any, Any] = {}
    if isinstance(pages_ref, generic.IndirectObject):
        page_tree_nodes[pages_ref.reference] = pages_path
    for ref, path in _collect_page_tree_refs(pages_ref.get_object(), pages_path):
        if ref in page_tree_nodes:
            raise misc.PdfReadError("Circular reference in page tree in mapping stage")
        page_tree_nodes[ref] = path
    struct_tree_nodes: set[Any] = set()
    try:
        struct_tree_root_ref = self.root.raw_get("/StructTreeRoot")
        struct_tree_root = struct_tree_root_ref.get_object()
        for ref in _collect_struct_tree_refs(struct_tree_root):
            if ref in struct_tree_nodes:
                raise misc.PdfReadError("Circular reference in structure tree in mapping stage")
            struct_tree_nodes.add(ref)
    except KeyError:
        pass
    _walk(self.trailer_view, cons_list.empty(), False)

    self._indirect_object_access_cache = PathsToReferences(collected)


class PathsToReferences(Mapping[Any, set[RawPdfPath]]):
    """The map pyHanko keeps after its walk (reference → set of `RawPdfPath`s), each set made
    only when it is asked for. pyHanko adds every path (a `ConsList`) to the reference's set
    as it walks, then turns every set into `RawPdfPath`s; hashing a `ConsList` hashes its whole
    tail in Python, again for every path, which was about a third of the walk. The diff
    analysis asks for the paths of a handful of references (those the next revision
    rewrites), so here the walk keeps each reference's paths in a list, in the order pyHanko
    adds them, and a set is made from that list — the same adds in the same order, so the same
    set, iterated in the same order — the first time the reference is asked for. References
    are in pyHanko's order."""

    def __init__(self, collected: dict[Any, list[Any]]) -> None:
        self._walked = collected
        self._made: dict[Any, set[RawPdfPath]] = {}

    def __getitem__(self, ref: Any) -> set[RawPdfPath]:
        try:
            return self._made[ref]
        except KeyError:
            pass
        paths = set()
        for path in self._walked[ref]:  # KeyError, as pyHanko's dict raises it
            paths.add(path)
        made = self._made[ref] = {RawPdfPath(*reversed(list(p))) for p in paths}
        return made

    def __iter__(self) -> Iterator[Any]:
        return iter(self._walked)

    def __len__(self) -> int:
        return len(self._walked)


def install() -> None:
    """Make pyHanko's historical resolvers copy objects with `subsume_object` and map the
    paths to references with `load_reverse_xref_cache` (idempotent)."""
    HistoricalResolver._subsume_object = subsume_object  # type: ignore[method-assign]
    HistoricalResolver._load_reverse_xref_cache = load_reverse_xref_cache  # type: ignore[method-assign]
