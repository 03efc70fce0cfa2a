"""The WSGI application of the simulated portal.

Routes (paths are the simulator's defaults; the adapter's are settings):
- `POST /api/auth`         {"username","password"} → {"error_code": 0, "session"}
- `POST /api/integration`  {"session", "madonvi", "service", …}: DongBoHoSoMC,
  CapNhatTienDoHoSoMC, TraCuuHoSo
- `POST /api/share`        {"session","madonvi","service": "LayThuTuc", "maTTHC"?}
- `GET  /api/dossiers[?status=N]`, `GET /api/dossiers/<MaHoSo>`  read API (tests, reconciliation)
- `POST /api/_admin/expire-sessions`  makes every session stale (tests of re-authentication)
- `GET  /`                 HTML page listing what the portal holds (demo)
"""

from __future__ import annotations

import hmac
import html
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from congso.portalsim import codes
from congso.portalsim.store import Store
from congso.portalsim.validation import (
    PortalError,
    Rules,
    check_mahoso,
    data_list,
    parse_is_updating,
    validate_dossier,
    validate_progress,
)

StartResponse = Callable[..., Any]
MAX_BODY_BYTES = 5 * 1024 * 1024


@dataclass
class Config:
    username: str = "congso"
    password: str = "congso-portal-test"  # noqa: S105 - the simulator's demo credential
    session_ttl_seconds: int = 1800
    rules: Rules = field(default_factory=Rules)
    auth_path: str = codes.AUTH_PATH
    integration_path: str = codes.INTEGRATION_PATH
    share_path: str = codes.SHARE_PATH


