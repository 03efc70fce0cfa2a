"""Hardened, streaming reading of edXML: one pass, constant memory, no DTD, no entities.

expat (C, streaming) rather than an lxml tree: lxml keeps a whole text node in memory and, with
`huge_tree=False`, refuses text nodes over 10 MB, so a 50 MB attachment could not be read; its
target interface also loses the element prefixes that canonicalization needs. Here:

- any DOCTYPE, ENTITY or external entity reference stops the parse (`edxml_forbidden_construct`);
- an XML declaration naming an encoding expat does not read itself stops the parse
  (`edxml_malformed`, see `READABLE_ENCODINGS`);
- total size, nesting depth, element count and in-memory text are bounded (`Limits`);
- the text of `ContentTransferEncoded` is never kept: each chunk goes to an `AttachmentSink`
  (base64 decoded to a file) and, when a signature is checked, to the digest;
- everything else becomes a small tree of `Node`s.

This is the reference reader. A small package given as bytes or a path (at most
`fastread.SMALL_PACKAGE_BYTES`) is read by fastread.py instead (lxml, in C), which gives the same
`Node` tree and signature check, or hands the package back to this reader whenever it could not
promise that.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol
from xml.parsers import expat

from congso.exchange.lib import errors as E
from congso.exchange.lib.c14n import Attr
from congso.exchange.lib.config import DSIG_NS, EDXML_NS, Limits

_SEP = "\x1f"
ATTACHMENT_TEXT = "ContentTransferEncoded"

# The encodings expat decodes itself (names compared as expat does, ASCII case folded). UTF-8 is
# what edXML is written in (QCVN 102's sample, TT 39/2017/TT-BTTTT); UTF-16, ISO-8859-1 and
# US-ASCII are what every XML parser reads, so a package relayed in them stays readable. For any
# other name pyexpat would build a table from a Python codec, which raises for most names
# (LookupError, ValueError, UnicodeError) and reads codecs such as "unicode_escape" as if they
# were character sets: such a package is refused before that.
READABLE_ENCODINGS = frozenset(
    {"UTF-8", "UTF-16", "UTF-16BE", "UTF-16LE", "ISO-8859-1", "US-ASCII"}
)


class Node:
    """An element outside attachment content: enough of a tree to read the header."""

    __slots__ = ("attrs", "children", "local", "parent", "prefix", "text_parts", "uri")

    def __init__(self, prefix: str, uri: str, local: str, attrs: list[Attr], parent: Node | None):
        self.prefix = prefix
        self.uri = uri
        self.local = local
        self.attrs = attrs
        self.parent = parent
        self.children: list[Node] = []
        self.text_parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.text_parts).strip()

    def attr(self, local: str, default: str = "") -> str:
        for _p, _u, name, value in self.attrs:
            if name == local:
                return value
        return default

    def find(self, local: str) -> Node | None:
        for child in self.children:
            if child.local == local:
                return child
        return None

    def findall(self, local: str) -> list[Node]:
        return [child for child in self.children if child.local == local]

    def child_text(self, local: str, default: str = "") -> str:
        child = self.find(local)
        return child.text if child is not None else default

    def iter(self, local: str) -> Iterator[Node]:
        if self.local == local:
            yield self
        for child in self.children:
            yield from child.iter(local)

    @property
    def path(self) -> str:
        names = []
        node: Node | None = self
        while node is not None:
            names.append(node.local)
            node = node.parent
        return "/".join(reversed(names))


class AttachmentSink(Protocol):
    def begin(self, node: Node) -> None: ...
    def data(self, chunk: str) -> None: ...
    def finish(self, node: Node) -> None: ...


class EventSink(Protocol):
    """Receives every event (for canonicalization); in-scope namespaces come with `start`."""

    def start(
        self,
        prefix: str,
        uri: str,
        local: str,
        attrs: list[Attr],
        decls: dict[str, str],
        scope: dict[str, str],
    ) -> None: ...
    def end(self, node: Node) -> None: ...
    def text(self, data: str) -> None: ...
    def pi(self, target: str, data: str) -> None: ...


class StopParsing(Exception):  # noqa: N818 - control flow, not an error
    """Raised by a handler once it has read what it needs (e.g. the header)."""


def _split(name: str) -> tuple[str, str, str]:
    parts = name.split(_SEP)
    if len(parts) == 3:
        return parts[2], parts[0], parts[1]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return "", "", parts[0]


def open_source(source: bytes | bytearray | Path | str | IO[bytes]) -> IO[bytes]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source)
    if isinstance(source, Path | str):
        return open(source, "rb")  # noqa: SIM115 - closed by the caller
    return source


class StreamParser:
    """Parses one package, building `root` and calling the optional sinks."""

    def __init__(
        self,
        *,
        limits: Limits,
        attachments: AttachmentSink | None = None,
        events: EventSink | None = None,
        stop_after: Callable[[Node], bool] | None = None,
    ) -> None:
        self.limits = limits
        self.attachments = attachments
        self.events = events
        self.stop_after = stop_after
        self.root: Node | None = None
        self._stack: list[Node] = []
        self._scopes: list[dict[str, str]] = [{}]
        self._pending_decls: dict[str, str] = {}
        self._in_attachment = 0
        self._elements = 0
        self._kept_text = 0
        self._attachment_count = 0
        self.stopped = False

    # -- handlers ---------------------------------------------------------------------------
    def _forbidden(self, *args: Any) -> None:
        raise E.EdxmlError(
            E.FORBIDDEN_CONSTRUCT,
            "Gói tin chứa khai báo DOCTYPE/ENTITY hoặc thực thể ngoài; edXML không cho phép.",
        )

    def _xml_decl(self, version: str | None, encoding: str | None, standalone: int) -> None:
        # expat calls this before it looks the encoding up, so no codec is ever tried
        if encoding is not None and not (
            encoding.isascii() and encoding.upper() in READABLE_ENCODINGS
        ):
            raise E.EdxmlError(
                E.MALFORMED,
                f"Gói tin khai báo bảng mã '{encoding[:40]}' không được hỗ trợ; "
                "edXML dùng UTF-8 (cũng đọc được UTF-16, ISO-8859-1, US-ASCII).",
            )

    def _external(self, *args: Any) -> int:
        self._forbidden()
        return 0

    def _ns_start(self, prefix: str | None, uri: str | None) -> None:
        self._pending_decls[prefix or ""] = uri or ""

    def _start(self, name: str, attr_list: list[str]) -> None:
        self._elements += 1
        if len(self._stack) >= self.limits.max_depth:
            raise E.EdxmlError(
                E.TOO_DEEP,
                f"Gói tin lồng quá {self.limits.max_depth} cấp phần tử.",
            )
        if self._elements > self.limits.max_elements:
            raise E.EdxmlError(E.TOO_LARGE, f"Gói tin có quá {self.limits.max_elements} phần tử.")
        prefix, uri, local = _split(name)
        attrs: list[Attr] = []
        for i in range(0, len(attr_list), 2):
            a_prefix, a_uri, a_local = _split(attr_list[i])
            attrs.append((a_prefix, a_uri, a_local, attr_list[i + 1]))
        decls = self._pending_decls
        self._pending_decls = {}
        scope = {**self._scopes[-1], **decls} if decls else self._scopes[-1]
        self._scopes.append(scope)
        parent = self._stack[-1] if self._stack else None
        node = Node(prefix, uri, local, attrs, parent)
        if parent is None:
            self.root = node
        else:
            parent.children.append(node)
        self._stack.append(node)
        if self.events is not None:
            self.events.start(prefix, uri, local, attrs, decls, scope)
        if local == ATTACHMENT_TEXT and self._stack_has("AttachmentEncoded"):
            self._attachment_count += 1
            if self._attachment_count > self.limits.max_attachments:
                raise E.EdxmlError(
                    E.TOO_LARGE,
                    f"Gói tin có quá {self.limits.max_attachments} tệp đính kèm.",
                )
            self._in_attachment += 1
            if self.attachments is not None:
                self.attachments.begin(node)

    def _stack_has(self, local: str) -> bool:
        return any(n.local == local for n in self._stack)

    def _end(self, name: str) -> None:
        node = self._stack.pop()
        self._scopes.pop()
        if self.events is not None:
            self.events.end(node)
        if node.local == ATTACHMENT_TEXT and self._in_attachment:
            self._in_attachment -= 1
            if self.attachments is not None:
                self.attachments.finish(node)
        if self.stop_after is not None and self.stop_after(node):
            self.stopped = True
            raise StopParsing

    def _data(self, data: str) -> None:
        if self.events is not None:
            self.events.text(data)
        if not self._stack:
            return
        if self._in_attachment:
            if self.attachments is not None:
                self.attachments.data(data)
            return
        self._kept_text += len(data)
        if self._kept_text > self.limits.max_header_bytes:
            raise E.EdxmlError(
                E.TOO_LARGE,
                "Phần tiêu đề và danh mục của gói tin vượt giới hạn "
                f"{self.limits.max_header_bytes} byte.",
            )
        self._stack[-1].text_parts.append(data)

    def _pi(self, target: str, data: str) -> None:
        if self.events is not None:
            self.events.pi(target, data)

    # -- driver -----------------------------------------------------------------------------
    def parse(self, source: bytes | bytearray | Path | str | IO[bytes]) -> Node:
        parser = expat.ParserCreate(namespace_separator=_SEP)
        parser.namespace_prefixes = True
        parser.ordered_attributes = True
        parser.buffer_text = True
        parser.buffer_size = self.limits.chunk_size
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.XmlDeclHandler = self._xml_decl
        parser.StartDoctypeDeclHandler = self._forbidden
        parser.EntityDeclHandler = self._forbidden
        parser.UnparsedEntityDeclHandler = self._forbidden
        parser.NotationDeclHandler = self._forbidden
        parser.ExternalEntityRefHandler = self._external
        parser.StartNamespaceDeclHandler = self._ns_start
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        parser.ProcessingInstructionHandler = self._pi
        stream = open_source(source)
        total = 0
        try:
            while True:
                chunk = stream.read(self.limits.chunk_size)
                total += len(chunk)
                if total > self.limits.max_package_bytes:
                    raise E.EdxmlError(
                        E.TOO_LARGE,
                        f"Gói tin vượt giới hạn {self.limits.max_package_bytes} byte.",
                    )
                parser.Parse(chunk, not chunk)
                if not chunk:
                    break
        except StopParsing:
            pass
        except expat.ExpatError as exc:
            raise E.EdxmlError(
                E.MALFORMED,
                f"Gói tin không phải XML hợp lệ: {expat.ErrorString(exc.code)} "
                f"(dòng {exc.lineno}, cột {exc.offset}).",
            ) from None
        finally:
            if stream is not source:
                stream.close()
        if self.root is None:
            raise E.EdxmlError(E.MALFORMED, "Gói tin rỗng, không có phần tử gốc.")
        return self.root


def is_signature(node_uri: str, local: str) -> bool:
    """`Signature` in the XMLDSig namespace, or under the edXML default namespace (VNPT sample)."""
    return local == "Signature" and node_uri in (DSIG_NS, EDXML_NS, "")
