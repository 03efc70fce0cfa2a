"""SoftHSM2 test tokens: one token for the person, one for the organisation seal.

Uses the Debian tools (`softhsm2-util` from softhsm2, `pkcs11-tool` from opensc). The token
directory lives inside the test PKI directory; `SOFTHSM2_CONF` must point at the generated
`softhsm2.conf` before the PKCS#11 module is first loaded in a process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from congso.signatures.lib.testpki import ORGANISATION, PERSON, TestPki

SOFTHSM_MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)
TEST_USER_PIN = "1234"  # noqa: S105 - TEST tokens only
TEST_SO_PIN = "12345678"  # noqa: S105 - TEST tokens only


@dataclass(frozen=True)
class TokenInfo:
    token_label: str
    key_label: str
    key_id: bytes
    entity: str


TEST_TOKENS = (
    TokenInfo("congso-person", "nguoi-ky", b"\x01", PERSON),
    TokenInfo("congso-organisation", "con-dau", b"\x02", ORGANISATION),
)


def softhsm_module() -> str | None:
    """The SoftHSM2 PKCS#11 module installed on this machine, if any."""
    for candidate in SOFTHSM_MODULE_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return None


def softhsm_conf_path(pki: TestPki) -> Path:
    return pki.directory / "softhsm" / "softhsm2.conf"


def create_test_tokens(pki: TestPki, tokens: tuple[TokenInfo, ...] = TEST_TOKENS) -> Path:
    """(Re)create the SoftHSM2 tokens and import each key with its certificate and the CA chain.

    Returns the path of the `softhsm2.conf` to export as `SOFTHSM2_CONF`.
    """
    if shutil.which("softhsm2-util") is None or shutil.which("pkcs11-tool") is None:
        raise RuntimeError("softhsm2-util / pkcs11-tool missing: apt-get install softhsm2 opensc")
    module = softhsm_module()
    if module is None:
        raise RuntimeError("libsofthsm2.so not found")
    root = pki.directory / "softhsm"
    token_dir = root / "tokens"
    if token_dir.exists():
        shutil.rmtree(token_dir)
    token_dir.mkdir(parents=True)
    conf = softhsm_conf_path(pki)
    conf.write_text(
        f"directories.tokendir = {token_dir}\nobjectstore.backend = file\n"
        "log.level = ERROR\nslots.removable = false\n",
        encoding="utf-8",
    )
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    for token in tokens:
        _run(
            [
                "softhsm2-util", "--init-token", "--free", "--label", token.token_label,
                "--so-pin", TEST_SO_PIN, "--pin", TEST_USER_PIN,
            ],
            env,
        )  # fmt: skip
        _run(
            [
                "softhsm2-util", "--import", str(pki.key_path(token.entity)),
                "--token", token.token_label, "--label", token.key_label,
                "--id", token.key_id.hex(), "--pin", TEST_USER_PIN,
            ],
            env,
        )  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            for label, object_id, source in (
                (token.key_label, token.key_id, token.entity),
                ("ca", b"\x10", "ca"),
            ):
                der = Path(tmp) / f"{source}.der"
                der.write_bytes(pki.cert(source).public_bytes(serialization.Encoding.DER))
                _run(
                    [
                        "pkcs11-tool", "--module", module, "--token-label", token.token_label,
                        "--login", "--pin", TEST_USER_PIN, "--write-object", str(der),
                        "--type", "cert", "--label", label, "--id", object_id.hex(),
                    ],
                    env,
                )  # fmt: skip
    return conf


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        # The command line holds test PINs only; still, print just the tool and its error.
        raise RuntimeError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
