"""Writing edXML packages (standards.md §4.2–4.6) in the form of the VNPT SDK sample.

The skeleton is an lxml tree with a marker in each `ContentTransferEncoded`; it is serialized in
canonical form (exclusive C14N) and the attachments are streamed from disk into the marker
positions, so a package with large files is written (and its signature digest computed) without
holding the files in memory. With a signer, the digest pass runs first, then the write pass.
"""

from __future__ import annotations

import contextlib
import io
import mimetypes
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any, overload

from lxml import etree

from congso.exchange.lib import b64
from congso.exchange.lib import config as C
from congso.exchange.lib import errors as E
from congso.exchange.lib.checks import package_problems, status_problems
from congso.exchange.lib.model import (
    Attachment,
    DocumentPackage,
    Organization,
    StaffInfo,
    StatusPackage,
)
from congso.exchange.lib.signing import XmlSigner

_X = f"{{{C.EDXML_NS}}}"
_B64_CHUNK = 3 * 64 * 1024
IN_MEMORY_BYTES = 4 * 1024 * 1024  # attachments up to this size in all: zipped, encoded in memory
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _fmt_date(value: date | None) -> str:
    return f"{value:%Y/%m/%d}" if value else ""


def _fmt_datetime(value: datetime | None, config: C.CodecConfig) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(config.timezone)
    return f"{value:%Y/%m/%d %H:%M:%S}"


def _sub(parent: etree._Element, name: str, text: str | None = None, ns: str = _X) -> Any:
    element = etree.SubElement(parent, ns + name)
    if text is not None:
        element.text = text
    return element


def _organization(parent: etree._Element, name: str, org: Organization) -> None:
    node = _sub(parent, name)
    _sub(node, "OrganId", org.code)
    _sub(node, "OrganizationInCharge", org.in_charge)
    _sub(node, "OrganName", org.name)
    _sub(node, "OrganAdd", org.address)
    _sub(node, "Email", org.email)
    _sub(node, "Telephone", org.telephone)
    _sub(node, "Fax", org.fax)
    _sub(node, "Website", org.website)


def _staff(parent: etree._Element, staff: StaffInfo) -> None:
    node = _sub(parent, "StaffInfo")
    _sub(node, "Department", staff.department)
    _sub(node, "Staff", staff.staff)
    _sub(node, "Mobile", staff.mobile)
    _sub(node, "Email", staff.email)


def _skeleton() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element("{%s}edXML" % C.EDXML_NS, nsmap={None: C.EDXML_NS})  # noqa: UP031
    envelope = etree.SubElement(
        root,
        _X + "edXMLEnvelope",
        nsmap={C.EDXML_PREFIX: C.EDXML_NS},
    )
    header = _sub(envelope, "edXMLHeader")
    return root, envelope, header


def _message_header(parent: etree._Element, pkg: DocumentPackage, config: C.CodecConfig) -> None:
    h = pkg.header
    mh = _sub(parent, "MessageHeader")
    _organization(mh, "From", h.from_org)
    for org in h.to_orgs:
        _organization(mh, "To", org)
    code = _sub(mh, "Code")
    _sub(code, "CodeNumber", h.code.number)
    _sub(code, "CodeNotation", h.code.notation)
    prom = _sub(mh, "PromulgationInfo")
    _sub(prom, "Place", h.promulgation.place)
    _sub(prom, "PromulgationDate", _fmt_date(h.promulgation.date))
    doc_type = _sub(mh, "DocumentType")
    _sub(doc_type, "Type", h.document_type.type)
    _sub(doc_type, "TypeDetail", h.document_type.detail)
    _sub(doc_type, "TypeName", h.document_type.name)
    _sub(mh, "Subject", h.subject)
    _sub(mh, "Content", h.content)
    signer = _sub(mh, "SignerInfo")
    _sub(signer, "Competence", h.signer.competence)
    _sub(signer, "Position", h.signer.position)
    _sub(signer, "FullName", h.signer.full_name)
    _sub(mh, "DueDate", _fmt_date(h.due_date))
    places = _sub(mh, "ToPlaces")
    for place in h.to_places:
        _sub(places, "Place", place)
    oi = h.other_info
    other = _sub(mh, "OtherInfo")
    _sub(other, "Priority", oi.priority)
    _sub(other, "SphereOfPromulgation", oi.sphere_of_promulgation)
    _sub(other, "TyperNotation", oi.typer_notation)
    _sub(
        other,
        "PromulgationAmount",
        "" if oi.promulgation_amount is None else str(oi.promulgation_amount),
    )
    _sub(other, "PageAmount", "" if oi.page_amount is None else str(oi.page_amount))
    _sub(other, "Direction", "true" if oi.direction else "false")
    if oi.appendixes:
        appendixes = _sub(other, "Appendixes")
        for text in oi.appendixes:
            _sub(appendixes, "Appendix", text)
    for rf in h.response_for:
        node = _sub(mh, "ResponseFor")
        _sub(node, "OrganId", rf.organ_id)
        _sub(node, "Code", rf.code)
        _sub(node, "PromulgationDate", _fmt_date(rf.promulgation_date))
        _sub(node, "DocumentId", rf.document_id)
    _sub(mh, "SteeringType", h.steering_type)
    _sub(mh, "DocumentId", h.document_id)


