"""A stand-in for the signatures issue: marks the PDF's metadata instead of signing it."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader, PdfWriter


def _mark(data: bytes, key: str, value: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_metadata({key: value})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class FakeSigner:
    def sign_as_person(self, document: Any, pdf_bytes: bytes, user: Any) -> bytes:
        return _mark(pdf_bytes, "/CongsoPerson", f"{user.pk} {document.number_notation}")

    def sign_as_agency(self, document: Any, pdf_bytes: bytes, clerk: Any) -> bytes:
        return _mark(pdf_bytes, "/CongsoAgency", document.number_notation)
