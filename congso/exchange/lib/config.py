"""Constants, limits and code lists of the edXML codec (standards.md §4).

[A]/[B] facts are constants; [C]/[?] values live in `CodecConfig` so the app can override them
from settings (standards §1.3): status codes, business types, secrecy markers, date formats,
zipping of attachments and the signature algorithms accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, timezone

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"  # [B] standards §4.1
EDXML_PREFIX = "edXML"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
XLINK_NS = "http://www.w3.org/1999/xlink"

# Status codes (standards §4.6, all [B]); 07–12 and 14 were never seen [?], add them via settings.
DEFAULT_STATUS_CODES: dict[str, str] = {
    "01": "Đã đến",
    "02": "Từ chối tiếp nhận",
    "03": "Đã tiếp nhận",
    "04": "Phân công",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Yêu cầu lấy lại văn bản",
    "15": "Đồng ý lấy lại (cập nhật) văn bản",
    "16": "Từ chối lấy lại (cập nhật) văn bản",
}

# Bussiness/BussinessDocType (standards §4.3, [B]).
DEFAULT_BUSINESS_DOC_TYPES: dict[str, str] = {
    "0": "new",
    "1": "revoke",
    "2": "update",
    "3": "replace",
}
DEFAULT_BUSINESS_REASONS: dict[str, str] = {
    "new": "Văn bản điện tử mới",
    "revoke": "Thu hồi văn bản điện tử",
    "update": "Cập nhật văn bản điện tử",
    "replace": "Văn bản thay thế",
}

# No edXML element carries độ mật (standards §4.3): the codec reads these OtherInfo children as a
# secrecy mark (an extension some systems add) and treats any value outside NORMAL as secret.
DEFAULT_SECRECY_ELEMENTS = ("Secrecy", "SecurityLevel", "Confidentiality", "DoMat")
DEFAULT_NORMAL_SECRECY_VALUES = ("", "0", "normal", "thuong", "thường", "false", "none")

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

# Signature algorithm URIs (W3C XMLDSig 1.0 / RFC 6931).
SIG_RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SIG_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SIG_RSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
SIG_RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
DIGEST_SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
DIGEST_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
DIGEST_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
DIGEST_SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_COMMENTS = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
EXC_C14N_COMMENTS = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
EXC_C14N_SAMPLE = "http://www.w3.org/TR/xml-exc-c14n#"  # written by the VNPT SDK sample (§4.5)
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

SIGNATURE_HASHES = {
    SIG_RSA_SHA1: "sha1",
    SIG_RSA_SHA256: "sha256",
    SIG_RSA_SHA384: "sha384",
    SIG_RSA_SHA512: "sha512",
}
DIGEST_HASHES = {
    DIGEST_SHA1: "sha1",
    DIGEST_SHA256: "sha256",
    DIGEST_SHA384: "sha384",
    DIGEST_SHA512: "sha512",
}
SIGNATURE_NAMES = {
    "rsa-sha1": SIG_RSA_SHA1,
    "rsa-sha256": SIG_RSA_SHA256,
    "rsa-sha384": SIG_RSA_SHA384,
    "rsa-sha512": SIG_RSA_SHA512,
}
DIGEST_NAMES = {
    "sha1": DIGEST_SHA1,
    "sha256": DIGEST_SHA256,
    "sha384": DIGEST_SHA384,
    "sha512": DIGEST_SHA512,
}
EXCLUSIVE_C14N = {EXC_C14N, EXC_C14N_COMMENTS, EXC_C14N_SAMPLE}
INCLUSIVE_C14N = {C14N, C14N_COMMENTS}


@dataclass(frozen=True)
class Limits:
    """Bounds on what a package may cost to read (all sizes in bytes)."""

    max_package_bytes: int = 512 * 1024 * 1024
    max_attachment_bytes: int = 250 * 1024 * 1024
    max_attachments: int = 200
    max_depth: int = 48
    max_elements: int = 200_000
    max_header_bytes: int = 4 * 1024 * 1024  # text kept in memory outside attachments
    chunk_size: int = 64 * 1024


@dataclass(frozen=True)
class CodecConfig:
    """The [C]/[?] values of the codec; `congso.exchange` builds one from settings."""

    status_codes: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STATUS_CODES))
    business_doc_types: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_BUSINESS_DOC_TYPES)
    )
    business_reasons: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_BUSINESS_REASONS))
    secrecy_elements: tuple[str, ...] = DEFAULT_SECRECY_ELEMENTS
    normal_secrecy_values: tuple[str, ...] = DEFAULT_NORMAL_SECRECY_VALUES
    # Accepted on input; the first is written.
    date_formats: tuple[str, ...] = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y")
    datetime_formats: tuple[str, ...] = (
        "%Y/%m/%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y %H:%M:%S",
        "%Y/%m/%d %H:%M",
    )
    timezone: timezone = VIETNAM_TZ
    zip_attachments: bool = True  # as the VNPT SDK sample (standards §4.2)
    # Attachments whose content is compressed already go into their zip "stored" (method 0, as
    # valid a zip as deflate): deflating a PDF again costs ~3 ms per 100 KB and saves ~7 %.
    zip_stored_suffixes: tuple[str, ...] = (
        ".pdf", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".jpg", ".jpeg", ".png", ".gz",
    )  # fmt: skip
    unzip_attachments: bool = True
    # Verification accepts these; SHA-1 stays for older systems (standards §4.5, [?]).
    accepted_signature_methods: tuple[str, ...] = (
        SIG_RSA_SHA1,
        SIG_RSA_SHA256,
        SIG_RSA_SHA384,
        SIG_RSA_SHA512,
    )
    accepted_digest_methods: tuple[str, ...] = (
        DIGEST_SHA1,
        DIGEST_SHA256,
        DIGEST_SHA384,
        DIGEST_SHA512,
    )

    def business_kind(self, doc_type: str) -> str | None:
        return self.business_doc_types.get(doc_type.strip())

    def business_doc_type(self, kind: str) -> str:
        for code, name in self.business_doc_types.items():
            if name == kind:
                return code
        raise KeyError(kind)

    def is_normal_secrecy(self, value: str) -> bool:
        return value.strip().lower() in {v.lower() for v in self.normal_secrecy_values}


DEFAULT_CONFIG = CodecConfig()
