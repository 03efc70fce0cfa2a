"""Reading a small package in memory: libxml2 (lxml) parses and canonicalizes in C, with the
results of the streaming reader (xmlstream.py + c14n.py), which stays the reference.

Most packages are small (a header, a status, a few hundred KB of attachments), and for them the
streaming reader spends its time in Python handlers, one call per parser event. Here, a package
of at most `SMALL_PACKAGE_BYTES` is parsed by lxml with the same hardening (no DTD, no entities,
no network), walked once into the same `Node` tree, and its signature digest is lxml's C14N of
the tree without the Signature element.

Whenever the result could differ from the streaming reader's, `read_small` returns None and the
caller reads the package with `StreamParser` instead, which then gives the exact result or error
(same code, same message): anything lxml refuses or warns about, a DOCTYPE, an encoding other
than UTF-8, XML other than 1.0, a processing instruction in the root element, `xmlns=""` or
`xmlns:xml`, a name (element, attribute, prefix, processing instruction) outside ASCII, any
`Limits` bound reached, an attachment that does not decode, a namespaced
attribute whose prefix is ambiguous; for the signature check, also a comment or processing
instruction outside the root element and the unusual Signature placements the streaming
verifier treats specially.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

from lxml import etree

from congso.exchange.lib import config as C
from congso.exchange.lib.c14n import XML_NS, Attr, Canonicalizer
from congso.exchange.lib.docdigest import LONG_TEXT_CHARS, CanonicalizationFailed, canonical_digest
from congso.exchange.lib.errors import EdxmlError
from congso.exchange.lib.model import XmlSignatureCheck
from congso.exchange.lib.signing import (
    _BAD_SIGNATURE_VALUE,
    MISSING,
    SignaturePlan,
    SignatureVerifier,
    digest_result,
    signature_plan,
)
from congso.exchange.lib.xmlstream import (
    ATTACHMENT_TEXT,
    AttachmentSink,
    Node,
    StreamParser,
    is_signature,
)

Source = bytes | bytearray | Path | str | IO[bytes]
S = TypeVar("S", bound=AttachmentSink)

SMALL_PACKAGE_BYTES = 2 * 1024 * 1024
# Keeps the streaming verifier's event buffer (200,000 events) out of reach: an element gives at
# most 4 events (start, end, its text, its tail) plus a few splits of long texts.
MAX_FAST_ELEMENTS = 40_000
CACHED_PACKAGE_BYTES = 1024 * 1024
# The per-thread cache of walked packages (`walked`): a batch of the hub (HUB_BATCH_MAX_ITEMS,
# 100 by default) fits when its body fits the hub's in-memory request buffer (HUB_SERVE_INBUF_MB,
# 16): 50 signed packages of ~260 KB (a signed PDF each) are 13 MB, and with 4 MB kept the first
# 35 were walked twice (envelope, then the check). Entries leave once checked, so what stays is
# a batch's worth while it is accepted.
KEPT_PACKAGES = 128
KEPT_BYTES = 16 * 1024 * 1024

_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_VERSION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml\s+version\s*=\s*[\"']1\.0[\"']")
_EMPTY_DEFAULT_OR_XML = re.compile(rb"xmlns(?:\s*=\s*(?:\"\"|'')|:xml\b)")
# a namespace prefix declared with a character outside ASCII (see `_ascii_name`)
_NON_ASCII_PREFIX = re.compile(rb"xmlns:[^\s=/>]*[\x80-\xff]")

_local = threading.local()


class _Fallback(Exception):  # noqa: N818 - control flow
    """The in-memory reading cannot promise the streaming reader's result."""

    # a check begun on a tree that could not finish: the tree is no longer the package's
    pending = XmlSignatureCheck(valid=False, problem_code="edxml_internal")


def _parser() -> etree.XMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_blank_text=False,
            remove_comments=False,
            remove_pis=False,
            strip_cdata=True,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


def small_package(source: Source, limits: C.Limits) -> bytes | None:
    """The whole package when it is small enough to be read in memory, else None.

    Only bytes and paths qualify (a stream is read by the streaming reader, as it comes).
    """
    bound = min(SMALL_PACKAGE_BYTES, limits.max_package_bytes)
    if isinstance(source, bytes | bytearray):
        return bytes(source) if len(source) <= bound else None
    if isinstance(source, Path | str):
        try:
            with open(source, "rb") as fh:
                if os.fstat(fh.fileno()).st_size > bound:
                    return None
                data = fh.read(bound + 1)
        except OSError:
            return None  # the streaming reader reports it as it always did
        return data if len(data) <= bound else None
    return None


