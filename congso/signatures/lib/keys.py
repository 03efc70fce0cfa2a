"""Key providers: where the private key lives and how to reach it.

- `Pkcs11KeyProvider`: USB tokens, PKI SIM readers and HSMs through their PKCS#11 module
  (production; SoftHSM2 in tests). Sessions stay open and key handles cached per token
  (anchors §3.5 rule 7), one lock per token because a PKCS#11 session is not thread-safe.
- `Pkcs12KeyProvider`: a `.p12` file — development only.
- External signing of a prepared hash (browser plug-in, SIM-PKI, remote service): see
  `external.py`; it needs only the certificate, no provider.

PINs are held in memory only, never logged, never part of a `repr`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from asn1crypto import x509 as asn1_x509
from pyhanko.sign.signers import Signer, SimpleSigner


class KeyProviderError(Exception):
    """The key could not be reached (token missing, wrong PIN, no such key)."""


class KeyProvider(Protocol):
    """What the signing code needs from a key holder."""

    def signer(self) -> Signer:
        """A ready pyHanko signer (certificate loaded, key handle cached)."""
        ...

    def certificate(self) -> asn1_x509.Certificate: ...

    def chain(self) -> list[asn1_x509.Certificate]: ...

    def lock(self) -> threading.Lock:
        """Held while the key signs: one operation at a time per token."""
        ...


@dataclass
class _WarmToken:
    session: Any
    signer: Signer
    lock: threading.Lock


_TOKEN_POOL: dict[tuple[str, str, str, str], _WarmToken] = {}
_POOL_LOCK = threading.Lock()


@dataclass(frozen=True)
class Pkcs11KeyProvider:
    """A key on a PKCS#11 token, found by token label and key label (or id)."""

    module_path: str
    token_label: str
    key_label: str | None = None
    key_id: bytes | None = None
    pin: str | None = field(default=None, repr=False)
    use_raw_mechanism: bool = False  # tokens without CKM_SHA256_RSA_PKCS (anchors §3.5.7)
    extra_certs: tuple[asn1_x509.Certificate, ...] = field(default=(), repr=False)

    def _pool_key(self) -> tuple[str, str, str, str]:
        return (
            self.module_path,
            self.token_label,
            self.key_label or "",
            self.key_id.hex() if self.key_id else "",
        )

    def _warm(self) -> _WarmToken:
        key = self._pool_key()
        with _POOL_LOCK:
            warm = _TOKEN_POOL.get(key)
            if warm is not None:
                return warm
            warm = self._open()
            _TOKEN_POOL[key] = warm
            return warm

    def _open(self) -> _WarmToken:
        from pkcs11 import PKCS11Error as LibError
        from pyhanko.sign.pkcs11 import PKCS11Signer, TokenCriteria, open_pkcs11_session

        try:
            session = open_pkcs11_session(
                self.module_path,
                token_criteria=TokenCriteria(label=self.token_label),
                user_pin=self.pin,
            )
        except (LibError, Exception) as exc:
            # The library message never contains the PIN; keep only the class and text.
            raise KeyProviderError(
                f"Không mở được thiết bị ký '{self.token_label}': {type(exc).__name__}"
            ) from None
        signer = PKCS11Signer(
            session,
            key_label=self.key_label,
            cert_label=self.key_label,
            key_id=self.key_id,
            cert_id=self.key_id,
            use_raw_mechanism=self.use_raw_mechanism,
            ca_chain=list(self.extra_certs) or None,
            other_certs_to_pull=None,
        )
        try:
            signer._load_objects()  # warm: certificate and key handle loaded once
        except Exception as exc:
            session.close()
            raise KeyProviderError(
                f"Không tìm thấy khóa/chứng thư trên thiết bị '{self.token_label}': "
                f"{type(exc).__name__}"
            ) from None
        return _WarmToken(session=session, signer=signer, lock=threading.Lock())

    def signer(self) -> Signer:
        return self._warm().signer

    def certificate(self) -> asn1_x509.Certificate:
        cert = self.signer().signing_cert
        assert cert is not None
        return cert

    def chain(self) -> list[asn1_x509.Certificate]:
        signer = self.signer()
        own = self.certificate()
        return [c for c in signer.cert_registry if c.sha256 != own.sha256]

    def lock(self) -> threading.Lock:
        return self._warm().lock


def close_pkcs11_sessions() -> None:
    """Close every warm session (tests, process shutdown)."""
    with _POOL_LOCK:
        for warm in _TOKEN_POOL.values():
            try:
                warm.session.close()
            except Exception:  # noqa: S112 - closing is best effort
                continue
        _TOKEN_POOL.clear()


@dataclass
class Pkcs12KeyProvider:
    """A PKCS#12 file with its passphrase. Development and tests only."""

    path: Path
    passphrase: bytes | None = field(default=None, repr=False)
    _signer: SimpleSigner | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def signer(self) -> Signer:
        if self._signer is None:
            loaded = SimpleSigner.load_pkcs12(str(self.path), passphrase=self.passphrase)
            if loaded is None:
                raise KeyProviderError(f"Không đọc được tệp khóa {Path(self.path).name}")
            self._signer = loaded
        return self._signer

    def certificate(self) -> asn1_x509.Certificate:
        cert = self.signer().signing_cert
        assert cert is not None
        return cert

    def chain(self) -> list[asn1_x509.Certificate]:
        own = self.certificate()
        return [c for c in self.signer().cert_registry if c.sha256 != own.sha256]

    def lock(self) -> threading.Lock:
        return self._lock
