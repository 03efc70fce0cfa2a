"""XMLDSig enveloped signature of the sending organisation (standards.md §4.5).

Signing: `XmlSigner` (RSA-SHA256 + SHA-256 digest + exclusive C14N by default; the SDK-sample
form RSA-SHA1 can be chosen). Verification streams: the reference digest over the whole
document (attachments included) is computed from parser events while the package is read, so
memory does not grow with the attachments. Certificate trust is not decided here: the caller
gets the certificate (DER) and subject and compares them with what it knows of the sender.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from typing import IO, Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

from congso.exchange.lib import config as C
from congso.exchange.lib import errors as E
from congso.exchange.lib.c14n import Attr, Canonicalizer, canonicalize_element
from congso.exchange.lib.model import XmlSignatureCheck
from congso.exchange.lib.xmlstream import Node, is_signature

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class XmlSigner:
    """Signs packages with a `cryptography` RSA private key and its X.509 certificate."""

    def __init__(
        self,
        private_key: rsa.RSAPrivateKey,
        certificate: x509.Certificate,
        *,
        signature_method: str = C.SIG_RSA_SHA256,
        digest_method: str = C.DIGEST_SHA256,
        c14n_method: str = C.EXC_C14N,
    ) -> None:
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise TypeError("XmlSigner cần khóa RSA (QCVN 102:2016 dùng RSA).")
        self.signature_method = C.SIGNATURE_NAMES.get(signature_method, signature_method)
        self.digest_method = C.DIGEST_NAMES.get(digest_method, digest_method)
        if self.signature_method not in C.SIGNATURE_HASHES:
            raise ValueError(f"unsupported signature method {signature_method}")
        if self.digest_method not in C.DIGEST_HASHES:
            raise ValueError(f"unsupported digest method {digest_method}")
        self.c14n_method = c14n_method
        self.private_key = private_key
        self.certificate = certificate
        self._texts: tuple[str, str] | None = None

    @classmethod
    def from_pem(
        cls, key_pem: bytes, cert_pem: bytes, *, password: bytes | None = None, **kwargs: Any
    ) -> XmlSigner:
        key = serialization.load_pem_private_key(key_pem, password=password)
        cert = x509.load_pem_x509_certificate(cert_pem)
        return cls(key, cert, **kwargs)  # type: ignore[arg-type]

    @property
    def exclusive(self) -> bool:
        return self.c14n_method in C.EXCLUSIVE_C14N

    def new_digest(self) -> Any:
        return hashlib.new(C.DIGEST_HASHES[self.digest_method])

    def signature_element(self, digest_placeholder: str) -> etree._Element:
        """The Signature element with `digest_placeholder` as DigestValue, not yet signed."""
        ds = f"{{{C.DSIG_NS}}}"
        sig = etree.Element(ds + "Signature", nsmap={None: C.DSIG_NS})
        info = etree.SubElement(sig, ds + "SignedInfo")
        etree.SubElement(info, ds + "CanonicalizationMethod", Algorithm=self.c14n_method)
        etree.SubElement(info, ds + "SignatureMethod", Algorithm=self.signature_method)
        ref = etree.SubElement(info, ds + "Reference", URI="")
        transforms = etree.SubElement(ref, ds + "Transforms")
        etree.SubElement(transforms, ds + "Transform", Algorithm=C.ENVELOPED)
        etree.SubElement(transforms, ds + "Transform", Algorithm=self.c14n_method)
        etree.SubElement(ref, ds + "DigestMethod", Algorithm=self.digest_method)
        etree.SubElement(ref, ds + "DigestValue").text = digest_placeholder
        etree.SubElement(sig, ds + "SignatureValue").text = ""
        key_info = etree.SubElement(sig, ds + "KeyInfo")
        x509_data = etree.SubElement(key_info, ds + "X509Data")
        subject, certificate = self._certificate_texts()
        etree.SubElement(x509_data, ds + "X509SubjectName").text = subject
        etree.SubElement(x509_data, ds + "X509Certificate").text = certificate
        return sig

    def _certificate_texts(self) -> tuple[str, str]:
        """X509SubjectName and X509Certificate (base64 DER), worked out once per signer."""
        if self._texts is None:
            self._texts = (
                self.certificate.subject.rfc4514_string(),
                base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode(
                    "ascii"
                ),
            )
        return self._texts

    def complete(self, sig: etree._Element, digest: bytes) -> None:
        """Fill DigestValue, then sign SignedInfo (canonicalized in its place in the tree)."""
        ds = f"{{{C.DSIG_NS}}}"
        sig.find(f"{ds}SignedInfo/{ds}Reference/{ds}DigestValue").text = base64.b64encode(
            digest
        ).decode("ascii")
        info = sig.find(ds + "SignedInfo")
        if self.exclusive:
            # libxml2's exclusive C14N of our own SignedInfo (no InclusiveNamespaces): the bytes
            # of canonicalize_element, made in C (tests/lib/test_fast_paths.py compares them).
            signed = etree.tostring(info, method="c14n", exclusive=True)
        else:
            signed = canonicalize_element(info, exclusive=False)
        algorithm = _HASHES[C.SIGNATURE_HASHES[self.signature_method]]()
        value = self.private_key.sign(signed, padding.PKCS1v15(), algorithm)
        sig.find(ds + "SignatureValue").text = base64.b64encode(value).decode("ascii")


# -- verification ---------------------------------------------------------------------------

_Event = tuple[Any, ...]


class SignatureVerifier:
    """An `EventSink`: buffers the events up to the header's Signature, then digests the rest.

    Only a Signature met before `edXMLBody` (i.e. in the header, where QCVN 102 puts it) is
    considered; a document with none is `edxml_signature_missing`.
    """

    def __init__(self, config: C.CodecConfig = C.DEFAULT_CONFIG, *, max_buffer: int = 200_000):
        self.config = config
        self.max_buffer = max_buffer
        self._buffer: list[_Event] | None = []
        self._depth = 0
        self._sig_start: int | None = None
        self._sig_depth = 0
        self._canon: Canonicalizer | None = None
        self._skip_depth = 0  # > 0 while inside the signature, once hashing
        self._digest: Any = None
        self._result: XmlSignatureCheck | None = None
        self._expected_digest = b""
        self._info: dict[str, Any] = {}

    # EventSink ---------------------------------------------------------------------------
    def start(
        self,
        prefix: str,
        uri: str,
        local: str,
        attrs: list[Attr],
        decls: dict[str, str],
        scope: dict[str, str],
    ) -> None:
        self._depth += 1
        if self._canon is not None:
            if self._skip_depth:
                self._skip_depth += 1
            elif is_signature(uri, local) and self._depth == self._sig_depth:
                self._skip_depth = 1  # a second signature at the same place: not ours
            else:
                self._canon.start(prefix, uri, local, attrs, decls)
            return
        if self._buffer is None:
            return
        if local == "edXMLBody" or len(self._buffer) > self.max_buffer:
            self._buffer = None
            return
        if self._sig_start is None and is_signature(uri, local):
            self._sig_start = len(self._buffer)
            self._sig_depth = self._depth
        self._buffer.append(("start", prefix, uri, local, attrs, decls, scope))

    def end(self, node: Node) -> None:
        self._depth -= 1
        if self._canon is not None:
            if self._skip_depth:
                self._skip_depth -= 1
            else:
                self._canon.end()
            return
        if self._buffer is None:
            return
        self._buffer.append(("end",))
        if self._sig_start is not None and self._depth + 1 == self._sig_depth:
            self._resolve(node)

    def text(self, data: str) -> None:
        if self._canon is not None:
            if not self._skip_depth:
                self._canon.text(data)
        elif self._buffer is not None:
            self._buffer.append(("text", data))

    def pi(self, target: str, data: str) -> None:
        if self._canon is not None:
            if not self._skip_depth:
                self._canon.pi(target, data)
        elif self._buffer is not None:
            self._buffer.append(("pi", target, data))

    # ---------------------------------------------------------------------------------------
    def _fail(self, code: str, message: str, **info: Any) -> None:
        self._result = XmlSignatureCheck(
            valid=False, problem_code=code, message_vi=message, **{**self._info, **info}
        )
        self._buffer = None

    def _resolve(self, sig: Node) -> None:
        assert self._buffer is not None
        assert self._sig_start is not None
        buffer = self._buffer
        start = self._sig_start
        plan = signature_plan(sig, self.config)
        self._info = plan.info
        if plan.failure is not None:
            self._fail(*plan.failure)
            return
        # 1. SignedInfo against the certificate's key.
        sig_scope = buffer[start][6]
        info_start = next(
            i
            for i in range(start + 1, len(buffer))
            if buffer[i][0] == "start" and buffer[i][3] == "SignedInfo"
        )
        out: list[bytes] = []
        canon = Canonicalizer(
            out.append,
            exclusive=plan.info_exclusive,
            inherited=sig_scope,
            inclusive_prefixes=plan.info_prefixes,
        )
        _replay(buffer, info_start, canon, until_balanced=True)
        if not plan.signed_info_verifies(b"".join(out)):
            self._fail(*_BAD_SIGNATURE_VALUE)
            return
        # 2. Reference digest over the document without this Signature, streaming from here on.
        self._digest = plan.new_digest()
        self._expected_digest = plan.expected_digest
        self._canon = Canonicalizer(
            self._digest.update,
            exclusive=plan.doc_exclusive,
            inclusive_prefixes=plan.doc_prefixes,
        )
        end = _subtree_end(buffer, start)
        _replay(buffer[:start] + buffer[end + 1 :], 0, self._canon)
        self._buffer = None

    def result(self) -> XmlSignatureCheck:
        if self._result is not None:
            return self._result
        if self._canon is None:
            return MISSING
        return digest_result(self._digest.digest(), self._expected_digest, self._info)


MISSING = XmlSignatureCheck(
    valid=False,
    problem_code=E.SIGNATURE_MISSING,
    message_vi="Gói tin không có chữ ký số XML (Signature trong edXMLHeader).",
)
_BAD_SIGNATURE_VALUE = (
    E.SIGNATURE_INVALID,
    "Giá trị chữ ký (SignatureValue) không khớp với SignedInfo và chứng thư số.",
)


def digest_result(digest: bytes, expected: bytes, info: dict[str, Any]) -> XmlSignatureCheck:
    if digest != expected:
        return XmlSignatureCheck(
            valid=False,
            problem_code=E.SIGNATURE_INVALID,
            message_vi="Nội dung gói tin đã bị thay đổi sau khi ký (DigestValue không khớp).",
            **info,
        )
    return XmlSignatureCheck(valid=True, **info)


class SignaturePlan:
    """What a Signature element asks for, checked (algorithms, one whole-document Reference,
    base64 values, a certificate): shared by the streaming and the in-memory verification.

    `failure` is (code, message) when the Signature is refused before any canonicalization;
    `info` is what the result reports (algorithm, signer, certificate).
    """

    __slots__ = (
        "doc_exclusive",
        "doc_prefixes",
        "expected_digest",
        "failure",
        "info",
        "info_exclusive",
        "info_prefixes",
        "_cert_der",
        "_digest_method",
        "_sig_method",
        "_signature_value",
    )

    def __init__(self) -> None:
        self.failure: tuple[str, str] | None = None
        self.info: dict[str, Any] = {}
        self.info_exclusive = False
        self.info_prefixes: list[str] = []
        self.doc_exclusive = False
        self.doc_prefixes: list[str] = []
        self.expected_digest = b""
        self._cert_der = b""
        self._digest_method = ""
        self._sig_method = ""
        self._signature_value = b""

    def new_digest(self) -> Any:
        return hashlib.new(C.DIGEST_HASHES[self._digest_method])

    def signed_info_verifies(self, signed_info: bytes) -> bool:
        """The SignatureValue checks against the canonical SignedInfo and the certificate's key."""
        try:
            key = _certificate_key(self._cert_der)
            if not isinstance(key, rsa.RSAPublicKey):
                raise TypeError
            key.verify(
                self._signature_value,
                signed_info,
                padding.PKCS1v15(),
                _HASHES[C.SIGNATURE_HASHES[self._sig_method]](),
            )
        except (InvalidSignature, TypeError, ValueError):
            return False
        return True


