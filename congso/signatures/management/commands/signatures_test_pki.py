"""Create the TEST PKI (Vietnamese-style hierarchy), SoftHSM2 tokens and demo images.

congso signatures_test_pki [--dir var/signatures/test-pki] [--port 9797] [--no-tokens]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from congso.signatures.lib import images
from congso.signatures.lib.softhsm import TEST_TOKENS, create_test_tokens
from congso.signatures.lib.testpki import generate_test_pki


def default_pki_dir() -> Path:
    return Path(getattr(settings, "VAR_DIR", "var")) / "signatures" / "test-pki"


class Command(BaseCommand):
    help = "Tạo hạ tầng khóa công khai THỬ NGHIỆM (TEST), token SoftHSM2 và ảnh chữ ký/con dấu mẫu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=None)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=9797)
        parser.add_argument("--no-tokens", action="store_true", help="skip SoftHSM2 tokens")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["dir"] or default_pki_dir()
        pki = generate_test_pki(directory, host=options["host"], port=options["port"])
        (directory / "images").mkdir(exist_ok=True)
        (directory / "images" / "chu-ky-xanh.png").write_bytes(images.signature_png())
        (directory / "images" / "con-dau-do.png").write_bytes(images.seal_png())
        self.stdout.write(f"TEST PKI: {directory} ({len(pki.entities)} chứng thư)")
        self.stdout.write(f"  export CONGSO_SIGNATURES_TEST_PKI_DIR={directory}")
        if not options["no_tokens"]:
            conf = create_test_tokens(pki)
            labels = ", ".join(t.token_label for t in TEST_TOKENS)
            self.stdout.write(f"  SoftHSM2 tokens: {labels} (PIN thử nghiệm: 1234)")
            self.stdout.write(f"  export SOFTHSM2_CONF={conf}")
        self.stdout.write(f"  dịch vụ TSA/OCSP/CRL: congso signatures_services --dir {directory}")
