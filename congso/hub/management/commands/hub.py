"""`congso hub serve|migrate|member-add|member-list|operator-create|keygen`.

Runs with config.settings.hub (congso/cli.py) unless DJANGO_SETTINGS_MODULE is set.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from congso.core.errors import CongsoError


class Command(BaseCommand):
    help = "Trục liên thông văn bản: chạy dịch vụ, quản lý thành viên và tài khoản vận hành."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        serve = sub.add_parser("serve", help="chạy dịch vụ trục (waitress)")
        serve.add_argument("--host", default="127.0.0.1")
        serve.add_argument("--port", type=int, default=8100)
        serve.add_argument("--threads", type=int, default=None, help="số luồng mỗi tiến trình")
        serve.add_argument(
            "--processes",
            type=int,
            default=None,
            help="số tiến trình cùng phục vụ một cổng (mặc định HUB_SERVE_PROCESSES, 1)",
        )
        serve.add_argument("--migrate", action="store_true", help="áp dụng migration trước")
        sub.add_parser("migrate", help="tạo/cập nhật bảng trong CSDL của trục")
        add = sub.add_parser("member-add", help="đăng ký (hoặc cập nhật) một đơn vị thành viên")
        add.add_argument("code")
        add.add_argument("--name", required=True)
        add.add_argument("--public-key", required=True, type=Path)
        add.add_argument(
            "--xml-cert",
            type=Path,
            help="tệp PEM các chứng thư đơn vị dùng ký XML gói tin (HUB_XML_SIGNERS)",
        )
        sub.add_parser("member-list", help="liệt kê thành viên")
        op = sub.add_parser("operator-create", help="tạo tài khoản trang vận hành")
        op.add_argument("username")
        op.add_argument(
            "--password", default=None, help="mặc định: đọc HUB_OPERATOR_PASSWORD hoặc hỏi"
        )
        keygen = sub.add_parser("keygen", help="tạo cặp khóa thành viên (phát triển, kiểm thử)")
        keygen.add_argument("code")
        keygen.add_argument("--out", required=True, type=Path)
        keygen.add_argument("--algorithm", choices=["rsa", "ed25519"], default="rsa")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"_{action}")(options)
        except CongsoError as exc:
            raise CommandError(exc.message) from exc

    def _serve(self, options: dict[str, Any]) -> None:
        from django.core.wsgi import get_wsgi_application
        from waitress import serve

        from congso.hub.serving import Supervisor, listening_socket

        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        threads = options["threads"] or getattr(settings, "HUB_SERVE_THREADS", 8)
        processes = options["processes"] or getattr(settings, "HUB_SERVE_PROCESSES", 1)
        if processes < 1:
            raise CommandError("--processes phải ≥ 1.")
        application = get_wsgi_application()
        _long_lived_objects_frozen()
        waitress_options = {
            "threads": threads,
            # waitress itself refuses (plain 413, connection closed) far bigger bodies; up to
            # this margin the hub answers 413 `hub_too_large` in JSON.
            "max_request_body_size": int(getattr(settings, "HUB_MAX_PACKAGE_BYTES", 0)) + 65536,
            # A request body or an answer larger than these is spooled to a temporary file by
            # waitress; below them it stays in memory (a batch of small packages, a listed page).
            "inbuf_overflow": int(getattr(settings, "HUB_SERVE_INBUF_BYTES", 16 * 2**20)),
            "outbuf_overflow": int(getattr(settings, "HUB_SERVE_OUTBUF_BYTES", 32 * 2**20)),
            "ident": "congso-hub",
        }
        self.stdout.write(
            f"congso hub: http://{options['host']}:{options['port']}/api/v1/hub/ "
            f"({processes} tiến trình × {threads} luồng, "
            f"CSDL {settings.DATABASES['default']['NAME']})",
        )
        self.stdout.flush()
        if processes == 1:
            serve(application, host=options["host"], port=options["port"], **waitress_options)
            return
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            self.stderr.write(
                "Cảnh báo: nhiều tiến trình cùng ghi một CSDL SQLite sẽ phải chờ khóa; "
                "trục chạy thật nên dùng PostgreSQL (HUB_DATABASE_URL)."
            )
        settings.HUB_SERVE_PROCESSES = processes  # HUB_WAIT_NOTIFY's default follows it
        sock = listening_socket(options["host"], options["port"])
        supervisor = Supervisor(
            sock=sock,
            serve=lambda shared: serve(application, sockets=[shared], **waitress_options),
            processes=processes,
        )
        if supervisor.run() != 0:
            raise CommandError("Các tiến trình của trục liên tục dừng khi khởi động.")

    def _migrate(self, options: dict[str, Any]) -> None:
        call_command("migrate", interactive=False, verbosity=1)

    def _member_add(self, options: dict[str, Any]) -> None:
        from congso.hub.services.members import member_add

        path: Path = options["public_key"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp khóa công khai {path}.")
        certificates: Path | None = options.get("xml_cert")
        if certificates is not None and not certificates.is_file():
            raise CommandError(f"Không tìm thấy tệp chứng thư {certificates}.")
        member = member_add(
            code=options["code"],
            name=options["name"],
            public_key_pem=path.read_text(),
            xml_certificates_pem=certificates.read_text() if certificates else None,
        )
        self.stdout.write(f"Đã đăng ký thành viên {member.code} ({member.name}).")

    def _member_list(self, options: dict[str, Any]) -> None:
        from congso.hub.selectors import member_list

        for member in member_list():
            state = "đang kết nối" if member.is_active else "ngừng"
            self.stdout.write(f"{member.code}\t{member.name}\t{state}")

    def _operator_create(self, options: dict[str, Any]) -> None:
        from congso.hub.services.members import operator_create

        password = options["password"] or os.environ.get("HUB_OPERATOR_PASSWORD")
        if not password:
            password = getpass.getpass("Mật khẩu: ")
        if not password:
            raise CommandError("Cần mật khẩu.")
        user = operator_create(username=options["username"], password=password)
        self.stdout.write(f"Đã tạo tài khoản vận hành {user.get_username()}.")

    def _keygen(self, options: dict[str, Any]) -> None:
        from congso.hub.keys import member_keypair_write
        from congso.hub.validators import validate_member_code

        validate_member_code(options["code"])
        files = member_keypair_write(
            code=options["code"], out_dir=options["out"], algorithm=options["algorithm"]
        )
        self.stdout.write(f"Khóa riêng: {files.private_key}")
        self.stdout.write(f"Khóa công khai: {files.public_key}")
        self.stdout.write(f"Chứng thư tự ký: {files.certificate}")


def _long_lived_objects_frozen() -> None:
    """Import the views (URL resolution loads them on the first request otherwise), then take
    every object alive now out of the garbage collector's generations (`gc.freeze`, as the
    platform's workers do in config/celery.py): full collections walk only what requests
    allocate, not Django's and the codec's tables again and again."""
    from django.urls import get_resolver

    from congso.core.gcfreeze import long_lived_objects_frozen

    get_resolver().url_patterns  # noqa: B018 (imports every view module)
    long_lived_objects_frozen()