class _Walked:
    """A small package parsed by lxml and walked into `Node`s; kept (per thread) for the next
    reading of the same bytes: the hub and the receiver read the envelope, then the package."""

    __slots__ = (
        "attachments",
        "check_config",
        "check_result",
        "data",
        "headers",
        "limits",
        "long_texts",
        "odd_signature",
        "outside_root",
        "root",
        "signature",
        "tree",
    )

    def __init__(self, data: bytes, limits: C.Limits, tree: Any, walker: _Walker) -> None:
        assert walker.root is not None
        self.data = data
        self.limits = limits
        self.tree = tree
        self.root: Node = walker.root
        self.signature = walker.signature
        self.odd_signature = walker.odd_signature
        self.attachments = walker.attachments
        self.long_texts = walker.long_texts
        self.headers = walker.headers
        self.outside_root = tree.getprevious() is not None or tree.getnext() is not None
        self.check_config: C.CodecConfig | None = None
        self.check_result: XmlSignatureCheck | None = None

    def check(self, config: C.CodecConfig) -> XmlSignatureCheck:
        """What `SignatureVerifier.result()` gives for the same package; raises _Fallback.

        Once only per tree: the digest is taken on the tree without the Signature.
        """
        if self.check_result is not None:
            if self.check_result is not _Fallback.pending and (
                config is self.check_config or config == self.check_config
            ):
                return self.check_result
            raise _Fallback
        if self.odd_signature or self.outside_root:
            # outside_root: a comment or processing instruction around the root element, where
            # libxml2's inclusive C14N differs from c14n.py's (it writes xmlns="" on elements
            # without namespace declarations): the streaming reader checks that package
            raise _Fallback
        if self.signature is None:
            return MISSING
        sig_el, sig_node, _depth = self.signature
        plan = signature_plan(sig_node, config)
        if plan.failure is not None:
            code, message = plan.failure
            return XmlSignatureCheck(
                valid=False, problem_code=code, message_vi=message, **plan.info
            )
        if not plan.signed_info_verifies(_signed_info_c14n(sig_el, plan)):
            code, message = _BAD_SIGNATURE_VALUE
            return XmlSignatureCheck(
                valid=False, problem_code=code, message_vi=message, **plan.info
            )
        if "#default" in plan.doc_prefixes:
            raise _Fallback
        parent = sig_el.getparent()
        if parent is None:
            raise _Fallback
        self.check_config = config
        self.check_result = _Fallback.pending  # the tree changes from here on
        tail = sig_el.tail
        if tail:
            previous = sig_el.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(sig_el)
        digest = plan.new_digest()
        try:
            canonical_digest(self.tree, plan, self.long_texts, digest.update)
        except CanonicalizationFailed:
            raise _Fallback from None
        self.check_result = digest_result(digest.digest(), plan.expected_digest, plan.info)
        return self.check_result


def _signed_info_c14n(sig_el: Any, plan: SignaturePlan) -> bytes:
    """SignedInfo canonicalized by the Python canonicalizer, as the streaming verifier does.

    It is the first element named SignedInfo inside the Signature, in document order; its
    inherited namespaces are those in scope at the Signature.
    """
    info_el = next(
        (
            el
            for el in sig_el.iterdescendants()
            if isinstance(el.tag, str) and _local_name(el) == "SignedInfo"
        ),
        None,
    )
    if info_el is None:
        raise _Fallback
    if plan.info_exclusive and not plan.info_prefixes and _plain(info_el):
        # Exclusive C14N without InclusiveNamespaces and without namespaced attributes: only
        # the namespaces the elements use are written, which libxml2 does as c14n.py does.
        try:
            return etree.tostring(info_el, method="c14n", exclusive=True)
        except etree.Error:
            raise _Fallback from None  # e.g. a relative namespace URI, refused by libxml2
    sig_scope = {k or "": v for k, v in sig_el.nsmap.items()}
    out: list[bytes] = []
    canon = Canonicalizer(
        out.append,
        exclusive=plan.info_exclusive,
        inherited=sig_scope,
        inclusive_prefixes=plan.info_prefixes,
    )

    def walk(el: Any, scope: dict[str, str]) -> None:
        own = {k or "": v for k, v in el.nsmap.items()}
        decls = {k: v for k, v in own.items() if scope.get(k) != v}
        tag = el.tag
        uri, local = tag[1:].split("}", 1) if tag[0] == "{" else ("", tag)
        canon.start(el.prefix or "", uri, local, _attrs(el, el.items()), decls)
        if el.text:
            canon.text(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child, own)
            elif child.tag is not etree.Comment:
                raise _Fallback
            if child.tail:
                canon.text(child.tail)
        canon.end()

    walk(info_el, sig_scope)
    return b"".join(out)


