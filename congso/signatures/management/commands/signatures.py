"""`congso signatures validate FILE [--trust ROOT.pem ...] [--json]` and
`congso signatures sign FILE --out OUT --as person|organisation|appendix ...`.

validate exits 0 only when every signature is valid (1 failed, 2 indeterminate, 3 unsigned).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.signatures import conf
from congso.signatures.lib import appearance, images, signing
from congso.signatures.lib.engine import validate_pdf
from congso.signatures.lib.keys import KeyProvider, Pkcs11KeyProvider, Pkcs12KeyProvider
from congso.signatures.lib.report import VERDICT_LABELS, ValidationReport, Verdict

EXIT_CODES = {Verdict.VALID: 0, Verdict.FAILED: 1, Verdict.INDETERMINATE: 2, Verdict.UNSIGNED: 3}


class Command(BaseCommand):
    help = "Kiểm tra hoặc ký số tệp PDF (PAdES)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("validate", help="kiểm tra chữ ký số của tệp PDF")
        check.add_argument("file", type=Path)
        check.add_argument("--trust", type=Path, action="append", default=[],
                           help="thêm chứng thư gốc tin cậy cho lần chạy này")  # fmt: skip
        check.add_argument("--json", action="store_true")
        check.add_argument("--etsi", action="store_true", help="kèm báo cáo ETSI TS 119 102-2")
        sign = sub.add_parser("sign", help="ký số tệp PDF")
        sign.add_argument("file", type=Path)
        sign.add_argument("--out", type=Path, required=True)
        sign.add_argument("--as", dest="role", choices=["person", "organisation", "appendix"],
                          required=True)  # fmt: skip
        sign.add_argument("--p12", type=Path, help="tệp PKCS#12 (chỉ khi phát triển)")
        sign.add_argument("--pass-env", help="biến môi trường chứa mật khẩu PKCS#12")
        sign.add_argument("--pkcs11-module")
        sign.add_argument("--token")
        sign.add_argument("--key")
        sign.add_argument("--pin-env", help="biến môi trường chứa PIN")
        sign.add_argument("--image", type=Path, help="ảnh chữ ký (xanh) hoặc con dấu (đỏ), PNG")
        sign.add_argument("--level", choices=[lvl.value for lvl in signing.SignatureLevel])
        sign.add_argument("--tsa", help="URL dịch vụ cấp dấu thời gian")
        sign.add_argument("--number", default="", help="số, ký hiệu văn bản (phụ lục)")
        sign.add_argument("--fields-at", help="X,Y (pt): tâm ảnh chữ ký, trang cuối; tạo 2 ô ký")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("pyhanko", "pyhanko_certvalidator"):
            logging.getLogger(name).setLevel(logging.WARNING)
        if options["action"] == "validate":
            self._validate(options)
        else:
            self._sign(options)

    def _validate(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"Không có tệp {path}")
        config = conf.validation_config(
            [str(p) for p in options["trust"]], etsi_report=options["etsi"]
        )
        report = validate_pdf(path, config=config)
        if options["json"]:
            self.stdout.write(report.to_json(with_etsi=options["etsi"]))
        else:
            self.stdout.write(_text(report))
        code = EXIT_CODES[report.verdict]
        if code:
            sys.exit(code)

    def _provider(self, options: dict[str, Any]) -> KeyProvider:
        if options["p12"]:
            secret = os.environ.get(options["pass_env"] or "", "")
            return Pkcs12KeyProvider(options["p12"], secret.encode() or None)
        if options["pkcs11_module"] and options["token"]:
            return Pkcs11KeyProvider(
                options["pkcs11_module"],
                options["token"],
                key_label=options["key"],
                pin=os.environ.get(options["pin_env"] or "") or None,
            )
        raise CommandError("Cần --p12 hoặc --pkcs11-module và --token.")

    def _sign(self, options: dict[str, Any]) -> None:
        config = conf.signing_config(options["level"])
        if options["tsa"]:
            config = dataclasses.replace(config, tsa_url=options["tsa"])
        data = Path(options["file"]).read_bytes()
        provider = self._provider(options)
        image = options["image"].read_bytes() if options["image"] else None
        try:
            if options["role"] == "appendix":
                out = signing.sign_appendix(
                    data, provider=provider, config=config, document_number=options["number"]
                )
            elif options["role"] == "person":
                if options["fields_at"]:
                    data = _prepare(data, options["fields_at"])
                out = signing.sign_as_person(
                    data, provider=provider, config=config,
                    signature_image=image or images.signature_png(),
                )  # fmt: skip
            else:
                out = signing.sign_as_organisation(
                    data, provider=provider, config=config, seal_image=image or images.seal_png()
                )
        except signing.SigningRefused as exc:
            raise CommandError(f"{exc.message} [{exc.code}]") from None
        options["out"].write_bytes(out.getvalue())
        self.stdout.write(f"Đã ký: {options['out']}")


def _prepare(data: bytes, where: str) -> bytes:
    x, y = (float(v) for v in where.split(","))
    block = appearance.signature_block(page=-1, centre_x=x, centre_y=y)
    return signing.prepare_signature_fields(
        data,
        [
            signing.FieldPlacement(signing.PERSON_FIELD, block.page, block.person_box),
            signing.FieldPlacement(signing.ORGANISATION_FIELD, block.page, block.organisation_box),
        ],
    )


def _text(report: ValidationReport) -> str:
    lines = [f"{report.file_name}: {VERDICT_LABELS[report.verdict].upper()}", report.summary]
    for index, sig in enumerate(report.signatures, start=1):
        lines.append(f"  {index}. {sig.summary}")
        for check in sig.checks:
            mark = "✓" if check.verdict == Verdict.VALID else "✗"
            lines.append(f"     {mark} {check.label}: {check.message}")
    lines.extend(f"  ! {problem}" for problem in report.problems)
    return "\n".join(lines)
