"""Reading edXML packages: `parse_package`, `parse_status`, `read_envelope` (`validate` and
`validate_checked` live in validation.py).

Lenient on form (the VNPT sample layout, the xlink/DigitalSignature variant, a SOAP-wrapped
status, unqualified elements, several date formats), strict on what matters: identifiers,
business type, status code, secrecy, sizes. Every refusal names the element.
"""

from __future__ import annotations

import binascii
import mimetypes
import shutil
import unicodedata
import uuid
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from congso.exchange.lib import config as C
from congso.exchange.lib import errors as E
from congso.exchange.lib.checks import missing, package_problems, status_problems
from congso.exchange.lib.errors import EdxmlError, Problem
from congso.exchange.lib.model import (
    Attachment,
    Business,
    BusinessDocumentInfo,
    Code,
    DocumentPackage,
    DocumentType,
    Envelope,
    MessageHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    XmlSignatureCheck,
    make_document_id,
)
from congso.exchange.lib.signing import SignatureVerifier
from congso.exchange.lib.xmlstream import Node, StreamParser

Source = bytes | bytearray | Path | str | IO[bytes]
_WS = str.maketrans("", "", " \t\r\n")


# -- attachments ----------------------------------------------------------------------------


class _Base64ToFile:
    """Decodes base64 chunks to a file (or only counts when `directory` is None)."""

    def __init__(self, directory: Path | None, limits: C.Limits):
        self.directory = directory
        self.limits = limits
        self.raw_files: list[Path | None] = []
        self.sizes: list[int] = []
        self._fh: IO[bytes] | None = None
        self._pending = ""
        self._size = 0

    def begin(self, node: Node) -> None:
        self._pending = ""
        self._size = 0
        if self.directory is not None:
            path = self.directory / f".edxml-{uuid.uuid4().hex}.part"
            self._fh = open(path, "wb")  # noqa: SIM115 - closed in finish/cleanup
            self.raw_files.append(path)
        else:
            self.raw_files.append(None)

    def data(self, chunk: str) -> None:
        text = self._pending + chunk.translate(_WS)
        usable = len(text) - len(text) % 4
        self._pending = text[usable:]
        if usable:
            self._write(text[:usable])

    def _write(self, text: str) -> None:
        try:
            decoded = binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise EdxmlError(
                E.MALFORMED,
                "Nội dung tệp đính kèm (AttachmentEncoded/Attachment/ContentTransferEncoded) "
                "không phải base64 hợp lệ.",
            ) from None
        self._size += len(decoded)
        if self._size > self.limits.max_attachment_bytes:
            raise EdxmlError(
                E.ATTACHMENT_TOO_LARGE,
                f"Tệp đính kèm thứ {len(self.raw_files)} vượt giới hạn "
                f"{self.limits.max_attachment_bytes} byte.",
            )
        if self._fh is not None:
            self._fh.write(decoded)

    def finish(self, node: Node) -> None:
        if self._pending:
            raise EdxmlError(
                E.MALFORMED,
                "Nội dung tệp đính kèm (ContentTransferEncoded) không phải base64 hợp lệ "
                "(độ dài không chia hết cho 4).",
            )
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self.sizes.append(self._size)

    def cleanup(self) -> None:
        if self._fh is not None:
            self._fh.close()
        for path in self.raw_files:
            if path is not None:
                path.unlink(missing_ok=True)


def _safe_name(name: str, index: int) -> str:
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    return name[:200] or f"tep-dinh-kem-{index + 1}"


def _unique(directory: Path, name: str) -> Path:
    path = directory / name
    stem, suffix = path.stem, path.suffix
    n = 1
    while path.exists():
        path = directory / f"{stem}-{n}{suffix}"
        n += 1
    return path


def _unzip_single(raw: Path, name: str, limits: C.Limits) -> Path | None:
    """If `raw` is the SDK's zip of one file, extract that file next to it (bounded)."""
    if not zipfile.is_zipfile(raw):
        return None
    with zipfile.ZipFile(raw) as zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) != 1:
            return None
        member = members[0]
        if member.file_size > limits.max_attachment_bytes:
            raise EdxmlError(
                E.ATTACHMENT_TOO_LARGE,
                f"Tệp '{name}' sau khi giải nén vượt giới hạn {limits.max_attachment_bytes} byte.",
            )
        target = raw.with_name(raw.name + ".unzipped")
        written = 0
        with zf.open(member) as src, open(target, "wb") as dst:
            while chunk := src.read(limits.chunk_size):
                written += len(chunk)
                if written > limits.max_attachment_bytes:
                    dst.close()
                    target.unlink(missing_ok=True)
                    raise EdxmlError(
                        E.ATTACHMENT_TOO_LARGE,
                        f"Tệp '{name}' sau khi giải nén vượt giới hạn "
                        f"{limits.max_attachment_bytes} byte.",
                    )
                dst.write(chunk)
        return target


