"""Development key pairs for members: a private key, its public key and a self-signed certificate.

The certificate lets the same key sign edXML packages (XMLDSig needs one); production members use
keys and certificates from their CA and register only the public key with the hub.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class KeyFiles:
    private_key: Path
    public_key: Path
    certificate: Path


def member_keypair_write(*, code: str, out_dir: Path, algorithm: str = "rsa") -> KeyFiles:
    """Write `<code>.key.pem` (0600), `<code>.pub.pem` and `<code>.cert.pem` into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    private: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
    if algorithm == "ed25519":
        private = ed25519.Ed25519PrivateKey.generate()
        digest = None
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        digest = hashes.SHA256()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, code),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "congso hub development member"),
        ]
    )
    now = datetime.now(tz=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=825))
        .sign(private, digest)
    )
    files = KeyFiles(
        private_key=out_dir / f"{code}.key.pem",
        public_key=out_dir / f"{code}.pub.pem",
        certificate=out_dir / f"{code}.cert.pem",
    )
    key_bytes = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(files.private_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_bytes)
    files.public_key.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    files.certificate.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return files


def member_token(
    *, code: str, private_key_pem: bytes, lifetime_seconds: int = 120, jti: str | None = None
) -> str:
    """A hub bearer token for member `code` (what a connector sends; used by tests and tools)."""
    import uuid

    import jwt

    key = serialization.load_pem_private_key(private_key_pem, password=None)
    algorithm = "EdDSA" if isinstance(key, ed25519.Ed25519PrivateKey) else "RS256"
    now = int(datetime.now(tz=UTC).timestamp())
    claims = {
        "iss": code,
        "iat": now,
        "exp": now + lifetime_seconds,
        "jti": jti or uuid.uuid4().hex,
    }
    return jwt.encode(claims, key, algorithm=algorithm)  # type: ignore[arg-type]
