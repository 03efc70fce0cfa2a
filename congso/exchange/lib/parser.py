"""Reading edXML packages: `parse_package`, `parse_status`, `read_envelope` (`validate` and
`validate_checked` live in validation.py; the header elements are read in header_reader.py, the
attachments streamed to files in attachments.py). `parse_package_checked`,
`parse_status_checked` and `StatusReading` give the answers of several of these calls on one
package from one reading.

Lenient on form (the VNPT sample layout, the xlink/DigitalSignature variant, a SOAP-wrapped
status, unqualified elements, several date formats), strict on what matters: identifiers,
business type, status code, secrecy, sizes. Every refusal names the element.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from congso.exchange.lib import config as C
from congso.exchange.lib import errors as E
from congso.exchange.lib.attachments import _Base64ToFile, _finish_attachments
from congso.exchange.lib.checks import package_problems, status_problems
from congso.exchange.lib.errors import EdxmlError, Problem
from congso.exchange.lib.fastread import _Walked, read_root, small_package, walked
from congso.exchange.lib.header_reader import (
    _find,
    _header_node,
    _kind,
    _Reader,
    _stop_after_header,
    _text,
)
from congso.exchange.lib.model import (
    Attachment,
    DocumentPackage,
    Envelope,
    StatusPackage,
    XmlSignatureCheck,
)
from congso.exchange.lib.xmlstream import Node

Source = bytes | bytearray | Path | str | IO[bytes]


# -- public API -----------------------------------------------------------------------------


def _read_document(root: Node, config: C.CodecConfig) -> tuple[DocumentPackage, list[Problem], str]:
    kind, mh = _kind(root)
    if kind != "edoc":
        raise EdxmlError(E.WRONG_KIND, "Gói tin là gói trạng thái (Status), không phải văn bản.")
    reader = _Reader(config)
    header = reader.header(mh)
    thl = _find(_header_node(root) or root, "TraceHeaderList", 3)
    traces = reader.traces(thl)
    business, _doc_type = reader.business(thl, header.document_id)
    pkg = DocumentPackage(header=header, traces=traces, business=business)
    problems = reader.problems + [
        p for p in package_problems(pkg, config) if p.code != E.UNKNOWN_BUSINESS
    ]
    return pkg, problems, kind


def parse_package(
    source: Source,
    *,
    attachment_dir: Path,
    limits: C.Limits | None = None,
    config: C.CodecConfig = C.DEFAULT_CONFIG,
    allow_secret: bool = True,
) -> DocumentPackage:
    """Read a document package; attachments are streamed to files in `attachment_dir`.

    Raises EdxmlError (with every problem found) when the package is unreadable or invalid;
    on error no file is left behind. A secret document is returned with `is_secret` set
    (the caller refuses it), or refused here with `allow_secret=False`.
    """
    pkg, _check = parse_package_checked(
        source,
        attachment_dir=attachment_dir,
        limits=limits,
        config=config,
        allow_secret=allow_secret,
        verify_signature=False,
    )
    return pkg


def parse_package_checked(
    source: Source,
    *,
    attachment_dir: Path,
    limits: C.Limits | None = None,
    config: C.CodecConfig = C.DEFAULT_CONFIG,
    allow_secret: bool = True,
    verify_signature: bool = True,
) -> tuple[DocumentPackage, XmlSignatureCheck | None]:
    """`parse_package` and `verify_xml_signature` in one streaming pass."""
    limits = limits or C.Limits()
    directory = Path(attachment_dir)
    directory.mkdir(parents=True, exist_ok=True)
    sinks: list[_Base64ToFile] = []

    def new_sink() -> _Base64ToFile:
        sinks.append(_Base64ToFile(directory, limits, config))
        return sinks[-1]

    done: tuple[Attachment, ...] = ()
    try:
        root, check, sink = read_root(
            source, limits=limits, sink=new_sink, config=config if verify_signature else None
        )
        assert sink is not None
        pkg, problems, _kind_name = _read_document(root, config)
        fatal = [p for p in problems if p.code != E.SECRET_REFUSED or not allow_secret]
        if fatal:
            raise EdxmlError.from_problems(fatal)
        done = _finish_attachments(root, sink, directory)
    except BaseException:
        for used in sinks:
            used.cleanup()
        for att in done:
            att.path.unlink(missing_ok=True)
        raise
    pkg = DocumentPackage(pkg.header, pkg.traces, pkg.business, done)
    return pkg, check


def parse_status(
    source: Source, *, limits: C.Limits | None = None, config: C.CodecConfig = C.DEFAULT_CONFIG
) -> StatusPackage:
    """Read a status package; raises EdxmlError (e.g. `edxml_unknown_status`)."""
    root = read_root(source, limits=limits or C.Limits())[0]
    return _status_of(root, config)


def parse_status_checked(
    source: Source, *, limits: C.Limits | None = None, config: C.CodecConfig = C.DEFAULT_CONFIG
) -> tuple[StatusPackage, XmlSignatureCheck]:
    """`parse_status` then `verify_xml_signature` of the same package, read once: the same
    status and check, the same errors in the same order (those of `parse_status` first).

    A stream (not bytes, not a path) is read in one streaming pass with the verifier.
    """
    if isinstance(source, bytes | bytearray | Path | str):
        reading = StatusReading(source, limits=limits, config=config)
        return reading.status(), reading.signature()
    root, check, _sink = read_root(source, limits=limits or C.Limits(), config=config)
    assert check is not None
    return _status_of(root, config), check


class StatusReading:
    """One reading of a package (bytes or a path) for `read_envelope`, `parse_status` and
    `verify_xml_signature`: each method answers, and raises, as that function called on the
    same source would, in the order the caller asks. The file is read once; a small package is
    parsed once (the hub: envelope, its own checks, then the status and its signature)."""

    __slots__ = ("_known", "_source", "config", "limits")

    def __init__(
        self,
        source: bytes | bytearray | Path | str,
        *,
        limits: C.Limits | None = None,
        config: C.CodecConfig = C.DEFAULT_CONFIG,
    ) -> None:
        self.limits = limits or C.Limits()
        self.config = config
        data = small_package(source, self.limits)
        # what every reading of `source` starts with: the bytes, walked in memory when it can be
        self._source: Source = source if data is None else data
        self._known = None if data is None else walked(data, self.limits)

    def envelope(self) -> Envelope:
        """`read_envelope(source)`."""
        root = _envelope_root(self._source, self.limits, self._known)
        return _envelope_of(root, self.config)

    def status(self) -> StatusPackage:
        """`parse_status(source)`."""
        root = read_root(self._source, limits=self.limits, known=self._known)[0]
        return _status_of(root, self.config)

    def signature(self) -> XmlSignatureCheck:
        """`verify_xml_signature(source)`."""
        _root, check, _sink = read_root(
            self._source, limits=self.limits, config=self.config, known=self._known
        )
        assert check is not None
        return check


def _status_of(root: Node, config: C.CodecConfig) -> StatusPackage:
    kind, node = _kind(root)
    if kind != "status":
        raise EdxmlError(
            E.WRONG_KIND, "Gói tin là văn bản (MessageHeader), không phải gói trạng thái."
        )
    reader = _Reader(config)
    status = reader.status(node)
    problems = reader.problems + status_problems(status, config)
    if problems:
        raise EdxmlError.from_problems(problems)
    return status


def read_envelope(
    source: Source, *, limits: C.Limits | None = None, config: C.CodecConfig = C.DEFAULT_CONFIG
) -> Envelope:
    """The routing facts of a package, read from its header only (stops before attachments).

    Does not validate: call `validate` or `parse_*` for that.
    """
    limits = limits or C.Limits()
    return _envelope_of(_envelope_root(source, limits), config)


def _envelope_of(root: Node, config: C.CodecConfig) -> Envelope:
    kind, node = _kind(root)
    reader = _Reader(config)
    if kind == "status":
        rf = node.find("ResponseFor")
        return Envelope(
            kind="status",
            from_code=_text(node, "From", "OrganId"),
            to_codes=[_text(rf, "OrganId")] if _text(rf, "OrganId") else [],
            document_id=_text(rf, "DocumentId"),
            status_code=_text(node, "StatusCode"),
            response_for_document_id=_text(rf, "DocumentId"),
        )
    header = reader.header(node)
    thl = _find(_header_node(root) or root, "TraceHeaderList", 3)
    business, doc_type = reader.business(thl, header.document_id)
    return Envelope(
        kind="edoc",
        from_code=header.from_org.code,
        to_codes=[org.code for org in header.to_orgs],
        document_id=header.document_id,
        business_kind=config.business_kind(doc_type),
        is_secret=not config.is_normal_secrecy(header.other_info.secrecy),
        business_document_id=business.document_id or header.document_id,
    )


def _envelope_root(source: Source, limits: C.Limits, known: _Walked | None = None) -> Node:
    """The tree `read_envelope` reads: up to the end of the first edXMLHeader.

    A small package is walked whole instead (and kept for the full reading that follows) when
    that gives the same envelope: one edXMLHeader, found by `_header_node`, holding the
    MessageHeader or Status that `_kind` picks. `known`: `walked(source, limits)`, when the
    caller has it and `source` is those bytes.
    """
    data = small_package(source, limits)
    if data is not None:
        whole = known if known is not None else walked(data, limits)
        if whole is not None and whole.headers == 1:
            header = _header_node(whole.root)
            if header is not None and header.local == "edXMLHeader":
                try:
                    _kind_name, node = _kind(whole.root)
                except EdxmlError:
                    pass
                else:
                    if _inside(node, header):
                        return whole.root
        source = data
    return read_root(source, limits=limits, stop_after=_stop_after_header)[0]


def _inside(node: Node | None, ancestor: Node) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False
