"""The connector's configuration: which member organisations this installation speaks for on
the hub, with which keys, and the transport that carries their packages.

One process is one installation: its member code(s), keys and hub URL come from the environment
(config/settings/base.py, "Exchange" block; docs/exchange.md).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from congso.exchange.transport import Transport

_lock = threading.Lock()


@dataclass(frozen=True)
class Member:
    """A member organisation of the hub this installation acts for."""

    code: str
    key_file: Path


def members() -> list[Member]:
    """EXCHANGE_MEMBER_CODE with EXCHANGE_MEMBER_KEY_FILE, then each `CODE=key-file` of
    EXCHANGE_MEMBERS (an installation hosting several member organisations)."""
    found: list[Member] = []
    code = settings.EXCHANGE_MEMBER_CODE
    if code:
        if not settings.EXCHANGE_MEMBER_KEY_FILE:
            raise ImproperlyConfigured("EXCHANGE_MEMBER_KEY_FILE is required with a member code")
        found.append(Member(code=code, key_file=Path(settings.EXCHANGE_MEMBER_KEY_FILE)))
    for item in settings.EXCHANGE_MEMBERS:
        extra_code, _sep, key = item.partition("=")
        if not extra_code or not key:
            raise ImproperlyConfigured(f"EXCHANGE_MEMBERS entry {item!r} is not CODE=key-file")
        found.append(Member(code=extra_code.strip(), key_file=Path(key.strip())))
    return found


def member_codes() -> list[str]:
    return [member.code for member in members()]


def is_enabled() -> bool:
    """The connector runs when a hub URL and at least one member are configured."""
    return bool(settings.EXCHANGE_HUB_URL) and bool(member_codes())


def accepts_on_arrival(code: str) -> bool:
    """Whether the member agency `code` registers arrivals in its incoming book as they arrive
    (EXCHANGE_AUTO_ACCEPT: agency codes, or "*" for every agency; default none: the clerk
    accepts each arrival, and 03 goes back then)."""
    chosen = list(getattr(settings, "EXCHANGE_AUTO_ACCEPT", []))
    return "*" in chosen or code in chosen


def transport_for(code: str) -> Transport:
    """The transport acting for member `code` (EXCHANGE_TRANSPORT builds it from the member)."""
    member = next((m for m in members() if m.code == code), None)
    if member is None:
        raise LookupError(code)
    factory = import_string(settings.EXCHANGE_TRANSPORT)
    transport: Transport = factory(member)
    return transport


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential back-off after `attempts` failed tries: base · 2^(n-1), capped."""
    base = settings.EXCHANGE_RETRY_BASE_SECONDS
    seconds = min(base * (2 ** max(attempts - 1, 0)), settings.EXCHANGE_RETRY_MAX_SECONDS)
    return dt.timedelta(seconds=seconds)


def spool_dir() -> Path:
    path = Path(settings.EXCHANGE_SPOOL_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class XmlKey:
    private_key: Any
    certificate: Any


def _generate_dev_key(key_path: Path, cert_path: Path) -> None:
    """A self-signed RSA key and certificate for development and tests only."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "congso exchange (development)")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _key_paths() -> tuple[Path, Path]:
    key_file, cert_file = settings.EXCHANGE_XML_KEY_FILE, settings.EXCHANGE_XML_CERT_FILE
    if key_file and cert_file:
        return Path(key_file), Path(cert_file)
    if not settings.EXCHANGE_DEV_KEYS:
        raise ImproperlyConfigured(
            "EXCHANGE_XML_KEY_FILE and EXCHANGE_XML_CERT_FILE are required "
            "(EXCHANGE_DEV_KEYS=1 generates a development key)"
        )
    folder = Path(settings.EXCHANGE_SPOOL_DIR).parent / "dev-keys"
    key_path, cert_path = folder / "xml-signing-key.pem", folder / "xml-signing-cert.pem"
    with _lock:
        if not key_path.exists() or not cert_path.exists():
            _generate_dev_key(key_path, cert_path)
    return key_path, cert_path


def own_private_key(path: Path) -> Any:
    """A private key of this installation's configuration (the member key of the hub tokens,
    the XML-signing key), loaded once per file version and process. The RSA consistency check
    (~60 ms of CPU per load) is skipped: it guards against keys from untrusted sources, and a
    damaged key of our own fails at its first signature, which the hub then refuses."""
    stat = path.stat()
    return _private_key_load(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _private_key_load(path: Path, _mtime_ns: int, _size: int) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    return load_pem_private_key(
        path.read_bytes(), password=None, unsafe_skip_rsa_key_validation=True
    )


@lru_cache(maxsize=4)
def _load_xml_key(key_path: Path, cert_path: Path) -> XmlKey:
    from cryptography import x509

    key = own_private_key(key_path)
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    return XmlKey(private_key=key, certificate=cert)


def xml_key() -> XmlKey:
    """The agency's XML-signing key and certificate (XMLDSig of outgoing packages)."""
    return _load_xml_key(*_key_paths())
