"""Streaming XML canonicalization (W3C C14N 1.0 and Exclusive C14N 1.0, without comments).

Fed with parser events, so a package of any size is digested in one pass with constant memory
(the base64 of a 200 MB attachment never sits in memory). Enough of the specs for documents
without a DTD, which are the only documents the codec accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Attr = tuple[str, str, str, str]  # (prefix, uri, local, value)

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", '"': "&quot;", "\t": "&#x9;", "\n": "&#xA;", "\r": "&#xD;"}
)
XML_NS = "http://www.w3.org/XML/1998/namespace"


def escape_text(text: str) -> str:
    return text.translate(_TEXT_ESCAPES)


class Canonicalizer:
    """Writes the canonical form of the events it receives through `write` (UTF-8 bytes).

    `inherited` is the in-scope namespace map of the apex's parent when canonicalizing a
    subtree (e.g. SignedInfo); `inclusive_prefixes` is the InclusiveNamespaces PrefixList.
    """

    def __init__(
        self,
        write: Callable[[bytes], object],
        *,
        exclusive: bool,
        inherited: dict[str, str] | None = None,
        inclusive_prefixes: Iterable[str] = (),
    ) -> None:
        self._write = write
        self._exclusive = exclusive
        self._inclusive_prefixes = {"" if p == "#default" else p for p in inclusive_prefixes}
        self._scopes: list[dict[str, str]] = [dict(inherited or {})]
        self._rendered: list[dict[str, str]] = [{}]
        self._names: list[str] = []
        self._seen_root = False

    @property
    def depth(self) -> int:
        return len(self._names)

    def start(
        self, prefix: str, uri: str, local: str, attrs: list[Attr], decls: dict[str, str]
    ) -> None:
        scope = self._scopes[-1]
        if decls:
            scope = {**scope, **decls}
        rendered = self._rendered[-1]
        wanted: dict[str, str] = {}
        if self._exclusive:
            wanted[prefix] = uri  # the element's own prefix ("" = default) is always utilized
            for a_prefix, a_uri, _local, _value in attrs:
                if a_prefix and a_prefix != "xml":
                    wanted[a_prefix] = a_uri
            for p in self._inclusive_prefixes:
                if p in scope:
                    wanted[p] = scope[p]
        else:
            wanted = {p: u for p, u in scope.items() if p != "xml"}
        out: list[tuple[str, str]] = []
        for p, u in wanted.items():
            if p == "":
                if rendered.get("", "") != u:
                    out.append((p, u))
            elif rendered.get(p) != u:
                out.append((p, u))
        if out:
            rendered = {**rendered, **dict(out)}
        self._scopes.append(scope)
        self._rendered.append(rendered)
        qname = f"{prefix}:{local}" if prefix else local
        self._names.append(qname)
        parts = ["<", qname]
        for p, u in sorted(out):
            parts.append(f' xmlns:{p}="' if p else ' xmlns="')
            parts.append(u.translate(_ATTR_ESCAPES))
            parts.append('"')
        for a_prefix, _uri, a_local, value in sorted(attrs, key=lambda a: (a[1], a[2])):
            parts.append(f' {a_prefix}:{a_local}="' if a_prefix else f' {a_local}="')
            parts.append(value.translate(_ATTR_ESCAPES))
            parts.append('"')
        parts.append(">")
        if not self._seen_root:
            self._seen_root = True
        self._write("".join(parts).encode("utf-8"))

    def end(self) -> None:
        qname = self._names.pop()
        self._scopes.pop()
        self._rendered.pop()
        self._write(f"</{qname}>".encode())

    def text(self, data: str) -> None:
        if self._names:
            self._write(data.translate(_TEXT_ESCAPES).encode("utf-8"))

    def pi(self, target: str, data: str) -> None:
        body = f"<?{target} {data}?>" if data else f"<?{target}?>"
        if self._names:
            self._write(body.encode("utf-8"))
        elif self._seen_root:
            self._write(b"\n" + body.encode("utf-8"))
        else:
            self._write(body.encode("utf-8") + b"\n")


def canonicalize_element(element: Any, *, exclusive: bool) -> bytes:
    """Canonical bytes of an lxml element *in its place*: inherited namespaces count (C14N 1.0).

    Used for SignedInfo when signing, so signing and verification share one implementation.
    """
    out: list[bytes] = []
    parent = element.getparent()
    inherited = {k or "": v for k, v in (parent.nsmap if parent is not None else {}).items()}
    canon = Canonicalizer(out.append, exclusive=exclusive, inherited=inherited)

    def walk(el: Any, scope: dict[str, str]) -> None:
        own = {k or "": v for k, v in el.nsmap.items()}
        decls = {k: v for k, v in own.items() if scope.get(k) != v}
        reverse = {v: k for k, v in own.items() if k}
        attrs: list[Attr] = []
        for key, value in el.attrib.items():
            if key.startswith("{"):
                uri, local = key[1:].split("}", 1)
                a_prefix = "xml" if uri == XML_NS else reverse.get(uri, "")
                attrs.append((a_prefix, uri, local, value))
            else:
                attrs.append(("", "", key, value))
        tag = el.tag
        uri, local = tag[1:].split("}", 1) if tag.startswith("{") else ("", tag)
        canon.start(el.prefix or "", uri, local, attrs, decls)
        if el.text:
            canon.text(el.text)
        for child in el:
            if isinstance(child.tag, str):
                walk(child, own)
            if child.tail:
                canon.text(child.tail)
        canon.end()

    walk(element, inherited)
    return b"".join(out)
