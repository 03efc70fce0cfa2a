"""Create the TEST PKI (Vietnamese-style hierarchy), SoftHSM2 tokens and demo images.

congso signatures_test_pki [--dir var/signatures/test-pki] [--port 9797] [--no-tokens]
                           [--demo-signer giamdoc.stttt ...]

`--demo-signer USERNAME` (repeatable) also issues TEST certificates for that demo signer and the
signer's agency, puts each key on its own SoftHSM2 token and records both as signing keys, so the
demo can sign outgoing documents end to end (README, "Ký số thử nghiệm").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.signatures.demo import (
    DEMO_PIN_ENV,
    DemoSignerError,
    demo_keys_register,
    demo_signers,
    demo_specs,
    demo_tokens,
)
from congso.signatures.lib import images
from congso.signatures.lib.softhsm import TEST_TOKENS, create_test_tokens, softhsm_module
from congso.signatures.lib.testpki import default_specs, generate_test_pki


def default_pki_dir() -> Path:
    return Path(getattr(settings, "VAR_DIR", "var")) / "signatures" / "test-pki"


class Command(BaseCommand):
    help = "Tạo hạ tầng khóa công khai THỬ NGHIỆM (TEST), token SoftHSM2 và ảnh chữ ký/con dấu mẫu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=None)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=9797)
        parser.add_argument("--no-tokens", action="store_true", help="skip SoftHSM2 tokens")
        parser.add_argument(
            "--demo-signer",
            action="append",
            default=[],
            metavar="USERNAME",
            help="demo signer (e.g. giamdoc.stttt): TEST keys for them and their agency",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["dir"] or default_pki_dir()
        try:
            signers = demo_signers(options["demo_signer"])
        except DemoSignerError as exc:
            raise CommandError(str(exc)) from None
        if signers and options["no_tokens"]:
            raise CommandError("--demo-signer cần token SoftHSM2: bỏ --no-tokens.")
        pki = generate_test_pki(
            directory,
            host=options["host"],
            port=options["port"],
            specs=default_specs() + demo_specs(signers),
        )
        (directory / "images").mkdir(exist_ok=True)
        (directory / "images" / "chu-ky-xanh.png").write_bytes(images.signature_png())
        (directory / "images" / "con-dau-do.png").write_bytes(images.seal_png())
        self.stdout.write(f"TEST PKI: {directory} ({len(pki.entities)} chứng thư)")
        self.stdout.write(f"  export CONGSO_SIGNATURES_TEST_PKI_DIR={directory.resolve()}")
        if not options["no_tokens"]:
            tokens = TEST_TOKENS + demo_tokens(signers)
            conf = create_test_tokens(pki, tokens)
            labels = ", ".join(t.token_label for t in tokens)
            self.stdout.write(f"  SoftHSM2 tokens: {labels} (PIN thử nghiệm: 1234)")
            self.stdout.write(f"  export SOFTHSM2_CONF={conf.resolve()}")
        if signers:
            module = softhsm_module()
            if module is None:
                raise CommandError("Không tìm thấy libsofthsm2.so (apt-get install softhsm2).")
            keys = demo_keys_register(signers, pki=pki, module_path=module)
            for signer in signers:
                self.stdout.write(
                    f"  khóa ký số: {signer.user.username} ({signer.user.full_name}) và "
                    f"cơ quan {signer.agency.name}"
                )
            self.stdout.write(f"  {len(keys)} khóa đã ghi; PIN đọc từ biến môi trường:")
            self.stdout.write(f"  export {DEMO_PIN_ENV}=<PIN thử nghiệm>")
            self.stdout.write(
                "  export CONGSO_DOCUMENT_SIGNER=congso.signatures.documents.PadesDocumentSigner"
            )
        self.stdout.write(f"  dịch vụ TSA/OCSP/CRL: congso signatures_services --dir {directory}")
