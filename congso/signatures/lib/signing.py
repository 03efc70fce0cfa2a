"""PAdES signing of official documents: the person's signature, then the organisation's.

Rules (standards §3.4, §8.1; anchors §3.5):
- PAdES B-T by default (RFC 3161 signature timestamp), B-LT / B-LTA when configured, B-B only
  when no TSA is configured.
- Both signature fields are created before the first signature (`prepare_signature_fields`),
  so each signature only fills a field (diff level FORM_FILLING). Never a certification
  signature: a DocMDP P=1 certification would break the organisation's signature.
- The organisation signs only a document its competent person has signed (Nghị định
  30/2020/NĐ-CP, Điều 32 khoản 2 điểm c–d).
- The signer's certificate is checked (validity, revocation, key usage, key size) before the
  token signs (Circular 15/2025/TT-BKHCN).
"""

from __future__ import annotations

import asyncio
import enum
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta, timezone
from io import BytesIO
from typing import IO, Any, cast

from asn1crypto import tsp
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError, set_tsp_headers
from pyhanko.stamp import BaseStampStyle

from congso.signatures.lib import appearance
from congso.signatures.lib.certcheck import check_signer_certificate
from congso.signatures.lib.keys import KeyProvider
from congso.signatures.lib.trust import TrustStore, validation_context

VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")
PERSON_FIELD = "ChuKyNguoiKy"
ORGANISATION_FIELD = "ChuKyCoQuan"
APPENDIX_FIELD = "ChuKyCoQuanPhuLuc"


class SignatureLevel(enum.StrEnum):
    B_B = "B-B"
    B_T = "B-T"
    B_LT = "B-LT"
    B_LTA = "B-LTA"