class PortalApp:
    def __init__(self, store: Store, config: Config | None = None) -> None:
        self.store = store
        self.config = config or Config()
        self.integration_services: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "DongBoHoSoMC": self.dong_bo_ho_so,
            "CapNhatTienDoHoSoMC": self.cap_nhat_tien_do,
            "TraCuuHoSo": self.tra_cuu_ho_so,
        }
        self.share_services: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "LayThuTuc": self.lay_thu_tuc,
        }

    # --- WSGI ----------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            if method == "POST" and path == self.config.auth_path:
                return _json(start_response, self.auth(_read_json(environ)))
            if method == "POST" and path == self.config.integration_path:
                return _json(start_response, self.call(_read_json(environ), "integration"))
            if method == "POST" and path == self.config.share_path:
                return _json(start_response, self.call(_read_json(environ), "share"))
            if method == "POST" and path == "/api/_admin/expire-sessions":
                self.store.sessions_expire_all()
                return _json(start_response, {"error_code": codes.OK})
            if method == "GET" and path == "/api/dossiers":
                status = query.get("status", [""])[0]
                dossiers = self.store.dossier_list(int(status) if status.isdigit() else None)
                return _json(start_response, {"error_code": codes.OK, "result": dossiers})
            if method == "GET" and path.startswith("/api/dossiers/"):
                found = self.store.dossier_get(unquote(path.removeprefix("/api/dossiers/")))
                if found is None:
                    return _json(start_response, _not_found("MaHoSo"), "404 Not Found")
                return _json(start_response, {"error_code": codes.OK, "result": found})
            if method == "GET" and path in ("/", "/index.html"):
                return _html(start_response, self.page())
        except PortalError as error:
            return _json(start_response, error.as_json())
        return _json(
            start_response,
            {"error_code": codes.BAD_REQUEST, "message": "Không có đường dẫn này.", "field": ""},
            "404 Not Found",
        )

    # --- protocol ------------------------------------------------------------------------------
    def auth(self, body: dict[str, Any]) -> dict[str, Any]:
        username = str(body.get("username") or "")
        password = str(body.get("password") or "")
        good = hmac.compare_digest(username.encode(), self.config.username.encode())
        good &= hmac.compare_digest(password.encode(), self.config.password.encode())
        if not good:
            self.store.log("auth", str(codes.AUTH_FAILED), "username")
            return {
                "error_code": codes.AUTH_FAILED,
                "message": "Sai tên đăng nhập hoặc mật khẩu.",
                "field": "username",
            }
        session = self.store.session_open(username, self.config.session_ttl_seconds)
        return {"error_code": codes.AUTH_OK, "session": session}

    def call(self, body: dict[str, Any], endpoint: str) -> dict[str, Any]:
        services = self.integration_services if endpoint == "integration" else self.share_services
        service = str(body.get("service") or "")
        try:
            if not self.store.session_valid(body.get("session")):
                raise PortalError(
                    codes.SESSION_INVALID, "Phiên làm việc không hợp lệ hoặc đã hết hạn.", "session"
                )
            if not isinstance(body.get("madonvi"), str) or not body["madonvi"]:
                raise PortalError(codes.INVALID_DATA, "madonvi: bắt buộc.", "madonvi")
            handler = services.get(service)
            if handler is None:
                raise PortalError(
                    codes.UNKNOWN_SERVICE, f"Dịch vụ không hỗ trợ: {service!r}.", "service"
                )
            answer = handler(body)
        except PortalError as error:
            self.store.log(service or "?", str(error.error_code), error.field)
            raise
        self.store.log(service, codes.OK, "")
        return answer

    def dong_bo_ho_so(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create (`isUpdating: "False"`) or replace (`"True"`) dossiers; all or nothing."""
        updating = parse_is_updating(body.get("isUpdating"))
        items = [
            validate_dossier(item, index, body["madonvi"], self.config.rules)
            for index, item in enumerate(data_list(body))
        ]
        codes_sent = [item["MaHoSo"] for item in items]
        if len(set(codes_sent)) != len(codes_sent):
            raise PortalError(
                codes.INVALID_DATA, "data: MaHoSo bị lặp trong một lần gửi.", "MaHoSo"
            )
        existing = self.store.existing_codes(codes_sent)
        for index, code in enumerate(codes_sent):
            if updating and code not in existing:
                raise PortalError(
                    codes.NOT_FOUND,
                    f"data[{index}].MaHoSo: hồ sơ {code} chưa được đồng bộ, không thể cập nhật.",
                    f"data[{index}].MaHoSo",
                )
            if not updating and code in existing:
                raise PortalError(
                    codes.ALREADY_EXISTS,
                    f"data[{index}].MaHoSo: hồ sơ {code} đã tồn tại (dùng isUpdating=True).",
                    f"data[{index}].MaHoSo",
                )
        self.store.dossiers_save(body["madonvi"], items)
        return {"error_code": codes.OK, "message": "Thành công", "result": codes_sent}

    def cap_nhat_tien_do(self, body: dict[str, Any]) -> dict[str, Any]:
        items = [
            validate_progress(item, index, body["madonvi"], self.config.rules)
            for index, item in enumerate(data_list(body))
        ]
        existing = self.store.existing_codes([item["MaHoSo"] for item in items])
        for index, item in enumerate(items):
            if item["MaHoSo"] not in existing:
                raise PortalError(
                    codes.NOT_FOUND,
                    f"data[{index}].MaHoSo: hồ sơ {item['MaHoSo']} chưa được đồng bộ.",
                    f"data[{index}].MaHoSo",
                )
        self.store.progress_append(items)
        return {"error_code": codes.OK, "message": "Thành công", "result": len(items)}

    def tra_cuu_ho_so(self, body: dict[str, Any]) -> dict[str, Any]:
        code = check_mahoso(body.get("mahoso"), "mahoso", body["madonvi"], self.config.rules)
        found = self.store.dossier_get(code)
        result = [] if found is None else [{**found["data"], "TienDo": found["progress"]}]
        return {"error_code": codes.OK, "result": result}

    def lay_thu_tuc(self, body: dict[str, Any]) -> dict[str, Any]:
        code = body.get("maTTHC")
        if code is not None and not isinstance(code, str):
            raise PortalError(codes.INVALID_DATA, "maTTHC: phải là chuỗi.", "maTTHC")
        return {"error_code": codes.OK, "result": self.store.catalogue(code or None)}

    # --- demo page -----------------------------------------------------------------------------
    def page(self) -> str:
        rows = "".join(
            "<tr><td>{}</td><td>{}</td><td>{} – {}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(d["MaHoSo"]),
                html.escape(str(d["MaTTHC"])),
                d["TrangThaiHoSo"],
                html.escape(codes.STATUS_NAMES.get(d["TrangThaiHoSo"], "?")),
                html.escape(d["madonvi"]),
                html.escape(d["updated_at"]),
            )
            for d in self.store.dossier_list()
        )
        log = "".join(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(r["at"]),
                html.escape(r["service"]),
                html.escape(r["error_code"]),
                html.escape(r["field"]),
            )
            for r in self.store.recent_requests()
        )
        count = len(self.store.catalogue())
        return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Cổng DVC quốc gia (mô phỏng)</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:4px 8px}}</style></head><body>
<h1>Cổng Dịch vụ công quốc gia — bản mô phỏng</h1>
<p>Hệ thống mô phỏng dùng cho kiểm thử và trình diễn; không phải cổng thật.
Danh mục thủ tục: {count} thủ tục.</p>
<h2>Hồ sơ đã đồng bộ</h2>
<table id="dossiers"><tr><th>Mã hồ sơ</th><th>Mã TTHC</th><th>Trạng thái</th><th>Đơn vị</th>
<th>Cập nhật</th></tr>{rows}</table>
<h2>Yêu cầu gần đây</h2>
<table id="requests"><tr><th>Lúc</th><th>Dịch vụ</th><th>error_code</th><th>Trường lỗi</th></tr>
{log}</table></body></html>"""


def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise PortalError(codes.BAD_REQUEST, "Yêu cầu quá lớn.", "")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PortalError(codes.BAD_REQUEST, "Nội dung không phải JSON hợp lệ.", "") from None
    if not isinstance(body, dict):
        raise PortalError(codes.BAD_REQUEST, "Nội dung phải là một đối tượng JSON.", "")
    return body


def _not_found(field_name: str) -> dict[str, Any]:
    return {"error_code": codes.NOT_FOUND, "message": "Không tìm thấy hồ sơ.", "field": field_name}


def _json(
    start_response: StartResponse, body: dict[str, Any], status: str = "200 OK"
) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start_response(
        status,
        [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _html(start_response: StartResponse, page: str) -> list[bytes]:
    data = page.encode("utf-8")
    start_response(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data)))],
    )
    return [data]