def signature_plan(sig: Node, config: C.CodecConfig) -> SignaturePlan:
    plan = SignaturePlan()

    def fail(code: str, message: str) -> SignaturePlan:
        plan.failure = (code, message)
        return plan

    info_node = sig.find("SignedInfo")
    if info_node is None:
        return fail(E.SIGNATURE_MISSING, "Phần tử Signature không có SignedInfo.")
    c14n_method = _algorithm(info_node.find("CanonicalizationMethod"))
    sig_method = _algorithm(info_node.find("SignatureMethod"))
    references = info_node.findall("Reference")
    cert_der, subject = _certificate(sig)
    plan.info = {
        "algorithm": sig_method,
        "signer_subject": subject,
        "certificate_der": cert_der,
    }
    if sig_method not in config.accepted_signature_methods:
        return fail(
            E.SIGNATURE_INVALID,
            f"Thuật toán ký (SignatureMethod) không được chấp nhận: {sig_method}.",
        )
    if c14n_method not in C.EXCLUSIVE_C14N | C.INCLUSIVE_C14N or c14n_method.endswith(
        "WithComments"
    ):
        return fail(
            E.SIGNATURE_INVALID, f"CanonicalizationMethod không được hỗ trợ: {c14n_method}."
        )
    if len(references) != 1 or references[0].attr("URI", "") not in ("", "#xpointer(/)"):
        return fail(
            E.SIGNATURE_INVALID,
            'Chữ ký phải có đúng một Reference URI="" (ký toàn bộ gói tin).',
        )
    ref = references[0]
    transforms = [_algorithm(t) for t in (ref.find("Transforms") or _EMPTY).findall("Transform")]
    if C.ENVELOPED not in transforms:
        return fail(E.SIGNATURE_INVALID, "Reference thiếu phép biến đổi enveloped-signature.")
    others = [t for t in transforms if t != C.ENVELOPED]
    if (
        any(
            t not in C.EXCLUSIVE_C14N | C.INCLUSIVE_C14N or t.endswith("WithComments")
            for t in others
        )
        or len(others) > 1
    ):
        return fail(E.SIGNATURE_INVALID, f"Phép biến đổi không được hỗ trợ: {others}.")
    digest_method = _algorithm(ref.find("DigestMethod"))
    if digest_method not in config.accepted_digest_methods:
        return fail(
            E.SIGNATURE_INVALID,
            f"Thuật toán băm (DigestMethod) không được chấp nhận: {digest_method}.",
        )
    plan.info["digest_algorithm"] = digest_method
    try:
        plan.expected_digest = base64.b64decode(ref.child_text("DigestValue"), validate=True)
        plan._signature_value = base64.b64decode(
            "".join(sig.child_text("SignatureValue").split()), validate=True
        )
    except (binascii.Error, ValueError):
        return fail(E.SIGNATURE_INVALID, "DigestValue hoặc SignatureValue không phải base64.")
    if cert_der is None:
        return fail(
            E.SIGNATURE_INVALID,
            "Chữ ký không kèm chứng thư số (KeyInfo/X509Data/X509Certificate) hợp lệ.",
        )
    plan._cert_der = cert_der
    plan._sig_method = sig_method
    plan._digest_method = digest_method
    plan.info_exclusive = c14n_method in C.EXCLUSIVE_C14N
    plan.info_prefixes = _prefix_list(info_node.find("CanonicalizationMethod"))
    doc_c14n = others[0] if others else C.C14N
    transform_node = next(
        (
            t
            for t in (ref.find("Transforms") or _EMPTY).findall("Transform")
            if _algorithm(t) == doc_c14n
        ),
        None,
    )
    plan.doc_exclusive = doc_c14n in C.EXCLUSIVE_C14N
    plan.doc_prefixes = _prefix_list(transform_node)
    return plan


