"""The implementation of the documents app's `DocumentSigner` seam (congso/documents/signing.py).

    CONGSO_DOCUMENT_SIGNER = "congso.signatures.documents.PadesDocumentSigner"

The documents app calls this class; this module does not import `congso.documents` (the layer
above), it reads the objects it is handed by attribute. The version's PDF is read through the
documents app's own file service, looked up by dotted path at call time.

Signature fields: before the person signs, both empty fields (person, organisation) are created
at the signature block of the last page — found by the signer's name printed under it (ô 7b) —
so the agency's signature later only fills its field (standards §3.4, anchors §3.5 rule 2).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.utils.module_loading import import_string

from congso.signatures import services
from congso.signatures.lib import appearance, signing

STORED_FILE_READER = "congso.documents.services.files.stored_file_read"
MM = appearance.MM
# Where render_outgoing_pdf puts ô 7 when the name cannot be found: right column of the last
# page (30 mm margin + 80 mm left column + half of the 85 mm right column).
FALLBACK_CENTRE = (30 * MM + 80 * MM + 42.5 * MM, 90 * MM)


def _version_pdf(version: Any) -> bytes:
    if getattr(version, "pdf_bytes", None) is not None:
        return bytes(version.pdf_bytes)
    reader = import_string(STORED_FILE_READER)
    return bytes(reader(version.rendered_file))


def _name_position(pdf: bytes, name: str) -> tuple[float, float] | None:
    """(x, y) of the signer's printed name on the last page, via pypdf's text visitor."""
    if not name.strip():
        return None
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    hits: list[tuple[float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if name.strip() in text:
            hits.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    reader.pages[-1].extract_text(visitor_text=visit)
    return hits[-1] if hits else None


def signature_block_for(pdf: bytes, signer_name: str) -> appearance.SignatureBlock:
    """The two field boxes: the image sits above the printed name (the 24 mm gap of ô 7c)."""
    found = _name_position(pdf, signer_name)
    if found is None:
        x, y = FALLBACK_CENTRE
    else:
        x, y = 30 * MM + 80 * MM + 42.5 * MM, found[1] + 13 * MM
    return appearance.signature_block(page=-1, centre_x=x, centre_y=y)


def with_signature_fields(pdf: bytes, signer_name: str) -> bytes:
    block = signature_block_for(pdf, signer_name)
    return signing.prepare_signature_fields(
        pdf,
        [
            signing.FieldPlacement(signing.PERSON_FIELD, block.page, block.person_box),
            signing.FieldPlacement(signing.ORGANISATION_FIELD, block.page, block.organisation_box),
        ],
    )


class PadesDocumentSigner:
    """PAdES signatures for outgoing documents, keys from `SigningKey` rows."""

    def sign_as_person(self, document: Any, version: Any, user: Any) -> bytes:
        content = getattr(version, "content", None) or {}
        name = str(content.get("signer_name") or getattr(document, "signer_full_name", "") or "")
        pdf = with_signature_fields(_version_pdf(version), name)
        return services.document_sign_as_person(
            actor=user, pdf=pdf, document_ref=f"outgoing:{document.pk}"
        )

    def sign_as_agency(self, document: Any, pdf_bytes: bytes, clerk: Any) -> bytes:
        return services.document_sign_as_agency(
            actor=clerk, pdf=pdf_bytes, document_ref=f"outgoing:{document.pk}"
        )


# The name used in congso/documents/signing.py's docstring.
VgcaDocumentSigner = PadesDocumentSigner