# -- helpers --------------------------------------------------------------------------------


def _find(node: Node | None, local: str, max_depth: int = 6) -> Node | None:
    """First descendant (breadth first) named `local`, whatever its namespace."""
    if node is None:
        return None
    level = [node]
    for _ in range(max_depth):
        for n in level:
            if n.local == local:
                return n
        level = [c for n in level for c in n.children]
    return None


def _text(node: Node | None, *path: str) -> str:
    for local in path:
        if node is None:
            return ""
        node = node.find(local)
    return node.text if node is not None else ""


class _Reader:
    def __init__(self, config: C.CodecConfig):
        self.config = config
        self.problems: list[Problem] = []

    def date(self, value: str, path: str) -> date | None:
        if not value:
            return None
        for fmt in self.config.date_formats:
            try:
                return datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007
            except ValueError:
                continue
        self.problems.append(
            Problem(E.INVALID_VALUE, f"Ngày '{value}' ở {path} không đúng dạng yyyy/MM/dd.", path)
        )
        return None

    def datetime(self, value: str, path: str) -> datetime | None:
        if not value:
            return None
        value = value.strip()
        try:
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=self.config.timezone)
        except ValueError:
            pass
        for fmt in self.config.datetime_formats:
            try:
                return datetime.strptime(value, fmt).replace(tzinfo=self.config.timezone)  # noqa: DTZ007
            except ValueError:
                continue
        self.problems.append(
            Problem(
                E.INVALID_VALUE,
                f"Thời điểm '{value}' ở {path} không đúng dạng yyyy/MM/dd HH:mm:ss.",
                path,
            )
        )
        return None

    def integer(self, value: str, path: str) -> int | None:
        if not value:
            return None
        try:
            return int(value.strip())
        except ValueError:
            self.problems.append(
                Problem(E.INVALID_VALUE, f"{path} phải là số nguyên ('{value}').", path)
            )
            return None

    def organization(self, node: Node | None) -> Organization:
        if node is None:
            return Organization(code="")
        return Organization(
            code=_text(node, "OrganId"),
            name=_text(node, "OrganName"),
            in_charge=_text(node, "OrganizationInCharge"),
            address=_text(node, "OrganAdd"),
            email=_text(node, "Email"),
            telephone=_text(node, "Telephone"),
            fax=_text(node, "Fax"),
            website=_text(node, "Website"),
        )

    def staff(self, node: Node) -> StaffInfo:
        return StaffInfo(
            department=_text(node, "Department"),
            staff=_text(node, "Staff"),
            mobile=_text(node, "Mobile"),
            email=_text(node, "Email"),
        )

    def secrecy(self, other: Node | None) -> str:
        if other is None:
            return ""
        for name in self.config.secrecy_elements:
            value = _text(other, name)
            if value and not self.config.is_normal_secrecy(value):
                return value
        return ""

    def header(self, mh: Node) -> MessageHeader:
        p = "MessageHeader"
        other = mh.find("OtherInfo")
        code = Code(_text(mh, "Code", "CodeNumber"), _text(mh, "Code", "CodeNotation"))
        promulgation = PromulgationInfo(
            place=_text(mh, "PromulgationInfo", "Place"),
            date=self.date(
                _text(mh, "PromulgationInfo", "PromulgationDate"),
                f"{p}/PromulgationInfo/PromulgationDate",
            ),
        )
        from_org = self.organization(mh.find("From"))
        places = mh.find("ToPlaces")
        appendixes = other.find("Appendixes") if other is not None else None
        document_id = _text(mh, "DocumentId")
        if not document_id and from_org.code and promulgation.date and code.number:
            document_id = make_document_id(from_org.code, promulgation.date, code)
        return MessageHeader(
            from_org=from_org,
            to_orgs=tuple(self.organization(n) for n in mh.findall("To")),
            code=code,
            promulgation=promulgation,
            document_type=DocumentType(
                type=_text(mh, "DocumentType", "Type"),
                name=_text(mh, "DocumentType", "TypeName"),
                detail=_text(mh, "DocumentType", "TypeDetail") or "0",
            ),
            subject=_text(mh, "Subject"),
            content=_text(mh, "Content"),
            signer=SignerInfo(
                competence=_text(mh, "SignerInfo", "Competence"),
                position=_text(mh, "SignerInfo", "Position"),
                full_name=_text(mh, "SignerInfo", "FullName"),
            ),
            due_date=self.date(_text(mh, "DueDate"), f"{p}/DueDate"),
            to_places=tuple(n.text for n in places.findall("Place")) if places else (),
            other_info=OtherInfo(
                priority=_text(other, "Priority") or "0",
                sphere_of_promulgation=_text(other, "SphereOfPromulgation"),
                typer_notation=_text(other, "TyperNotation"),
                promulgation_amount=self.integer(
                    _text(other, "PromulgationAmount"), f"{p}/OtherInfo/PromulgationAmount"
                ),
                page_amount=self.integer(_text(other, "PageAmount"), f"{p}/OtherInfo/PageAmount"),
                direction=_text(other, "Direction").lower() in ("true", "1"),
                appendixes=tuple(n.text for n in appendixes.findall("Appendix"))
                if appendixes
                else (),
                secrecy=self.secrecy(other),
            ),
            response_for=tuple(
                ResponseFor(
                    organ_id=_text(n, "OrganId"),
                    code=_text(n, "Code"),
                    promulgation_date=self.date(
                        _text(n, "PromulgationDate"), f"{p}/ResponseFor/PromulgationDate"
                    ),
                    document_id=_text(n, "DocumentId"),
                )
                for n in mh.findall("ResponseFor")
            ),
            steering_type=_text(mh, "SteeringType"),
            document_id=document_id,
        )

    def traces(self, thl: Node | None) -> tuple[TraceHeader, ...]:
        if thl is None:
            return ()
        result = []
        for n in thl.findall("TraceHeader"):
            ts = self.datetime(_text(n, "Timestamp"), "TraceHeaderList/TraceHeader/Timestamp")
            if ts is not None:
                result.append(TraceHeader(organ_id=_text(n, "OrganId"), timestamp=ts))
        return tuple(result)

    def business(self, thl: Node | None, document_id: str) -> tuple[Business, str]:
        node = None
        if thl is not None:
            node = thl.find("Bussiness") or thl.find("Business")
        if node is None:
            return Business(kind="new", document_id=document_id), "0"
        doc_type = _text(node, "BussinessDocType") or _text(node, "BusinessDocType") or "0"
        kind = self.config.business_kind(doc_type)
        if kind is None:
            self.problems.append(
                Problem(
                    E.UNKNOWN_BUSINESS,
                    f"BussinessDocType '{doc_type}' không có trong danh mục "
                    f"({', '.join(sorted(self.config.business_doc_types))}).",
                    "TraceHeaderList/Bussiness/BussinessDocType",
                )
            )
            kind = "new"
        info_node = node.find("BussinessDocumentInfo") or node.find("BusinessDocumentInfo")
        info = None
        if info_node is not None:
            receivers = info_node.find("ReceiverList")
            info = BusinessDocumentInfo(
                document_info=_text(info_node, "DocumentInfo") or "0",
                document_receiver=_text(info_node, "DocumentReceiver") or "0",
                receivers=tuple(
                    Receiver(_text(r, "OrganId"), _text(r, "ReceiverType"))
                    for r in (receivers.findall("Receiver") if receivers else [])
                ),
            )
        replacements = node.find("ReplacementInfoList")
        return Business(
            kind=kind,  # type: ignore[arg-type]
            document_id=_text(node, "DocumentId"),
            reason=_text(node, "BussinessDocReason") or _text(node, "BusinessDocReason"),
            paper=_text(node, "Paper") == "1",
            staff_info=tuple(self.staff(s) for s in node.findall("StaffInfo")),
            document_info=info,
            replacement_info=tuple(
                ReplacementInfo(
                    document_id=_text(r, "DocumentId"),
                    organ_ids=tuple(
                        o.text for o in (r.find("OrganIdList") or _NONE).findall("OrganId")
                    ),
                )
                for r in (replacements.findall("ReplacementInfo") if replacements else [])
            ),
        ), doc_type

    def status(self, node: Node) -> StatusPackage:
        rf = node.find("ResponseFor")
        ts_text = _text(node, "Timestamp")
        return StatusPackage(
            from_org=self.organization(node.find("From")),
            to_orgs=(Organization(code=_text(rf, "OrganId")),),
            response_for_document_id=_text(rf, "DocumentId"),
            response_for_code=_text(rf, "Code"),
            status_code=_text(node, "StatusCode"),
            description=_text(node, "Description"),
            staff_info=self.staff(staff) if (staff := node.find("StaffInfo")) else StaffInfo(),
            timestamp=self.datetime(ts_text, "Status/Timestamp"),
            response_for_promulgation_date=self.date(
                _text(rf, "PromulgationDate"), "Status/ResponseFor/PromulgationDate"
            ),
        )


