"""One TEST PKI, one local TSA/OCSP/CRL service and one set of SoftHSM2 tokens per test process.

Every test package that signs (congso/signatures/tests, congso/documents/tests/signing) gets the
same material through these functions: the PKCS#11 module reads `SOFTHSM2_CONF` once per process
and warm token sessions are pooled by token label, so two PKIs in one run would sign with one
PKI's keys and trust the other's root.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import tempfile
from pathlib import Path

from congso.signatures.lib.softhsm import create_test_tokens, softhsm_module
from congso.signatures.lib.testpki import TestPki, generate_test_pki
from congso.signatures.lib.testservices import TestServices

_PKI: TestPki | None = None
_SERVICES: TestServices | None = None
_TOKENS_READY = False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cleanup(services: TestServices, directory: Path) -> None:
    services.stop()
    shutil.rmtree(directory, ignore_errors=True)


def shared_test_pki() -> TestPki:
    """The process's TEST PKI, its service running on a free 127.0.0.1 port."""
    global _PKI, _SERVICES
    if _PKI is None:
        directory = Path(tempfile.mkdtemp(prefix="congso-test-pki-"))
        pki = generate_test_pki(directory, port=free_port())
        services = TestServices(pki).start()
        atexit.register(_cleanup, services, directory)
        _PKI, _SERVICES = pki, services
    return _PKI


def shared_test_services() -> TestServices:
    """The running TSA/OCSP/CRL service of the process's TEST PKI (it counts requests)."""
    shared_test_pki()
    assert _SERVICES is not None
    return _SERVICES


def shared_softhsm() -> str | None:
    """The SoftHSM2 module with the person and organisation test tokens, or None when SoftHSM2
    is not installed. `SOFTHSM2_CONF` is exported for this process."""
    global _TOKENS_READY
    module = softhsm_module()
    if module is None:
        return None
    if not _TOKENS_READY:
        conf = create_test_tokens(shared_test_pki())
        os.environ["SOFTHSM2_CONF"] = str(conf)
        _TOKENS_READY = True
    return module