def _trace_header_list(parent: etree._Element, pkg: DocumentPackage, config: C.CodecConfig) -> None:
    thl = _sub(parent, "TraceHeaderList")
    for trace in pkg.traces:
        node = _sub(thl, "TraceHeader")
        _sub(node, "OrganId", trace.organ_id)
        _sub(node, "Timestamp", _fmt_datetime(trace.timestamp, config))
    b = pkg.business
    bus = _sub(thl, "Bussiness")  # sic: QCVN 102 spelling
    _sub(bus, "BussinessDocType", config.business_doc_type(b.kind))
    _sub(bus, "BussinessDocReason", b.reason or config.business_reasons.get(b.kind, ""))
    if b.document_info is not None:
        info = _sub(bus, "BussinessDocumentInfo")
        _sub(info, "DocumentInfo", b.document_info.document_info)
        _sub(info, "DocumentReceiver", b.document_info.document_receiver)
        receivers = _sub(info, "ReceiverList")
        for receiver in b.document_info.receivers:
            node = _sub(receivers, "Receiver")
            _sub(node, "OrganId", receiver.organ_id)
            _sub(node, "ReceiverType", receiver.receiver_type)
    _sub(bus, "DocumentId", b.document_id or pkg.header.document_id)
    for staff in b.staff_info:
        _staff(bus, staff)
    _sub(bus, "Paper", "1" if b.paper else "0")
    if b.replacement_info:
        rl = _sub(bus, "ReplacementInfoList")
        for item in b.replacement_info:
            node = _sub(rl, "ReplacementInfo")
            _sub(node, "DocumentId", item.document_id)
            organs = _sub(node, "OrganIdList")
            for organ in item.organ_ids:
                _sub(organs, "OrganId", organ)


@dataclass
class _Encoded:
    attachment: Attachment
    payload: Path | None  # file whose base64 goes into the package, when not `encoded`
    content_type: str
    marker: str
    encoded: bytes | None = None  # the base64 itself, for a small attachment


def _prepare_attachments(
    pkg: DocumentPackage, workdir: Callable[[], Path], config: C.CodecConfig
) -> list[_Encoded]:
    """Zip (as the SDK does) and base64 each attachment: in memory while the package's
    attachments stay within `IN_MEMORY_BYTES` (encoded once, for both the digest and the output),
    the others through files in `workdir()`."""
    encoded = []
    budget = IN_MEMORY_BYTES  # for all the attachments of the package together
    for i, att in enumerate(pkg.attachments):
        marker = f"EDXMLATTACHMENT{secrets.token_hex(8)}N{i}"
        size = Path(att.path).stat().st_size
        small = size <= budget
        if small:
            budget -= size
        if config.zip_attachments and not att.name.lower().endswith(".zip"):
            target: Path | io.BytesIO = io.BytesIO() if small else workdir() / f"{i}.zip"
            stored = att.name.lower().endswith(config.zip_stored_suffixes)
            method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with zipfile.ZipFile(target, "w", method, compresslevel=1) as zf:
                zf.write(att.path, arcname=att.name)
            if isinstance(target, io.BytesIO):
                item = _Encoded(att, None, "application/zip", marker)
                item.encoded = b64.encode(target.getbuffer())
            else:
                item = _Encoded(att, target, "application/zip", marker)
        else:
            content_type = att.content_type or (
                mimetypes.guess_type(att.name)[0] or "application/octet-stream"
            )  # a .zip travels as itself: zipping it again would be undone on receipt
            item = _Encoded(att, Path(att.path), content_type, marker)
            if small:
                item.encoded = b64.encode(Path(att.path).read_bytes())
        encoded.append(item)
    return encoded


def _body_and_attachments(
    root: etree._Element, envelope: etree._Element, items: list[_Encoded]
) -> None:
    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    manifest.set("version", "1.0")
    for i, item in enumerate(items):
        cid = item.attachment.content_id or f"cid:{i + 1}"
        ref = _sub(manifest, "Reference")
        _sub(ref, "ContentId", cid)
        _sub(ref, "ContentType", item.content_type)
        _sub(ref, "Description", item.attachment.description or item.attachment.name)
        _sub(ref, "AttachmentName", item.attachment.name)
    if not items:
        return
    encoded = _sub(root, "AttachmentEncoded")
    for i, item in enumerate(items):
        cid = item.attachment.content_id or f"cid:{i + 1}"
        att = _sub(encoded, "Attachment")
        _sub(att, "ContentId", cid)
        _sub(att, "AttachmentName", item.attachment.name)
        _sub(att, "Description", item.attachment.description or item.attachment.name)
        _sub(att, "ContentType", item.content_type)
        cte = etree.SubElement(
            att, _X + "ContentTransferEncoded", nsmap={C.EDXML_PREFIX: C.EDXML_NS}
        )
        cte.text = item.marker


