"""The implementation of the documents app's `DocumentSigner` seam (congso/documents/signing.py).

    CONGSO_DOCUMENT_SIGNER = "congso.signatures.documents.PadesDocumentSigner"

The documents app calls this class; this module does not import `congso.documents` (the layer
above), it reads the objects it is handed by attribute.

Order (the documents app drives it): the signer's approval gives the document its số and date and
renders the final PDF; `sign_as_person` adds both empty signature fields to THAT PDF — found by
the signer's name printed under ô 7 on the last page — and fills the person's field; later
`sign_as_agency` only fills the organisation's field (standards §3.4, anchors §3.5 rule 2).
Nothing else is ever written into the PDF after the first signature, so a strict validator sees
no modification.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from congso.signatures import services
from congso.signatures.lib import appearance, signing

MM = appearance.MM
# Where render_outgoing_pdf puts ô 7 when the name cannot be found: right column of the last
# page (30 mm margin + 80 mm left column + half of the 85 mm right column).
FALLBACK_CENTRE = (30 * MM + 80 * MM + 42.5 * MM, 90 * MM)


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

    def sign_as_person(self, document: Any, pdf_bytes: bytes, user: Any) -> bytes:
        """The competent person signs the numbered, dated final PDF (blue image, ô 7c)."""
        name = str(getattr(document, "signer_full_name", "") or "")
        pdf = with_signature_fields(pdf_bytes, name)
        return services.document_sign_as_person(
            actor=user, pdf=pdf, document_ref=_reference(document)
        )

    def sign_as_agency(self, document: Any, pdf_bytes: bytes, clerk: Any) -> bytes:
        """The văn thư fills the organisation's field (red seal, ô 8); refused unless the
        person's field is signed."""
        return services.document_sign_as_agency(
            actor=clerk, pdf=pdf_bytes, document_ref=_reference(document)
        )

    def sign_attachment(self, document: Any, pdf_bytes: bytes, clerk: Any) -> bytes:
        """The văn thư signs an attachment or appendix file: text only (số và ký hiệu + time),
        top right of its first page."""
        return services.document_sign_appendix(
            actor=clerk,
            pdf=pdf_bytes,
            document_number=str(document.number_notation),
            document_ref=_reference(document),
        )


def _reference(document: Any) -> str:
    number = str(getattr(document, "number_notation", "") or "")
    return f"outgoing:{document.pk}" + (f" {number}" if number else "")


# The name used in congso/documents/signing.py's docstring.
VgcaDocumentSigner = PadesDocumentSigner
