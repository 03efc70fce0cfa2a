"""The edXML codec (QCVN 102:2016/BTTTT): build, parse, validate and sign exchange packages.

Django-free (an import-linter contract keeps it so): the app `congso.exchange` passes settings in
as `Limits` / `CodecConfig`. See docs/edxml.md.
"""

from congso.exchange.lib.builder import build_package, build_status
from congso.exchange.lib.checks import package_problems, status_problems
from congso.exchange.lib.config import DEFAULT_CONFIG, CodecConfig, Limits
from congso.exchange.lib.errors import EdxmlError, Problem
from congso.exchange.lib.mapping import document_metadata_from_header, header_from_document_metadata
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
    document_id_issuer,
    make_document_id,
)
from congso.exchange.lib.orgcodes import is_organization_code
from congso.exchange.lib.parser import (
    StatusReading,
    parse_package,
    parse_package_checked,
    parse_status,
    parse_status_checked,
    read_envelope,
)
from congso.exchange.lib.signing import XmlSigner, verify_xml_signature
from congso.exchange.lib.validation import validate, validate_checked

__all__ = [
    "DEFAULT_CONFIG",
    "Attachment",
    "Business",
    "BusinessDocumentInfo",
    "Code",
    "CodecConfig",
    "DocumentPackage",
    "DocumentType",
    "EdxmlError",
    "Envelope",
    "Limits",
    "MessageHeader",
    "Organization",
    "OtherInfo",
    "Problem",
    "PromulgationInfo",
    "Receiver",
    "ReplacementInfo",
    "ResponseFor",
    "SignerInfo",
    "StaffInfo",
    "StatusPackage",
    "StatusReading",
    "TraceHeader",
    "XmlSignatureCheck",
    "XmlSigner",
    "build_package",
    "build_status",
    "document_metadata_from_header",
    "header_from_document_metadata",
    "is_organization_code",
    "document_id_issuer",
    "make_document_id",
    "package_problems",
    "parse_package",
    "parse_package_checked",
    "parse_status",
    "parse_status_checked",
    "read_envelope",
    "status_problems",
    "validate",
    "validate_checked",
    "verify_xml_signature",
]