class SigningRefused(Exception):
    """The document or the certificate may not be signed now; `message` is Vietnamese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SigningConfig:
    trust: TrustStore
    tsa_url: str | None = None
    level: SignatureLevel = SignatureLevel.B_T
    timeout: float = 5.0
    bytes_reserved: int = (
        32768  # hex digits (16 KiB of DER); skips pyHanko's dry run (pyHanko #515; anchors §3.5.8)
    )
    precheck: bool = True
    precheck_cache_seconds: float = 300.0
    location: str = "Kon Tum"


@dataclass(frozen=True)
class FieldPlacement:
    name: str
    page: int  # 0-based; negative counts from the end
    box: appearance.Box


class _VietnamTimePdfSigner(PdfSigner):
    """Shows the signing moment in Vietnam time (+07:00) in the appearance text."""

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = session.system_time.astimezone(VIETNAM_TIME)
        return session


def _stream(source: bytes | IO[bytes]) -> IO[bytes]:
    return BytesIO(source) if isinstance(source, bytes | bytearray) else source


def _page_index(reader: PdfFileReader, page: int) -> int:
    count = int(reader.root["/Pages"]["/Count"])
    index = page if page >= 0 else count + page
    if not 0 <= index < count:
        raise SigningRefused("page_out_of_range", f"Văn bản không có trang {page + 1}.")
    return index


def prepare_signature_fields(
    source: bytes | IO[bytes], placements: Sequence[FieldPlacement]
) -> bytes:
    """Add every empty signature field in one incremental update, before anyone signs."""
    writer = IncrementalPdfFileWriter(_stream(source))
    existing = set(signature_field_states(writer.prev))
    for placement in placements:
        if placement.name in existing:
            continue
        fields.append_signature_field(
            writer,
            SigFieldSpec(
                sig_field_name=placement.name,
                on_page=_page_index(writer.prev, placement.page),
                box=tuple(round(v, 2) for v in placement.box),  # type: ignore[arg-type]
            ),
        )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def signature_field_states(handler: Any) -> dict[str, bool]:
    """Signature field name → filled, read without parsing the signature dictionaries.

    pyHanko's field enumeration resolves each /V, tokenising its /Contents hex string one byte
    at a time; here only the reference is looked at.
    """
    try:
        top = handler.root["/AcroForm"]["/Fields"]
    except KeyError:
        return {}
    states: dict[str, bool] = {}

    def walk(refs: Any, prefix: str, inherited_type: Any, depth: int) -> None:
        if depth > 16:
            return
        for ref in refs:
            field = ref.get_object()
            partial = field.get("/T")
            name = f"{prefix}.{partial}" if prefix and partial else str(partial or prefix)
            field_type = field.get("/FT", inherited_type)
            if field_type == "/Sig":
                value = field.raw_get("/V") if "/V" in field else None
                states[name] = value is not None and not isinstance(value, generic.NullObject)
            elif "/Kids" in field:
                walk(field["/Kids"], name, field_type, depth + 1)

    walk(top, "", None, 0)
    return states


def signed_field_names(source: bytes | IO[bytes]) -> list[str]:
    reader = PdfFileReader(_stream(source))
    return [name for name, filled in signature_field_states(reader).items() if filled]


def _metadata(
    field_name: str, config: SigningConfig, extra_certs: Sequence[Any]
) -> PdfSignatureMetadata:
    long_term = config.level in (SignatureLevel.B_LT, SignatureLevel.B_LTA)
    return PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        location=config.location,
        certify=False,
        embed_validation_info=long_term,
        use_pades_lta=config.level == SignatureLevel.B_LTA,
        validation_context=(
            validation_context(config.trust, timeout=config.timeout, extra_certs=extra_certs)
            if long_term
            else None
        ),
        signer_key_usage={"digital_signature"},
    )


class UrllibTimeStamper(TimeStamper):
    """RFC 3161 client over plain urllib in a worker thread.

    pyHanko's aiohttp client opens a session (and loads the certifi bundle) per request;
    one short POST does not need that, and a TSA on http:// (as tsa.ca.gov.vn) needs no TLS.
    """

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        super().__init__()
        self.url = url
        self.timeout = timeout

    def _post(self, body: bytes) -> bytes:
        if not self.url.startswith(("http://", "https://")):
            raise TimestampRequestError("TSA URL must be http(s)")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.url, data=body, headers=set_tsp_headers({}), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if response.headers.get("Content-Type") != "application/timestamp-reply":
                    raise TimestampRequestError("TSA answered with a wrong content type")
                return bytes(response.read(1024 * 1024))
        except OSError as exc:
            raise TimestampRequestError("Error while contacting timestamp service") from exc

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        loop = asyncio.get_running_loop()
        data = await loop.run_in_executor(None, self._post, req.dump())
        return tsp.TimeStampResp.load(data)


def _timestamper(config: SigningConfig) -> TimeStamper | None:
    if config.level == SignatureLevel.B_B:
        return None
    if not config.tsa_url:
        raise SigningRefused(
            "tsa_not_configured",
            "Chưa cấu hình dịch vụ cấp dấu thời gian (TSA) cho chữ ký PAdES B-T.",
        )
    return UrllibTimeStamper(config.tsa_url, timeout=config.timeout)


def sign_field(
    source: bytes | IO[bytes],
    *,
    provider: KeyProvider,
    field_name: str,
    config: SigningConfig,
    style: BaseStampStyle,
    text_params: dict[str, str] | None = None,
    new_field: FieldPlacement | None = None,
    output: IO[bytes] | None = None,
) -> BytesIO:
    """Sign `field_name` (which must exist unless `new_field` is given) with `provider`'s key."""
    cert = provider.certificate()
    chain = provider.chain()
    if config.precheck:
        from congso.signatures.lib.certcheck import CertificateRejected

        try:
            check_signer_certificate(
                cert,
                trust=config.trust,
                chain=chain,
                timeout=config.timeout,
                cache_seconds=config.precheck_cache_seconds,
            )
        except CertificateRejected as exc:
            raise SigningRefused(exc.code, exc.message) from None
    stream = _stream(source)
    start = stream.tell()
    try:
        result = _sign_once(
            stream, provider, field_name, config, style, text_params, new_field, output,
            config.bytes_reserved,
        )  # fmt: skip
    except SigningError as exc:
        if "allocated" not in str(exc):
            raise
        # The CMS (long chain, big timestamp) did not fit: measure it with a dry run instead.
        stream.seek(start)
        if output is not None:
            output.seek(0)
            output.truncate()
        result = _sign_once(
            stream, provider, field_name, config, style, text_params, new_field, output, None
        )
    # pyHanko returns `output` when given, else a new BytesIO; callers passing a file get it back.
    return cast(BytesIO, result)