def _plain(element: Any) -> bool:
    """Elements and text only (no comment inside), no attribute in a namespace."""
    for el in element.iter():
        if not isinstance(el.tag, str):
            return False
        for key in el.keys():
            if key[0] == "{":
                return False
    return True


def _local_name(el: Any) -> str:
    tag: str = el.tag
    return tag.rsplit("}", 1)[-1]


def _ascii_name(name: str) -> None:
    """Raise _Fallback for a name outside ASCII.

    libxml2 reads names by XML 1.0 fifth edition (any character from U+00C0 up, U+10000 to
    U+EFFFF included), expat by the fourth edition's character classes, which refuse tens of
    thousands of those (`<aȘ>`, `<Note𐀀>`): such a package is left to the streaming reader,
    which refuses it. (`str.isascii` reads a flag: nothing is scanned.)
    """
    if not name.isascii():
        raise _Fallback


def _attrs(el: Any, items: list[tuple[str, str]]) -> list[Attr]:
    attrs: list[Attr] = []
    nsmap: dict[str, str] | None = None
    for key, value in items:
        _ascii_name(key)
        if key[0] != "{":
            attrs.append(("", "", key, value))
            continue
        uri, local = key[1:].split("}", 1)
        if uri == XML_NS:
            attrs.append(("xml", uri, local, value))
            continue
        if nsmap is None:
            nsmap = {k or "": v for k, v in el.nsmap.items()}
        prefixes = [p for p, u in nsmap.items() if u == uri and p]
        if len(prefixes) != 1:
            raise _Fallback  # the prefix written cannot be told for sure
        _ascii_name(prefixes[0])
        attrs.append((prefixes[0], uri, local, value))
    return attrs


