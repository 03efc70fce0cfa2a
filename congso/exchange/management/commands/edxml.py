"""`congso edxml parse|build|validate|status` — the edXML codec from the command line.

- `parse FILE [--json] [--attachments DIR]`: print the package (and its XML signature check);
  attachments are written to DIR when given.
- `build --from-json FILE --out FILE [--key PEM --cert PEM]`: write a package (document or
  status, per the JSON `kind`), signed when a key and certificate are given.
- `validate FILE [--require-signature]`: exit 0 when valid, else 1 and one line per problem,
  `code: message`.
- `status --from CODE --to CODE --document-id ID --code 03 --out FILE`: write a status reply.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.exchange.lib import (
    DocumentPackage,
    EdxmlError,
    Organization,
    Problem,
    StaffInfo,
    StatusPackage,
    XmlSigner,
    build_package,
    build_status,
    parse_package_checked,
    parse_status,
    read_envelope,
    validate,
    verify_xml_signature,
)
from congso.exchange.lib.config import VIETNAM_TZ
from congso.exchange.lib.jsonio import from_dict, to_dict


def _signer(options: dict[str, Any]) -> XmlSigner | None:
    key, cert = options.get("key"), options.get("cert")
    if not key and not cert:
        return None
    if not (key and cert):
        raise CommandError("Cần cả --key và --cert để ký gói tin.")
    return XmlSigner.from_pem(
        Path(key).read_bytes(), Path(cert).read_bytes(), signature_method=options["algorithm"]
    )


def _check_dict(check: Any) -> dict[str, Any]:
    return {
        "valid": check.valid,
        "algorithm": check.algorithm,
        "signer_subject": check.signer_subject,
        "problem_code": check.problem_code,
        "message": check.message_vi,
    }


class Command(BaseCommand):
    help = "Đọc, tạo và kiểm tra gói tin edXML (QCVN 102:2016/BTTTT)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        parse = sub.add_parser("parse", help="đọc gói tin edXML")
        parse.add_argument("file", type=Path)
        parse.add_argument("--json", action="store_true")
        parse.add_argument("--attachments", type=Path, help="thư mục ghi tệp đính kèm")
        build = sub.add_parser("build", help="tạo gói tin edXML từ JSON")
        build.add_argument("--from-json", dest="from_json", type=Path, required=True)
        build.add_argument("--out", type=Path, required=True)
        self._signing_args(build)
        check = sub.add_parser("validate", help="kiểm tra gói tin edXML")
        check.add_argument("file", type=Path)
        check.add_argument("--require-signature", action="store_true")
        status = sub.add_parser("status", help="tạo gói trạng thái")
        status.add_argument("--from", dest="from_code", required=True)
        status.add_argument("--to", dest="to_code", required=True)
        status.add_argument("--document-id", required=True)
        status.add_argument("--code", dest="status_code", required=True)
        status.add_argument("--document-code", default="", help="số/ký hiệu văn bản")
        status.add_argument("--description", default="")
        status.add_argument("--staff", default="")
        status.add_argument("--out", type=Path, required=True)
        self._signing_args(status)

    def _signing_args(self, parser: CommandParser) -> None:
        parser.add_argument("--key", help="khóa riêng PEM của cơ quan gửi")
        parser.add_argument("--cert", help="chứng thư số PEM của cơ quan gửi")
        parser.add_argument("--algorithm", default="rsa-sha256", choices=["rsa-sha256", "rsa-sha1"])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            getattr(self, f"_{action}")(options)
        except EdxmlError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Không đọc/ghi được tệp: {exc}") from None

    def _parse(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        envelope = read_envelope(path)
        if envelope.kind == "status":
            data: dict[str, Any] = {"kind": "status", "status": to_dict(parse_status(path))}
            data["signature"] = _check_dict(verify_xml_signature(path))
        else:
            with tempfile.TemporaryDirectory(prefix="edxml-cli-") as tmp:
                target = options["attachments"] or Path(tmp)
                pkg, check = parse_package_checked(path, attachment_dir=target)
                data = {
                    "kind": "edoc",
                    "package": to_dict(pkg),
                    "is_secret": pkg.is_secret,
                    "signature": _check_dict(check),
                }
                if options["attachments"] is None:
                    for att in data["package"]["attachments"]:
                        att["path"] = None
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self._summary(data)

    def _summary(self, data: dict[str, Any]) -> None:
        sig = data["signature"]
        if data["kind"] == "status":
            st = data["status"]
            self.stdout.write(
                f"Gói trạng thái {st['status_code']} từ {st['from_org']['code']} "
                f"cho văn bản {st['response_for_document_id']}"
            )
        else:
            h = data["package"]["header"]
            self.stdout.write(f"Văn bản {h['document_id']}: {h['subject']}")
            self.stdout.write(
                f"Từ {h['from_org']['code']} đến {', '.join(o['code'] for o in h['to_orgs'])}"
            )
            for att in data["package"]["attachments"]:
                self.stdout.write(f"Tệp: {att['name']} ({att['size']} byte)")
        self.stdout.write("Chữ ký XML: " + ("hợp lệ" if sig["valid"] else sig["message"]))

    def _build(self, options: dict[str, Any]) -> None:
        data = json.loads(options["from_json"].read_text(encoding="utf-8"))
        signer = _signer(options)
        if data.get("kind") == "status":
            st = from_dict(StatusPackage, data["status"])
            options["out"].write_bytes(build_status(st, signer=signer))
        else:
            pkg = from_dict(DocumentPackage, data.get("package", data))
            build_package(pkg, signer=signer, out=options["out"])
        self.stdout.write(f"Đã ghi {options['out']}")

    def _validate(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        problems: list[Problem] = validate(path)
        if options["require_signature"] and not problems:
            check = verify_xml_signature(path)
            if not check.valid:
                problems.append(Problem(check.problem_code or "", check.message_vi, "Signature"))
        if problems:
            for problem in problems:
                self.stdout.write(str(problem))
            sys.exit(1)
        self.stdout.write("Gói tin hợp lệ.")

    def _status(self, options: dict[str, Any]) -> None:
        st = StatusPackage(
            from_org=Organization(options["from_code"]),
            to_orgs=(Organization(options["to_code"]),),
            response_for_document_id=options["document_id"],
            response_for_code=options["document_code"],
            status_code=options["status_code"],
            description=options["description"],
            staff_info=StaffInfo(staff=options["staff"]),
            timestamp=datetime.now(VIETNAM_TZ),
        )
        options["out"].write_bytes(build_status(st, signer=_signer(options)))
        self.stdout.write(f"Đã ghi {options['out']}")
