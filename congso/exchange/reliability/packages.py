"""Test material for the benchmark and the streaming tests: a large valid PDF written in chunks,
and a plain edXML document package between two members built straight with the codec."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from congso.exchange import lib

MB = 1024 * 1024


def write_big_pdf(path: Path, megabytes: int) -> Path:
    """A valid one-page PDF carrying `megabytes` MiB of incompressible data in one stream."""
    with path.open("wb") as out:
        offsets = []
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        for body in (
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
        ):
            offsets.append(out.tell())
            out.write(f"{len(offsets)} 0 obj\n".encode() + body + b"\nendobj\n")
        offsets.append(out.tell())
        out.write(f"4 0 obj\n<< /Length {megabytes * MB} >>\nstream\n".encode())
        for _ in range(megabytes):
            out.write(os.urandom(MB))
        out.write(b"\nendstream\nendobj\n")
        xref = out.tell()
        out.write(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
        for offset in offsets:
            out.write(f"{offset:010d} 00000 n \n".encode())
        trailer = f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
        out.write(trailer.encode() + b"%%EOF\n")
    return path


def write_package(
    target: Path,
    *,
    sender: tuple[str, str],
    recipient: tuple[str, str],
    number: int,
    pdf: Path,
    signer: lib.XmlSigner | None = None,
) -> Path:
    """A công văn from `sender` (code, name) to `recipient` carrying `pdf`, written to `target`
    (signed when `signer` is given)."""
    today = dt.datetime.now(dt.UTC).date()
    code = lib.Code(number=f"{number:02d}", notation="RAW-VP")
    document_id = lib.make_document_id(sender[0], today, code)
    header = lib.header_from_document_metadata(
        {
            "organ_id": sender[0], "organ_name": sender[1],
            "recipients": [{"organ_id": recipient[0], "organ_name": recipient[1]}],
            "code_number": code.number, "code_notation": code.notation,
            "issued_on": today, "place_name": "Kon Tum", "type_code": "1",
            "type_name": "Công văn", "subject": f"Gói tin thử {number}",
            "signing_authority": "", "signer_position": "Giám đốc",
            "signer_full_name": "Phan Văn Hùng", "due_on": None, "to_places": [recipient[1]],
            "priority": "0", "page_amount": 1, "issued_amount": 1, "document_id": document_id,
        }
    )  # fmt: skip
    package = lib.DocumentPackage(
        header=header,
        traces=(lib.TraceHeader(organ_id=sender[0], timestamp=dt.datetime.now(dt.UTC)),),
        business=lib.Business(kind="new", document_id=document_id),
        attachments=(
            lib.Attachment(
                name=pdf.name, content_type="application/pdf", path=pdf, size=pdf.stat().st_size
            ),
        ),
    )
    with target.open("wb") as out:
        lib.build_package(package, signer=signer, out=out)
    return target