def _stream_base64(path: Path, write: Callable[[bytes], Any]) -> None:
    with open(path, "rb") as fh:
        while chunk := fh.read(_B64_CHUNK):
            write(b64.encode(chunk))


def _emit(canonical: bytes, items: list[_Encoded], write: Callable[[bytes], Any]) -> None:
    """Write `canonical`, replacing each attachment marker with the file's base64."""
    rest = canonical
    for item in items:
        before, marker, rest = rest.partition(item.marker.encode("ascii"))
        if not marker:
            raise RuntimeError("attachment marker lost")  # pragma: no cover
        write(before)
        if item.encoded is not None:
            write(item.encoded)
        else:
            assert item.payload is not None
            _stream_base64(item.payload, write)
    write(rest)


def _serialize(
    root: etree._Element,
    items: list[_Encoded],
    signer: XmlSigner | None,
    out: IO[bytes],
    signature_parent: etree._Element,
) -> None:
    if signer is not None:
        sig = signer.signature_element(f"EDXMLDIGEST{secrets.token_hex(8)}")
        signature_parent.append(sig)
        etree.indent(root, space="  ")
        # The digest covers the document without the Signature element (enveloped transform).
        unsigned = etree.tostring(root, method="c14n", exclusive=signer.exclusive)
        sig_start = unsigned.index(b"<Signature ")
        sig_end = unsigned.index(b"</Signature>", sig_start) + len(b"</Signature>")
        digest = signer.new_digest()
        _emit(unsigned[:sig_start] + unsigned[sig_end:], items, digest.update)
        signer.complete(sig, digest.digest())
    else:
        etree.indent(root, space="  ")
    canonical = etree.tostring(root, method="c14n", exclusive=True)
    out.write(XML_DECLARATION)
    _emit(canonical, items, out.write)


def _refuse(problems: list[E.Problem]) -> None:
    if problems:
        secret = [p for p in problems if p.code == E.SECRET_REFUSED]
        raise E.EdxmlError.from_problems(secret or problems)


@overload
def build_package(
    pkg: DocumentPackage,
    *,
    signer: XmlSigner | None = None,
    out: None = None,
    config: C.CodecConfig = C.DEFAULT_CONFIG,
) -> bytes: ...


@overload
def build_package(
    pkg: DocumentPackage,
    *,
    signer: XmlSigner | None = None,
    out: Path | IO[bytes],
    config: C.CodecConfig = C.DEFAULT_CONFIG,
) -> None: ...


def build_package(
    pkg: DocumentPackage,
    *,
    signer: XmlSigner | None = None,
    out: Path | IO[bytes] | None = None,
    config: C.CodecConfig = C.DEFAULT_CONFIG,
) -> bytes | None:
    """Write `pkg` as edXML. Returns the bytes when `out` is None, else streams into `out`.

    Raises EdxmlError `edxml_secret_refused` for a secret document (never sent), or the first
    problem of `validate` for an incomplete header.
    """
    _refuse(package_problems(pkg, config))
    with contextlib.ExitStack() as stack:

        def workdir() -> Path:
            if not workdirs:
                workdirs.append(
                    Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="edxml-build-")))
                )
            return workdirs[0]

        workdirs: list[Path] = []
        items = _prepare_attachments(pkg, workdir, config)
        root, envelope, header = _skeleton()
        _message_header(header, pkg, config)
        _trace_header_list(header, pkg, config)
        _body_and_attachments(root, envelope, items)
        return _write(root, items, signer, out, header)


def _write(
    root: etree._Element,
    items: list[_Encoded],
    signer: XmlSigner | None,
    out: Path | IO[bytes] | None,
    signature_parent: etree._Element,
) -> bytes | None:
    if out is None:
        buffer = io.BytesIO()
        _serialize(root, items, signer, buffer, signature_parent)
        return buffer.getvalue()
    if isinstance(out, Path | str):
        path = Path(out)
        partial = path.with_name(path.name + ".part")
        with open(partial, "wb") as fh:
            _serialize(root, items, signer, fh, signature_parent)
        shutil.move(partial, path)
        return None
    _serialize(root, items, signer, out, signature_parent)
    return None


def build_status(
    st: StatusPackage,
    *,
    signer: XmlSigner | None = None,
    config: C.CodecConfig = C.DEFAULT_CONFIG,
) -> bytes:
    """Write a status package: edXMLHeader/Status (ResponseFor, From, StatusCode, …)."""
    _refuse(status_problems(st, config))
    root, _envelope, header = _skeleton()
    status = _sub(header, "Status")
    rf = _sub(status, "ResponseFor")
    _sub(rf, "OrganId", st.to_orgs[0].code)
    _sub(rf, "Code", st.response_for_code)
    _sub(rf, "PromulgationDate", _fmt_date(st.response_for_promulgation_date))
    _sub(rf, "DocumentId", st.response_for_document_id)
    _organization(status, "From", st.from_org)
    _sub(status, "StatusCode", st.status_code)
    _sub(status, "Description", st.description)
    _sub(status, "Timestamp", _fmt_datetime(st.timestamp, config))
    _staff(status, st.staff_info)
    result = _write(root, [], signer, None, header)
    assert result is not None
    return result