def _sign_once(
    stream: IO[bytes],
    provider: KeyProvider,
    field_name: str,
    config: SigningConfig,
    style: BaseStampStyle,
    text_params: dict[str, str] | None,
    new_field: FieldPlacement | None,
    output: IO[bytes] | None,
    bytes_reserved: int | None,
) -> Any:
    writer = IncrementalPdfFileWriter(stream)
    field_spec = None
    if new_field is not None:
        field_spec = SigFieldSpec(
            sig_field_name=new_field.name,
            on_page=_page_index(writer.prev, new_field.page),
            box=tuple(round(v, 2) for v in new_field.box),  # type: ignore[arg-type]
        )
    else:
        if signature_field_states(writer.prev).get(field_name, True):
            raise SigningRefused(
                "field_not_available",
                f"Văn bản không có ô chữ ký trống '{field_name}' (đã ký hoặc chưa được tạo).",
            )
    signer = _VietnamTimePdfSigner(
        _metadata(field_name, config, provider.chain()),
        signer=provider.signer(),
        timestamper=_timestamper(config),
        stamp_style=style,
        new_field_spec=field_spec,
    )
    with provider.lock():
        return signer.sign_pdf(
            writer,
            existing_fields_only=new_field is None,
            bytes_reserved=bytes_reserved,
            appearance_text_params=text_params,
            output=output,
        )


def sign_as_person(
    source: bytes | IO[bytes],
    *,
    provider: KeyProvider,
    config: SigningConfig,
    signature_image: bytes,
    field_name: str = PERSON_FIELD,
    output: IO[bytes] | None = None,
) -> BytesIO:
    """The competent person's signature: blue handwritten image in the pre-created field."""
    return sign_field(
        source,
        provider=provider,
        field_name=field_name,
        config=config,
        style=appearance.image_style(signature_image),
        output=output,
    )


def sign_as_organisation(
    source: bytes | IO[bytes],
    *,
    provider: KeyProvider,
    config: SigningConfig,
    seal_image: bytes,
    field_name: str = ORGANISATION_FIELD,
    person_field: str = PERSON_FIELD,
    output: IO[bytes] | None = None,
) -> BytesIO:
    """The organisation's signature (red seal), only after the person has signed."""
    stream = _stream(source)
    require_person_signature(stream, person_field=person_field)
    stream.seek(0)
    return sign_field(
        stream,
        provider=provider,
        field_name=field_name,
        config=config,
        style=appearance.image_style(seal_image),
        output=output,
    )


def require_person_signature(
    source: bytes | IO[bytes], *, person_field: str = PERSON_FIELD
) -> None:
    """The văn thư signs for the agency only a document the competent person has signed
    (Nghị định 30/2020/NĐ-CP, Điều 32)."""
    if person_field not in signed_field_names(source):
        raise SigningRefused(
            "person_signature_missing",
            "Văn bản chưa có chữ ký số của người có thẩm quyền; văn thư chưa được ký số của "
            "cơ quan (Nghị định 30/2020/NĐ-CP, Điều 32).",
        )


def sign_appendix(
    source: bytes | IO[bytes],
    *,
    provider: KeyProvider,
    config: SigningConfig,
    document_number: str,
    output: IO[bytes] | None = None,
) -> BytesIO:
    """Organisation signature on an appendix/attachment file: text only, top right of page 1."""
    stream = _stream(source)
    reader = PdfFileReader(stream)
    media_box = reader.root["/Pages"]["/Kids"][0].get_object()
    box = [float(v) for v in _media_box(media_box)]
    stream.seek(0)
    placement = FieldPlacement(
        APPENDIX_FIELD, 0, appearance.appendix_box(box[2] - box[0], box[3] - box[1])
    )
    return sign_field(
        stream,
        provider=provider,
        field_name=APPENDIX_FIELD,
        config=config,
        style=appearance.appendix_style(),
        text_params={"doc_number": document_number},
        new_field=placement,
        output=output,
    )


def _media_box(node: Any) -> Any:
    while node is not None:
        if "/MediaBox" in node:
            return node["/MediaBox"]
        if "/Kids" in node:
            node = node["/Kids"][0].get_object()
            continue
        node = node.get("/Parent")
        node = node.get_object() if node is not None else None
    return (0, 0, 595.28, 841.89)
