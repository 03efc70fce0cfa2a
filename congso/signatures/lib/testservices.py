"""Local TSA (RFC 3161), OCSP (RFC 6960) and CRL service over HTTP for the TEST PKI.

Binds to 127.0.0.1 only. Routes (the URLs baked into the test certificates):

- `POST /tsa/<label>`   time-stamp token signed by entity `<label>` (certomancer's TimeStamper)
- `POST /ocsp/<label>`  OCSP answer signed by entity `<label>` for certificates of the issuing CA
- `GET  /crl/<label>.crl`  fresh CRL of CA `<label>`
- `GET  /certs/<label>.cer` a certificate (DER), for AIA chasing

A request header `X-Congso-Fake-Time: <ISO 8601>` makes the answer as of that moment (time
travel for tests, as certomancer's animator does); `fixed_time` does it for every request.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from certomancer import services as certomancer_services
from certomancer.services import TimeStamper
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.x509 import ocsp

from congso.signatures.lib.testpki import TestPki

logger = logging.getLogger(__name__)
_KEYS_BY_DER: dict[bytes, Any] = {}
_original_generic_sign = certomancer_services.generic_sign


def _cached_generic_sign(private_key: Any, tbs_bytes: bytes, sd_algo: Any) -> bytes:
    """certomancer re-loads the private key for every signature, and OpenSSL 3 spends ~40 ms
    validating an RSA key on each load; keep the loaded key instead."""
    algorithm = sd_algo.signature_algo
    if algorithm not in ("rsassa_pkcs1v15", "ecdsa"):
        return bytes(_original_generic_sign(private_key, tbs_bytes, sd_algo))
    der = private_key.dump()
    key: Any = _KEYS_BY_DER.get(der)
    if key is None:
        key = _KEYS_BY_DER[der] = serialization.load_der_private_key(der, None)
    digest = getattr(hashes, sd_algo.hash_algo.upper())()
    if algorithm == "ecdsa":
        return bytes(key.sign(tbs_bytes, ec.ECDSA(digest)))
    return bytes(key.sign(tbs_bytes, padding.PKCS1v15(), digest))


certomancer_services.generic_sign = _cached_generic_sign  # type: ignore[assignment]
FAKE_TIME_HEADER = "X-Congso-Fake-Time"
MAX_REQUEST_BYTES = 64 * 1024


class _Material:
    """Certificates and keys of the PKI, loaded once per service."""

    def __init__(self, pki: TestPki) -> None:
        self.pki = pki
        self.certs = {label: pki.cert(label) for label in pki.entities}
        self._keys: dict[str, Any] = {}
        self._lock = threading.Lock()

    def key(self, label: str) -> Any:
        with self._lock:
            if label not in self._keys:
                self._keys[label] = self.pki.key(label)
            return self._keys[label]

    def revocation(self, label: str) -> datetime | None:
        value = self.pki.entities[label].get("revoked_at")
        return datetime.fromisoformat(value) if value else None

    def issued_by(self, issuer: str) -> list[str]:
        return [lbl for lbl, ent in self.pki.entities.items() if ent.get("issuer") == issuer]


def build_crl(material: _Material, issuer: str, at: datetime) -> bytes:
    issuer_cert = material.certs[issuer]
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(at - timedelta(minutes=1))
        .next_update(at + timedelta(days=1))
        .add_extension(x509.CRLNumber(int(at.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    for label in material.issued_by(issuer):
        revoked_at = material.revocation(label)
        if revoked_at is not None and revoked_at <= at:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(material.certs[label].serial_number)
                .revocation_date(revoked_at)
                .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
                .build()
            )
    crl = builder.sign(material.key(issuer), hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


def build_ocsp(material: _Material, responder: str, body: bytes, at: datetime) -> bytes:
    try:
        request = ocsp.load_der_ocsp_request(body)
    except ValueError:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.MALFORMED_REQUEST
        ).public_bytes(serialization.Encoding.DER)
    responder_cert = material.certs[responder]
    issuer_label = material.pki.entities[responder]["issuer"]
    issuer_cert = material.certs[issuer_label]
    subject = next(
        (
            material.certs[label]
            for label in material.issued_by(issuer_label)
            if material.certs[label].serial_number == request.serial_number
        ),
        None,
    )
    builder = ocsp.OCSPResponseBuilder()
    if subject is None:
        builder = builder.add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.UNKNOWN,
            this_update=at - timedelta(minutes=1),
            next_update=at + timedelta(hours=1),
            revocation_time=None,
            revocation_reason=None,
        )
    else:
        label = next(lbl for lbl, cert in material.certs.items() if cert is subject)
        revoked_at = material.revocation(label)
        revoked = revoked_at is not None and revoked_at <= at
        builder = builder.add_response(
            cert=subject,
            issuer=issuer_cert,
            algorithm=request.hash_algorithm,
            cert_status=ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD,
            this_update=at - timedelta(minutes=1),
            next_update=at + timedelta(hours=1),
            revocation_time=revoked_at if revoked else None,
            revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
        )
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, responder_cert).certificates(
        [responder_cert]
    )
    for extension in request.extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    response = builder.sign(material.key(responder), hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)


def build_timestamp(material: _Material, tsa_label: str, body: bytes, at: datetime | None) -> bytes:
    tsa_cert = material.certs[tsa_label]
    der = tsa_cert.public_bytes(serialization.Encoding.DER)
    key_der = material.key(tsa_label).private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    issuer = material.pki.entities[tsa_label].get("issuer")
    chain = (
        [
            asn1_x509.Certificate.load(
                material.certs[issuer].public_bytes(serialization.Encoding.DER)
            )
        ]
        if issuer
        else []
    )
    stamper = TimeStamper(
        tsa_cert=asn1_x509.Certificate.load(der),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
        certs_to_embed=chain,
        fixed_dt=at,
    )
    request = tsp.TimeStampReq.load(body)
    return bytes(stamper.request_tsa_response(request).dump())


class TestServices:
    """The HTTP service; `start()` runs it in a daemon thread, `serve_forever()` in this one."""

    def __init__(
        self,
        pki: TestPki,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        fixed_time: datetime | None = None,
    ) -> None:
        self.material = _Material(pki)
        self.fixed_time = fixed_time
        if port is None:
            port = int(pki.base_url.rsplit(":", 1)[1])
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._counts: Counter[str] = Counter()
        self._counts_lock = threading.Lock()

    def requests(self, kind: str) -> int:
        """How many requests of `kind` ("ocsp", "crl", "tsa", "certs") were answered so far."""
        with self._counts_lock:
            return self._counts[kind]

    def _count(self, kind: str) -> None:
        with self._counts_lock:
            self._counts[kind] += 1

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> TestServices:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        services = self

        class Handler(BaseHTTPRequestHandler):
            # Headers and body go out in two writes; with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms per request).
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                logger.debug("test-services: " + format, *args)

            def _moment(self) -> tuple[datetime, datetime | None]:
                fake = self.headers.get(FAKE_TIME_HEADER)
                fixed = datetime.fromisoformat(fake) if fake else services.fixed_time
                return (fixed or datetime.now(UTC)), fixed

            def _reply(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                parts = self.path.strip("/").split("/")
                entities = services.material.pki.entities
                at, _ = self._moment()
                services._count(parts[0])
                if len(parts) == 2 and parts[0] == "crl" and parts[1].endswith(".crl"):
                    label = parts[1][: -len(".crl")]
                    if label in entities:
                        body = build_crl(services.material, label, at)
                        return self._reply(200, body, "application/pkix-crl")
                if len(parts) == 2 and parts[0] == "certs" and parts[1].endswith(".cer"):
                    label = parts[1][: -len(".cer")]
                    if label in entities:
                        cert = services.material.certs[label]
                        body = cert.public_bytes(serialization.Encoding.DER)
                        return self._reply(200, body, "application/pkix-cert")
                return self._reply(404, b"not found", "text/plain")

            def do_POST(self) -> None:  # noqa: N802 - http.server API
                parts = self.path.strip("/").split("/")
                length = int(self.headers.get("Content-Length") or 0)
                if length <= 0 or length > MAX_REQUEST_BYTES or len(parts) != 2:
                    return self._reply(400, b"bad request", "text/plain")
                body = self.rfile.read(length)
                kind, label = parts
                services._count(kind)
                if label not in services.material.pki.entities:
                    return self._reply(404, b"not found", "text/plain")
                at, fixed = self._moment()
                try:
                    if kind == "ocsp":
                        answer = build_ocsp(services.material, label, body, at)
                        return self._reply(200, answer, "application/ocsp-response")
                    if kind == "tsa":
                        answer = build_timestamp(services.material, label, body, fixed)
                        return self._reply(200, answer, "application/timestamp-reply")
                except Exception:  # a test service answers 500, it never dies
                    logger.exception("test-services: %s/%s failed", kind, label)
                    return self._reply(500, b"error", "text/plain")
                return self._reply(404, b"not found", "text/plain")

        return Handler