class _Empty:
    def findall(self, local: str) -> list[Node]:
        return []


_EMPTY: Any = _Empty()


def _algorithm(node: Node | None) -> str:
    return node.attr("Algorithm").strip() if node is not None else ""


def _prefix_list(node: Node | None) -> list[str]:
    if node is None:
        return []
    inclusive = node.find("InclusiveNamespaces")
    return inclusive.attr("PrefixList").split() if inclusive is not None else []


# Cached: the same few certificates sign every package of a member. Errors are not cached: a
# certificate that does not load raises each time, as without the cache.
@functools.lru_cache(maxsize=64)
def _certificate_subject(der: bytes) -> str:
    """The subject of a DER certificate; raises ValueError when it is not one."""
    return x509.load_der_x509_certificate(der).subject.rfc4514_string()


@functools.lru_cache(maxsize=64)
def _certificate_key(der: bytes) -> Any:
    return x509.load_der_x509_certificate(der).public_key()


def _certificate(sig: Node) -> tuple[bytes | None, str]:
    for cert_node in sig.iter("X509Certificate"):
        try:
            der = base64.b64decode("".join(cert_node.text.split()), validate=True)
            subject = _certificate_subject(der)
        except (binascii.Error, ValueError):
            return None, ""
        return der, subject
    return None, ""