class _Walker:
    """Builds the `Node` tree as `StreamParser` does, counting what `Limits` bound."""

    def __init__(self, limits: C.Limits, stop_after: Callable[[Node], bool] | None) -> None:
        self.max_depth = limits.max_depth
        self.max_elements = min(limits.max_elements, MAX_FAST_ELEMENTS)
        self.max_attachments = limits.max_attachments
        self.max_kept = limits.max_header_bytes
        self.stop_after = stop_after
        self.elements = 0
        self.kept = 0
        self.attachments: list[tuple[Node, str]] = []
        # (element, text) of the attachment texts worth leaving to `canonical_digest`
        self.long_texts: list[tuple[Any, str]] = []
        # The streaming verifier looks for the first Signature before any edXMLBody.
        self.looking = True
        self.signature: tuple[Any, Node, int] | None = None
        self.in_signature = False
        self.odd_signature = False
        self.headers = 0
        self.root: Node | None = None

    def walk(self, tree: Any) -> None:
        """Every element of `tree` into a `Node`, in document order (iterwalk, from C)."""
        max_depth, max_elements, max_kept = self.max_depth, self.max_elements, self.max_kept
        stop_after = self.stop_after
        attachments = self.attachments
        max_attachments = self.max_attachments
        stack: list[Node] = []
        encoded_depth = 0  # > 0: inside an AttachmentEncoded element, at that depth
        elements = kept = 0
        sig_depth = 0
        comment = etree.Comment
        for event, el in etree.iterwalk(tree, events=("start", "end", "comment", "pi")):
            if event == "start":
                elements += 1
                depth = len(stack) + 1
                if depth > max_depth or elements > max_elements:
                    raise _Fallback
                tag: str = el.tag
                prefix: str = el.prefix or ""
                if not (tag.isascii() and prefix.isascii()):
                    raise _Fallback  # see _ascii_name
                if tag[0] == "{":
                    uri, local = tag[1:].split("}", 1)
                else:
                    uri, local = "", tag
                items = el.items()
                parent = stack[-1] if stack else None
                node = Node(prefix, uri, local, _attrs(el, items) if items else [], parent)
                if parent is not None:
                    parent.children.append(node)
                else:
                    self.root = node
                stack.append(node)
                if self.looking:
                    if local == "edXMLBody":
                        self.looking = False
                    elif is_signature(uri, local):
                        self.looking = False
                        self.signature = (el, node, depth)
                        self.in_signature = True
                        sig_depth = depth
                elif self.in_signature:
                    if local == "edXMLBody":
                        self.odd_signature = True  # the streaming verifier gives up there
                elif depth == sig_depth and is_signature(uri, local):
                    self.odd_signature = True  # a second Signature there is left out of the digest
                if local == "edXMLHeader":
                    self.headers += 1
                text = el.text
                if encoded_depth and local == ATTACHMENT_TEXT:
                    if len(attachments) >= max_attachments or len(el):
                        raise _Fallback
                    attachments.append((node, text or ""))
                    if text and len(text) >= LONG_TEXT_CHARS:
                        self.long_texts.append((el, text))
                else:
                    if not encoded_depth and local == "AttachmentEncoded":
                        encoded_depth = depth
                    if text:
                        kept += len(text)
                        node.text_parts.append(text)
            elif event == "end":
                node = stack.pop()
                depth = len(stack) + 1
                if depth == encoded_depth:
                    encoded_depth = 0
                if depth == sig_depth and self.in_signature:
                    self.in_signature = False
                if stop_after is not None and stop_after(node):
                    break
                tail = el.tail
                if tail and stack:
                    kept += len(tail)
                    stack[-1].text_parts.append(tail)
            elif event == "comment" and el.tag is comment:
                tail = el.tail
                if tail:
                    kept += len(tail)
                    stack[-1].text_parts.append(tail)
            else:
                raise _Fallback  # a processing instruction (or an entity)
            if kept > max_kept:
                raise _Fallback
        self.elements, self.kept = elements, kept


def _unusual(data: bytes) -> bool:
    """XML other than 1.0, an encoding other than UTF-8, `xmlns=""` or `xmlns:xml`, a prefix
    declared outside ASCII: left to the streaming reader. (A DOCTYPE, processing instructions
    and the other names are looked for in the tree.)

    The package must begin with `<` (UTF-8, with or without BOM): the byte searches below
    would not see through another encoding.
    """
    if not data.startswith((b"<", b"\xef\xbb\xbf<")):
        return True
    if data.startswith((b"<?xml", b"\xef\xbb\xbf<?xml")):
        if not _VERSION.match(data):
            return True
        encoding = _PROLOG.match(data)
        if encoding is not None and encoding.group(1).lower() != b"utf-8":
            return True
    at = data.find(b"xmlns")
    while at != -1:
        if _EMPTY_DEFAULT_OR_XML.match(data, at) or _NON_ASCII_PREFIX.match(data, at):
            return True
        at = data.find(b"xmlns", at + 5)
    return False


def _walk(
    data: bytes, limits: C.Limits, stop_after: Callable[[Node], bool] | None = None
) -> _Walked | None:
    if _unusual(data):
        return None
    parser = _parser()
    try:
        tree = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    if len(parser.error_log):
        return None
    docinfo = tree.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return None  # the streaming reader refuses it (edxml_forbidden_construct)
    if not _ascii_around(tree):
        return None
    walker = _Walker(limits, stop_after)
    try:
        walker.walk(tree)
    except _Fallback:
        return None
    return _Walked(data, limits, tree, walker)


def _ascii_around(tree: Any) -> bool:
    """No processing instruction before or after the root element has a target outside ASCII
    (see `_ascii_name`; those inside the root are left to the streaming reader anyway)."""
    for step in ("getprevious", "getnext"):
        sibling = getattr(tree, step)()
        while sibling is not None:
            if sibling.tag is etree.PI and not sibling.target.isascii():
                return False
            sibling = getattr(sibling, step)()
    return True


def _kept() -> list[_Walked]:
    kept: list[_Walked] | None = getattr(_local, "kept", None)
    if kept is None:
        kept = _local.kept = []
    return kept


