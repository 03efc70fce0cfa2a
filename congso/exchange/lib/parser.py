"""Reading edXML packages: `parse_package`, `parse_status`, `read_envelope` (`validate` and
`validate_checked` live in validation.py; the header elements are read in header_reader.py, the
attachments streamed to files in attachments.py).

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
from congso.exchange.lib.fastread import read_root, small_package, walked
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
        sinks.append(_Base64ToFile(directory, limits))
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
        done = _finish_attachments(root, sink, directory, limits, config)
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
    root = _envelope_root(source, limits)
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


def _envelope_root(source: Source, limits: C.Limits) -> Node:
    """The tree `read_envelope` reads: up to the end of the first edXMLHeader.

    A small package is walked whole instead (and kept for the full reading that follows) when
    that gives the same envelope: one edXMLHeader, found by `_header_node`, holding the
    MessageHeader or Status that `_kind` picks.
    """
    data = small_package(source, limits)
    if data is not None:
        whole = walked(data, limits)
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
