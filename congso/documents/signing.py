"""The seam between the documents app and the digital-signature issue (issue 4).

Nghị định 30/2020/NĐ-CP gives an electronic document legal value when it carries the digital
signature of the competent person (ô 7c) and of the organisation (ô 8, applied by the văn thư
to a document the competent person has signed; Điều 5, Điều 32 khoản 2) (standards.md §3.4).

This module only defines the interface and the setting that selects an implementation:

    CONGSO_DOCUMENT_SIGNER = "congso.signatures.documents.VgcaDocumentSigner"   # dotted path

Empty (the default) means "no signer": nothing is signed, `OutgoingDocument.signature_state`
stays `not_signed`, issuing is still allowed, and every screen and API payload shows
"Chưa ký số" (the issued PDF itself is not marked). When a signer is configured:

1. the signer's approval (last step of the circuit) calls `sign_as_person(document, version, user)`
   with the approved version; the returned PDF becomes a new version (origin "signed") and the
   state becomes `person_signed`;
2. issuing calls `sign_as_agency(document, pdf_bytes, clerk)` with the PDF to issue (the
   composed layout re-rendered with its số and date, or — after a person signature — the signed
   PDF, into which the implementation writes số and date as an incremental update, as the
   VGCA signing tools do, so the person signature stays valid); the returned PDF is the issued
   version and the state becomes `fully_signed`.

Both methods return the complete signed PDF bytes; they raise `congso.core.errors.CongsoError`
subclasses (e.g. a certificate problem) with a Vietnamese message, which abort the transition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from congso.documents.models import OutgoingDocument, OutgoingVersion


@runtime_checkable
class DocumentSigner(Protocol):
    def sign_as_person(
        self, document: OutgoingDocument, version: OutgoingVersion, user: Any
    ) -> bytes: ...

    def sign_as_agency(self, document: OutgoingDocument, pdf_bytes: bytes, clerk: Any) -> bytes: ...


def document_signer() -> DocumentSigner | None:
    """The configured signer, or None when `CONGSO_DOCUMENT_SIGNER` is empty."""
    path = str(getattr(settings, "CONGSO_DOCUMENT_SIGNER", "") or "")
    if not path:
        return None
    factory = import_string(path)
    signer = factory() if isinstance(factory, type) else factory
    if not isinstance(signer, DocumentSigner):
        raise TypeError(f"{path} does not implement DocumentSigner")
    return signer