class _NoNode:
    def findall(self, local: str) -> list[Node]:
        return []


_NONE: Any = _NoNode()


def _header_node(root: Node) -> Node | None:
    return _find(root, "edXMLHeader") or _find(root, "Header")


def _kind(root: Node) -> tuple[str, Node]:
    header = _header_node(root) or root
    mh = _find(header, "MessageHeader", 3)
    if mh is not None:
        return "edoc", mh
    status = _find(header, "Status", 3) or _find(root, "Status")
    if status is not None:
        return "status", status
    raise EdxmlError(
        E.MISSING_ELEMENT,
        "Không tìm thấy MessageHeader (văn bản) hay Status (trạng thái) trong edXMLHeader.",
        [missing("edXMLEnvelope/edXMLHeader/MessageHeader", "tiêu đề gói tin")],
    )


def _stop_after_header(node: Node) -> bool:
    return node.local in ("edXMLHeader",)


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


def _attachment_nodes(root: Node) -> list[Node]:
    encoded = root.find("AttachmentEncoded") or _find(root, "AttachmentEncoded", 3)
    return encoded.findall("Attachment") if encoded is not None else []


def _finish_attachments(
    root: Node, sink: _Base64ToFile, directory: Path, limits: C.Limits, config: C.CodecConfig
) -> tuple[Attachment, ...]:
    nodes = _attachment_nodes(root)
    result = []
    raws = iter(zip(sink.raw_files, sink.sizes, strict=True))
    for i, node in enumerate(nodes):
        if node.find("ContentTransferEncoded") is None:
            continue
        raw, size = next(raws)
        assert raw is not None
        name = _text(node, "AttachmentName") or _text(node, "Description")
        safe = _safe_name(name, i)
        declared = _text(node, "ContentType")
        content_type = declared
        path = raw
        if config.unzip_attachments and (
            declared == "application/zip" and not safe.lower().endswith(".zip")
        ):
            unzipped = _unzip_single(raw, safe, limits)
            if unzipped is not None:
                raw.unlink()
                path = unzipped
                size = path.stat().st_size
                content_type = mimetypes.guess_type(safe)[0] or "application/octet-stream"
        final = _unique(directory, safe)
        shutil.move(path, final)
        result.append(
            Attachment(
                name=name or safe,
                content_type=content_type or "application/octet-stream",
                path=final,
                size=size,
                description=_text(node, "Description"),
                content_id=_text(node, "ContentId"),
            )
        )
    return tuple(result)


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
    sink = _Base64ToFile(directory, limits)
    verifier = SignatureVerifier(config) if verify_signature else None
    done: tuple[Attachment, ...] = ()
    try:
        root = StreamParser(limits=limits, attachments=sink, events=verifier).parse(source)
        pkg, problems, _kind_name = _read_document(root, config)
        fatal = [p for p in problems if p.code != E.SECRET_REFUSED or not allow_secret]
        if fatal:
            raise EdxmlError.from_problems(fatal)
        done = _finish_attachments(root, sink, directory, limits, config)
    except BaseException:
        sink.cleanup()
        for att in done:
            att.path.unlink(missing_ok=True)
        raise
    pkg = DocumentPackage(pkg.header, pkg.traces, pkg.business, done)
    return pkg, verifier.result() if verifier is not None else None


def parse_status(
    source: Source, *, limits: C.Limits | None = None, config: C.CodecConfig = C.DEFAULT_CONFIG
) -> StatusPackage:
    """Read a status package; raises EdxmlError (e.g. `edxml_unknown_status`)."""
    root = StreamParser(limits=limits or C.Limits()).parse(source)
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
    parser = StreamParser(limits=limits or C.Limits(), stop_after=_stop_after_header)
    root = parser.parse(source)
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