def walked(data: bytes, limits: C.Limits) -> _Walked | None:
    """The whole package walked (no `stop_after`), from the per-thread cache when these are the
    bytes and limits of a package read here and not yet checked.

    The cache keeps the packages walked last, oldest out first, up to `KEPT_PACKAGES` of them
    and `KEPT_BYTES` in all: a batch reads every envelope, then each package in full (the hub's
    `batch_accept`). A package leaves it once its signature is checked, the last reading every
    caller makes (`forget` empties it).
    """
    kept = _kept()
    size = len(data)
    for entry in reversed(kept):
        if len(entry.data) == size and entry.limits == limits and entry.data == data:
            return entry
    result = _walk(data, limits)
    if result is not None and size <= CACHED_PACKAGE_BYTES:
        kept.append(result)
        total = sum(len(entry.data) for entry in kept)
        while len(kept) > KEPT_PACKAGES or total > KEPT_BYTES:
            total -= len(kept.pop(0).data)
    return result


def _checked(result: _Walked) -> None:
    """The package's last reading is done: out of the cache."""
    kept = _kept()
    for i, entry in enumerate(kept):
        if entry is result:
            del kept[i]
            return


def read_small(
    data: bytes,
    *,
    limits: C.Limits,
    attachments: AttachmentSink | None = None,
    stop_after: Callable[[Node], bool] | None = None,
    config: C.CodecConfig | None = None,
    known: _Walked | None = None,
) -> tuple[Node, XmlSignatureCheck | None] | None:
    """The root `Node` (and, with `config`, the signature check) of an in-memory package, as the
    streaming reader would give them; None when the streaming reader must read it instead.

    `attachments` receives each attachment's content; after None, it may hold part of the
    attachments: the caller discards it. `known` is what `walked(data, limits)` gave for these
    bytes, when the caller has it (whole readings only).
    """
    if stop_after is not None:
        result = _walk(data, limits, stop_after)
    elif known is not None:
        result = known
    else:
        result = walked(data, limits)
    if result is None:
        return None
    try:
        if attachments is not None:
            whole = getattr(attachments, "whole", None)
            for node, text in result.attachments:
                if whole is not None:
                    whole(node, text)
                else:
                    attachments.begin(node)
                    attachments.data(text)
                    attachments.finish(node)
        check = None
        if config is not None:
            try:
                check = result.check(config)
            except _Fallback:
                if result.check_result is None:
                    raise
                result = _walk(data, limits)  # checked before with another configuration
                if result is None:
                    raise
                check = result.check(config)
            _checked(result)
    except (_Fallback, EdxmlError):
        return None
    return result.root, check


def read_root(
    source: Source,
    *,
    limits: C.Limits,
    sink: Callable[[], S] | None = None,
    config: C.CodecConfig | None = None,
    stop_after: Callable[[Node], bool] | None = None,
    known: _Walked | None = None,
) -> tuple[Node, XmlSignatureCheck | None, S | None]:
    """Read a package: in memory when it is small (`read_small`), else streaming.

    `sink` makes the attachment sink (called again if the in-memory reading gives up: the first
    is cleaned up then); with `config` the XML signature is checked in the same pass. Raises
    EdxmlError as `StreamParser.parse` does; returns the root, the check and the sink used.
    `known`: `walked(source, limits)` when the caller has it and `source` is those bytes.
    """
    data = small_package(source, limits)
    if data is not None:
        fast_sink = sink() if sink is not None else None
        try:
            read = read_small(
                data,
                limits=limits,
                attachments=fast_sink,
                stop_after=stop_after,
                config=config,
                known=known,
            )
        except BaseException:
            _cleanup(fast_sink)
            raise
        if read is not None:
            return read[0], read[1], fast_sink
        _cleanup(fast_sink)
        source = data
    slow_sink = sink() if sink is not None else None
    verifier = SignatureVerifier(config) if config is not None else None
    try:
        root = StreamParser(
            limits=limits, attachments=slow_sink, events=verifier, stop_after=stop_after
        ).parse(source)
    except BaseException:
        _cleanup(slow_sink)
        raise
    return root, verifier.result() if verifier is not None else None, slow_sink


def _cleanup(sink: object) -> None:
    cleanup = getattr(sink, "cleanup", None)
    if cleanup is not None:
        cleanup()


def forget() -> None:
    """Drop this thread's kept packages (tests; a caller that wants the memory back)."""
    _local.kept = []
