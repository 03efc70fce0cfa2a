"""Run the local TSA/OCSP/CRL service of the TEST PKI on 127.0.0.1 (foreground).

congso signatures_services [--dir var/signatures/test-pki] [--port N]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.signatures.lib.testpki import TestPki
from congso.signatures.lib.testservices import TestServices
from congso.signatures.management.commands.signatures_test_pki import default_pki_dir


class Command(BaseCommand):
    help = "Chạy dịch vụ TSA/OCSP/CRL thử nghiệm trên 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=None)
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["dir"] or default_pki_dir()
        if not (directory / "manifest.json").exists():
            raise CommandError(
                f"Chưa có TEST PKI ở {directory}: chạy `congso signatures_test_pki`."
            )
        services = TestServices(TestPki.load(directory), port=options["port"])
        self.stdout.write(f"TSA/OCSP/CRL thử nghiệm: {services.address} (Ctrl-C để dừng)")
        self.stdout.flush()
        try:
            services.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            services.server.server_close()
