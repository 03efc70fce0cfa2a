"""Command line of the simulator: `python -m congso.portalsim serve|seed ...`.

`serve` prints one line `portalsim listening on http://HOST:PORT` once it accepts connections
(with `--port 0` the system picks a free port: tests read it from that line).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from congso.portalsim import codes
from congso.portalsim.app import Config, PortalApp
from congso.portalsim.store import Store
from congso.portalsim.validation import Rules

DEFAULT_CATALOGUE = Path(__file__).parent / "data" / "catalogue.json"


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if os.environ.get("PORTALSIM_ACCESS_LOG"):
            super().log_message(format, *args)


def load_catalogue(path: Path) -> list[dict[str, Any]]:
    """A JSON list of LayThuTuc results, or `{"procedures": [...]}` with a leading `_note`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    procedures = data["procedures"] if isinstance(data, dict) else data
    if not isinstance(procedures, list) or not all(
        isinstance(p, dict) and p.get("MATTHC") for p in procedures
    ):
        raise SystemExit(f"{path}: cần một danh sách thủ tục, mỗi thủ tục có MATTHC.")
    return procedures


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="portalsim", description="Cổng DVC quốc gia mô phỏng")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="chạy dịch vụ HTTP (tiền cảnh)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8200, help="0 = chọn cổng trống")
    serve.add_argument("--db", type=Path, required=True, help="tệp SQLite của cổng mô phỏng")
    serve.add_argument(
        "--catalogue", type=Path, default=None, help="tệp JSON danh mục thủ tục nạp khi khởi động"
    )
    serve.add_argument("--username", default=os.environ.get("PORTALSIM_USERNAME", "congso"))
    serve.add_argument("--password", default=os.environ.get("PORTALSIM_PASSWORD", Config.password))
    serve.add_argument("--session-ttl", type=int, default=1800, help="giây")
    serve.add_argument("--mahoso-pattern", default=codes.DEFAULT_MAHOSO_PATTERN)
    serve.add_argument(
        "--no-agency-prefix-check",
        action="store_true",
        help="không đòi phần mã cơ quan của MaHoSo trùng madonvi",
    )
    seed = sub.add_parser("seed", help="nạp danh mục thủ tục vào cơ sở dữ liệu")
    seed.add_argument("--db", type=Path, required=True)
    seed.add_argument("catalogue", type=Path, nargs="?", default=DEFAULT_CATALOGUE)
    return parser


def make_app(options: argparse.Namespace) -> PortalApp:
    store = Store(options.db)
    if options.catalogue is not None:
        store.catalogue_load(load_catalogue(options.catalogue))
    elif not store.catalogue():
        store.catalogue_load(load_catalogue(DEFAULT_CATALOGUE))
    config = Config(
        username=options.username,
        password=options.password,
        session_ttl_seconds=options.session_ttl,
        rules=Rules(
            mahoso_pattern=options.mahoso_pattern,
            check_agency_prefix=not options.no_agency_prefix_check,
        ),
    )
    return PortalApp(store, config)


def main(argv: list[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    if options.command == "seed":
        count = Store(options.db).catalogue_load(load_catalogue(options.catalogue))
        print(f"portalsim: đã nạp {count} thủ tục vào {options.db}")
        return 0
    app = make_app(options)
    server = make_server(
        options.host, options.port, app, server_class=_ThreadingServer, handler_class=_QuietHandler
    )
    print(f"portalsim listening on http://{options.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
