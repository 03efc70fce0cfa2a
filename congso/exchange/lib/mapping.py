"""Mapping between edXML headers and the documents part's metadata (Phụ lục VI, standards §3.6).

Plain dicts keyed by the `congso.documents` model field names (each is the snake_case of a
Phụ lục VI / edXML name: `code_number` ↔ CodeNumber …). Phụ lục VI names are accepted as keys
too. The library never imports the models; the connector fills/reads the dicts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from congso.exchange.lib.model import (
    Code,
    DocumentType,
    MessageHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    SignerInfo,
    make_document_id,
)

# model field name → Phụ lục VI / edXML name
FIELD_NAMES: dict[str, str] = {
    "organ_id": "OrganId",
    "organ_name": "OrganName",
    "code_number": "CodeNumber",
    "code_notation": "CodeNotation",
    "issued_on": "IssuedDate",
    "place_name": "Place",
    "type_code": "Type",
    "type_name": "TypeName",
    "subject": "Subject",
    "body": "Content",
    "signing_authority": "Competence",
    "signer_position": "Position",
    "signer_full_name": "FullName",
    "due_on": "DueDate",
    "to_places": "ToPlaces",
    "priority": "Priority",
    "page_amount": "PageAmount",
    "issued_amount": "PromulgationAmount",
    "recipients": "To",
    "steering_type": "SteeringType",
    "document_id": "DocumentId",
    "secrecy": "Secrecy",
    "description": "Description",
}
ALIASES = {"reply_due_on": "due_on", "content": "body", "promulgation_place": "place_name"}


def _get(meta: dict[str, Any], key: str, default: Any = None) -> Any:
    if key in meta and meta[key] not in (None, ""):
        return meta[key]
    for alias, target in ALIASES.items():
        if target == key and meta.get(alias) not in (None, ""):
            return meta[alias]
    pascal = FIELD_NAMES.get(key)
    if pascal and meta.get(pascal) not in (None, ""):
        return meta[pascal]
    return default


def _org(value: Any) -> Organization:
    if isinstance(value, Organization):
        return value
    if isinstance(value, str):
        return Organization(code=value)
    return Organization(
        code=value.get("organ_id") or value.get("OrganId") or value.get("code", ""),
        name=value.get("organ_name") or value.get("OrganName") or value.get("name", ""),
    )


def header_from_document_metadata(meta: dict[str, Any]) -> MessageHeader:
    """Build a MessageHeader from document metadata (an outgoing document's fields).

    Keys: organ_id, organ_name (the issuer), recipients (list of codes or
    {organ_id, organ_name}), code_number, code_notation, issued_on (date), place_name,
    type_code, type_name, subject, body, signing_authority, signer_position, signer_full_name,
    due_on / reply_due_on, to_places (list or newline-separated text), priority, page_amount,
    issued_amount, steering_type, secrecy, document_id (derived when absent).
    """
    issued: date | None = _get(meta, "issued_on")
    code = Code(str(_get(meta, "code_number", "")), str(_get(meta, "code_notation", "")))
    organ_id = str(_get(meta, "organ_id", ""))
    to_places = _get(meta, "to_places", ())
    if isinstance(to_places, str):
        to_places = [line.strip() for line in to_places.splitlines() if line.strip()]
    page_amount = _get(meta, "page_amount")
    amount = _get(meta, "issued_amount")
    document_id = _get(meta, "document_id") or (
        make_document_id(organ_id, issued, code) if organ_id and issued and code.number else ""
    )
    subject = str(_get(meta, "subject", ""))
    return MessageHeader(
        from_org=Organization(code=organ_id, name=str(_get(meta, "organ_name", ""))),
        to_orgs=tuple(_org(r) for r in _get(meta, "recipients", ())),
        code=code,
        promulgation=PromulgationInfo(place=str(_get(meta, "place_name", "")), date=issued),
        document_type=DocumentType(
            type=str(_get(meta, "type_code", "")), name=str(_get(meta, "type_name", ""))
        ),
        subject=subject,
        content=str(_get(meta, "body", subject)),
        signer=SignerInfo(
            competence=str(_get(meta, "signing_authority", "")),
            position=str(_get(meta, "signer_position", "")),
            full_name=str(_get(meta, "signer_full_name", "")),
        ),
        due_date=_get(meta, "due_on"),
        to_places=tuple(to_places),
        other_info=OtherInfo(
            priority=str(_get(meta, "priority", "0")),
            page_amount=int(page_amount) if page_amount is not None else None,
            promulgation_amount=int(amount) if amount is not None else None,
            secrecy=str(_get(meta, "secrecy", "")),
        ),
        steering_type=str(_get(meta, "steering_type", "")),
        document_id=str(document_id),
    )


def document_metadata_from_header(header: MessageHeader) -> dict[str, Any]:
    """The incoming-document metadata carried by a header (model field names as keys)."""
    return {
        "organ_id": header.from_org.code,
        "organ_name": header.from_org.name,
        "recipients": [{"organ_id": o.code, "organ_name": o.name} for o in header.to_orgs],
        "code_number": header.code.number,
        "code_notation": header.code.notation,
        "issued_on": header.promulgation.date,
        "place_name": header.promulgation.place,
        "type_code": header.document_type.type,
        "type_name": header.document_type.name,
        "subject": header.subject,
        "body": header.content,
        "signing_authority": header.signer.competence,
        "signer_position": header.signer.position,
        "signer_full_name": header.signer.full_name,
        "due_on": header.due_date,
        "to_places": "\n".join(header.to_places),
        "priority": header.other_info.priority,
        "page_amount": header.other_info.page_amount,
        "issued_amount": header.other_info.promulgation_amount,
        "steering_type": header.steering_type,
        "secrecy": header.other_info.secrecy,
        "is_secret": header.other_info.secrecy.strip().lower() not in ("", "normal"),
        "document_id": header.document_id,
    }
