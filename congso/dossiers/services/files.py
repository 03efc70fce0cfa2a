"""Intake of dossier files: the type is read from the bytes, never from the name.

A file whose bytes do not match its extension (a ".pdf" that is not a PDF) or whose type the
component does not accept is refused with `upload_invalid_type`; oversized and empty files too.
(The documents app has its own intake; it sits beside dossiers in the layers, so this is a small
separate one.)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from congso.core.errors import ValidationFailed
from congso.dossiers.errors import UploadRejected

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_ACCEPTED = (PDF, JPEG, PNG)
EXTENSIONS = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "tif": TIFF,
    "tiff": TIFF,
    "docx": DOCX,
}
CHUNK = 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    data: bytes
    sha256: str
    size: int
    content_type: str


def max_bytes() -> int:
    return int(getattr(settings, "DOSSIER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def safe_name(name: str) -> str:
    cleaned = unicodedata.normalize("NFC", name or "")
    cleaned = _CONTROL.sub("", cleaned).replace("\\", "/").rsplit("/", 1)[-1].strip()
    cleaned = cleaned.lstrip(".").strip()
    if not cleaned:
        raise ValidationFailed(_("Tên tệp không hợp lệ."), code="upload_invalid_name", field="file")
    return cleaned[-255:]


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            return None
    return None


def _read(uploaded: Any, limit: int) -> bytes:
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    parts: list[bytes] = []
    size = 0
    while chunk := uploaded.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise ValidationFailed(
                _("Tệp vượt quá dung lượng cho phép (%(mb)d MB).") % {"mb": limit // (1024 * 1024)},
                code="upload_too_large",
                field="file",
            )
        parts.append(chunk)
    return b"".join(parts)


def check_upload(uploaded: Any, accepted: Iterable[str] | None = None) -> CheckedUpload:
    """Read, size-check and type-check one upload (an UploadedFile or any `.name` + `.read()`)."""
    name = safe_name(getattr(uploaded, "name", "") or "")
    data = _read(uploaded, max_bytes())
    if not data:
        raise ValidationFailed(_("Tệp rỗng."), code="upload_empty", field="file")
    allowed = tuple(accepted or DEFAULT_ACCEPTED)
    sniffed = sniff(data)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = EXTENSIONS.get(extension)
    if sniffed is None or claimed != sniffed or sniffed not in allowed:
        raise UploadRejected(
            _(
                "Tệp “%(name)s” không đúng định dạng: nội dung tệp không khớp với phần mở rộng "
                "hoặc định dạng không được chấp nhận (chấp nhận: %(types)s)."
            )
            % {"name": name, "types": ", ".join(sorted({t.split("/")[-1] for t in allowed}))},
            field="file",
            details={"detected": sniffed, "extension": extension},
        )
    return CheckedUpload(
        name=name,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        content_type=sniffed,
    )