def _subtree_end(buffer: list[_Event], start: int) -> int:
    depth = 0
    for i in range(start, len(buffer)):
        kind = buffer[i][0]
        if kind == "start":
            depth += 1
        elif kind == "end":
            depth -= 1
            if depth == 0:
                return i
    return len(buffer) - 1


def _replay(
    events: list[_Event], start: int, canon: Canonicalizer, *, until_balanced: bool = False
) -> None:
    depth = 0
    for event in events[start:]:
        kind = event[0]
        if kind == "start":
            canon.start(event[1], event[2], event[3], event[4], event[5])
            depth += 1
        elif kind == "end":
            canon.end()
            depth -= 1
            if until_balanced and depth == 0:
                return
        elif kind == "text":
            canon.text(event[1])
        else:
            canon.pi(event[1], event[2])


def verify_xml_signature(
    source: bytes | IO[bytes] | Any,
    *,
    config: C.CodecConfig = C.DEFAULT_CONFIG,
    limits: C.Limits | None = None,
) -> XmlSignatureCheck:
    """Check the enveloped XMLDSig of a package (document or status) in one streaming pass.

    Never raises for a bad signature; a package that cannot be read at all raises EdxmlError.
    """
    from congso.exchange.lib.fastread import read_root  # imports this module

    check = read_root(source, limits=limits or C.Limits(), config=config)[1]
    assert check is not None
    return check
