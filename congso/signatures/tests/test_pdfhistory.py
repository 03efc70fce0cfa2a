"""The fast copy into a historical revision gives exactly what pyHanko's own copy gives."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import HistoricalResolver, PdfFileReader

from congso.signatures.lib import pdfhistory
from congso.signatures.tests import pdfattacks

ORIGINAL = pdfhistory._ORIGINAL


def _copy(function: Any, resolver: Any, obj: Any) -> Any:
    """Copy `obj` with `function` for the whole tree (children included), or its error."""
    saved = HistoricalResolver._subsume_object
    HistoricalResolver._subsume_object = function  # type: ignore[method-assign]
    try:
        return resolver._subsume_object(obj)
    except Exception as exc:
        return type(exc), str(exc)
    finally:
        HistoricalResolver._subsume_object = saved  # type: ignore[method-assign]


def _same_object(fast: Any, slow: Any, resolver: Any) -> None:
    assert type(fast) is type(slow)
    if isinstance(slow, tuple):
        assert fast == slow  # the same error
        return
    assert fast.container_ref == slow.container_ref
    assert getattr(fast.container_ref, "pdf", None) is getattr(slow.container_ref, "pdf", None)
    if isinstance(slow, generic.IndirectObject):
        assert fast.reference == slow.reference
        assert fast.reference.pdf is slow.reference.pdf is resolver
    elif isinstance(slow, generic.DictionaryObject):
        assert list(fast.keys()) == list(slow.keys())
        for key in slow:
            _same_object(fast.raw_get(key), slow.raw_get(key), resolver)
        if isinstance(slow, generic.StreamObject):
            assert fast.encoded_data == slow.encoded_data
    elif isinstance(slow, generic.ArrayObject):
        assert len(fast) == len(slow)
        for fast_item, slow_item in zip(fast, slow, strict=True):
            _same_object(fast_item, slow_item, resolver)
    else:
        assert fast is slow  # leaves are handed out as they are, as pyHanko does


def _same(resolver: Any, obj: Any) -> None:
    fast = _copy(pdfhistory.subsume_object, resolver, obj)
    slow = _copy(ORIGINAL, resolver, obj)
    _same_object(fast, slow, resolver)


def _leaf(draw: Any) -> Any:
    return draw(
        st.sampled_from(
            [
                lambda: generic.NameObject("/Type"),
                lambda: generic.NumberObject(3),
                lambda: generic.FloatObject("1.5"),
                lambda: generic.TextStringObject("text"),
                lambda: generic.ByteStringObject(b"\xff\x00"),
                lambda: generic.BooleanObject(True),
                lambda: generic.NullObject(),
                lambda: generic.IndirectObject(5, 0, None),
            ]
        )
    )()


@st.composite
def _tree(draw: Any, depth: int = 0) -> Any:
    kind = draw(st.sampled_from(["leaf", "dict", "array", "stream"] if depth < 3 else ["leaf"]))
    if kind == "leaf":
        obj = _leaf(draw)
    elif kind == "array":
        obj = generic.ArrayObject(draw(st.lists(_tree(depth + 1), max_size=4)))
    else:
        keys = draw(st.lists(st.sampled_from(["/A", "/B", "/Kids", "/Length"]), unique=True))
        data = {generic.NameObject(k): draw(_tree(depth + 1)) for k in keys}
        obj = (
            generic.DictionaryObject(data)
            if kind == "dict"
            else generic.StreamObject(data, encoded_data=b"data")
        )
    # an object read from a file always has a container; one made by hand may not
    if draw(st.integers(0, 20)) > 0:
        obj.container_ref = generic.Reference(draw(st.integers(1, 9)), 0)
    return obj


@given(tree=_tree())
def test_same_copy_and_errors_as_pyhanko(tree):
    # given a historical resolver and any object tree (with or without container references)
    reader = PdfFileReader(BytesIO(_minimal_pdf()), strict=True)
    resolver = HistoricalResolver(reader, 0)
    # when both copy it / then the copies, their container references and errors agree
    _same(resolver, tree)


def test_every_object_of_every_revision_is_copied_as_pyhanko_copies_it(signed_twice):
    # given a two-signature document and a resolver per revision
    reader = PdfFileReader(BytesIO(signed_twice), strict=True)
    checked = 0
    for revision in range(reader.xrefs.total_revisions):
        resolver = reader.get_historical_resolver(revision)
        for ref in reader.xrefs.explicit_refs_in_revision(revision):
            obj = reader.get_object(ref, revision, transparent_decrypt=False)
            # when both copy the object / then the copies are the same
            _same(resolver, obj)
            checked += 1
    assert checked > 20


def _paths_to_refs(data: bytes, load: Any) -> list[Any]:
    """Per revision: pyHanko's map of reference -> paths from the trailer (or its error), with
    the order of references and of paths, and the handler each key reference carries."""
    reader = PdfFileReader(BytesIO(data), strict=False)
    result: list[Any] = []
    for revision in range(reader.xrefs.total_revisions):
        resolver = reader.get_historical_resolver(revision)
        try:
            load(resolver)
        except Exception as exc:
            result.append((type(exc), str(exc)))
            continue
        cache = resolver._indirect_object_access_cache
        assert cache is not None
        result.append(
            [
                (ref, type(ref.pdf).__name__, [path.path for path in paths])
                for ref, paths in cache.items()
            ]
        )
    return result


def _same_paths(data: bytes) -> None:
    fast = _paths_to_refs(data, pdfhistory.load_reverse_xref_cache)
    slow = _paths_to_refs(data, pdfhistory._ORIGINAL_LOAD)
    assert fast == slow


def test_paths_to_references_are_those_of_pyhanko(signed_twice):
    # given a two-signature document
    # when each revision's references are mapped to their paths from the trailer
    # then the map, its order and the order of each set of paths are pyHanko's
    _same_paths(signed_twice)
    assert len(_paths_to_refs(signed_twice, pdfhistory.load_reverse_xref_cache)[-1]) > 20


@pytest.mark.parametrize(
    "attack",
    [
        pdfattacks.add_page,
        pdfattacks.remove_page,
        pdfattacks.add_overlay_annotation,
        pdfattacks.add_form_field,
        lambda data: pdfattacks.many_revisions(data, 3),
    ],
)
def test_paths_to_references_of_modified_documents_are_those_of_pyhanko(signed_twice, attack):
    _same_paths(attack(signed_twice))


def _tagged_pdf_with_cycles() -> bytes:
    """Two pages linking to each other, a structure tree with /P and /ParentTree, a /Kids array
    outside the page tree, a reference cycle and a dictionary reached by several paths."""
    from pyhanko.pdf_utils.generic import ArrayObject as Arr
    from pyhanko.pdf_utils.generic import DictionaryObject as Dict
    from pyhanko.pdf_utils.generic import NameObject as Name
    from pyhanko.pdf_utils.generic import NumberObject as Num
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    root = writer.root
    pages_ref = root.raw_get("/Pages")
    pages = pages_ref.get_object()
    shared = writer.add_object(Dict({Name("/Shared"): Num(1)}))
    page_refs = []
    for _ in range(2):
        page_refs.append(
            writer.add_object(
                Dict(
                    {
                        Name("/Type"): Name("/Page"),
                        Name("/Parent"): pages_ref,
                        Name("/MediaBox"): Arr([Num(0), Num(0), Num(10), Num(10)]),
                        Name("/Resources"): shared,
                    }
                )
            )
        )
    for page_ref, other in zip(page_refs, reversed(page_refs), strict=True):
        link = Dict({Name("/Subtype"): Name("/Link"), Name("/Dest"): Arr([other, Name("/Fit")])})
        page_ref.get_object()[Name("/Annots")] = Arr([writer.add_object(link)])
    pages[Name("/Kids")] = Arr(page_refs)
    pages[Name("/Count")] = Num(2)
    cycle_a = writer.add_object(Dict({Name("/Kids"): Arr(page_refs)}))
    cycle_b = writer.add_object(Dict({Name("/Next"): cycle_a}))
    cycle_a.get_object()[Name("/Next")] = cycle_b
    struct_root_ref = writer.add_object(Dict({Name("/Type"): Name("/StructTreeRoot")}))
    elements = []
    for page_ref in page_refs:
        elements.append(
            writer.add_object(
                Dict(
                    {
                        Name("/Type"): Name("/StructElem"),
                        Name("/S"): Name("/P"),
                        Name("/P"): struct_root_ref,
                        Name("/Pg"): page_ref,
                        Name("/K"): Num(0),
                    }
                )
            )
        )
    # a /P inside the structure tree is not followed, even to an object reached nowhere else
    elements[1].get_object()[Name("/P")] = writer.add_object(Dict({Name("/Only"): Num(1)}))
    struct_root = struct_root_ref.get_object()
    struct_root[Name("/K")] = Arr(elements)
    struct_root[Name("/ParentTree")] = writer.add_object(
        Dict({Name("/Nums"): Arr([Num(0), Arr(elements)])})
    )
    root[Name("/StructTreeRoot")] = struct_root_ref
    root[Name("/Extra")] = Arr([cycle_a, shared, shared])
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_paths_through_page_and_structure_trees_and_cycles_are_those_of_pyhanko():
    data = _tagged_pdf_with_cycles()
    _same_paths(data)
    (paths,) = _paths_to_refs(data, pdfhistory.load_reverse_xref_cache)
    assert any(len(found) > 1 for _, _, found in paths)  # a reference reached by several paths


def test_it_is_the_copy_pyhanko_uses():
    import congso.signatures.lib  # noqa: F401 - installs it

    assert HistoricalResolver._subsume_object is pdfhistory.subsume_object
    assert HistoricalResolver._load_reverse_xref_cache is pdfhistory.load_reverse_xref_cache


def _minimal_pdf() -> bytes:
    from pyhanko.pdf_utils.writer import PdfFileWriter

    out = BytesIO()
    PdfFileWriter().write(out)
    return out.getvalue()
