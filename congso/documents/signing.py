"""The seam between the documents app and the digital-signature app (issue 4).

Nghị định 30/2020/NĐ-CP gives an electronic document legal value when it carries the digital
signature of the competent person (ô 7c) and of the organisation (ô 8, applied by the văn thư
to a document the competent person has signed; Điều 5, Điều 32 khoản 2) (standards.md §3.4).

This module only defines the interface and the setting that selects an implementation:

    CONGSO_DOCUMENT_SIGNER = "congso.signatures.documents.PadesDocumentSigner"   # dotted path

Empty (the default) means "no signer": nothing is signed, `OutgoingDocument.signature_state`
stays `not_signed`, the văn thư numbers the document when issuing it, and every screen and API
payload shows "Chưa ký số" (the issued PDF itself is not marked). When a signer is configured
the order is (services/outgoing_signing.py):

1. the signer's approval (last step of the circuit) takes the số from the outgoing book, renders
   the final PDF with số, ký hiệu and date line, and calls `sign_as_person(document, pdf_bytes,
   user)` with it; the returned PDF becomes a new version (origin "signed") and the state
   becomes `person_signed`;
2. the văn thư calls `sign_as_agency(document, pdf_bytes, clerk)` with the person-signed PDF;
   the returned PDF becomes a new version and the state becomes `fully_signed`; an
   implementation that also has `sign_attachment(document, pdf_bytes, clerk)` signs each PDF
   attachment (organisation signature, text only, top right of page 1);
3. issuing sends those bytes unchanged.

Nothing is written into the PDF after the first signature (no incremental update with the số),
so a strict validator sees both signatures intact and no modification. Both methods return the
complete signed PDF bytes; they raise `congso.core.errors.CongsoError` subclasses (e.g. a
certificate problem, a missing key) with a Vietnamese message, which abort the transition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from congso.documents.models import OutgoingDocument


@runtime_checkable
class DocumentSigner(Protocol):
    def sign_as_person(self, document: OutgoingDocument, pdf_bytes: bytes, user: Any) -> bytes: ...

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
