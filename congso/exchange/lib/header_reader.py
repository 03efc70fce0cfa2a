"""The edXML header reader: MessageHeader, TraceHeaderList, Bussiness and Status elements to model
objects, lenient on form (unqualified elements, several date formats), collecting every problem.

Also which kind of package a root holds (document or status) and where its header stops.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from congso.exchange.lib import config as C
from congso.exchange.lib import errors as E
from congso.exchange.lib.checks import missing
from congso.exchange.lib.errors import EdxmlError, Problem
from congso.exchange.lib.model import (
    Business,
    BusinessDocumentInfo,
    Code,
    DocumentType,
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
    make_document_id,
)
from congso.exchange.lib.xmlstream import Node

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


# The two forms QCVN 102 writes, read without `strptime` when plainly well-formed (ASCII digits,
# one space). Any other value goes through `strptime`, which then answers (or refuses) itself:
# for a value matched here, `strptime` gives the same `datetime` or raises as the constructor
# does (tests/lib/test_status_reading.py compares them).
_PLAIN = {
    "%Y/%m/%d": re.compile(r"([0-9]{4})/([0-9]{2})/([0-9]{2})\Z"),
    "%Y/%m/%d %H:%M:%S": re.compile(
        r"([0-9]{4})/([0-9]{2})/([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})\Z"
    ),
}


def _strptime(value: str, fmt: str) -> datetime:
    """`datetime.strptime(value, fmt)`, faster for the usual forms."""
    plain = _PLAIN.get(fmt)
    if plain is not None:
        found = plain.match(value)
        if found is not None:
            try:
                n = [int(group) for group in found.groups()] + [0, 0, 0]
                return datetime(n[0], n[1], n[2], n[3], n[4], n[5])  # noqa: DTZ001
            except ValueError:
                pass  # strptime says why
    return datetime.strptime(value, fmt)  # noqa: DTZ007


class _Reader:
    def __init__(self, config: C.CodecConfig):
        self.config = config
        self.problems: list[Problem] = []

    def date(self, value: str, path: str) -> date | None:
        if not value:
            return None
        for fmt in self.config.date_formats:
            try:
                return _strptime(value.strip(), fmt).date()
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
                return _strptime(value, fmt).replace(tzinfo=self.config.timezone)
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
