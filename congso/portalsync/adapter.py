"""The seam to the national portal: `PortalAdapter`, and the legacy DVCQG implementation.

`LegacyDvcqgAdapter` speaks the 2019–2021 protocol as OpenCPS implemented it (standards.md
§6.3): POST auth → session; POST integration/share with `{"session", "madonvi", "service", …}`;
success is `error_code` "00". It knows nothing of congso models: payloads are built in
`payloads.py`. Transport problems raise `PortalUnavailable` (retry later); answers refusing the
content raise `PortalRejected` naming the field (retrying the same content cannot help).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any, Protocol

SESSION_ERROR_CODES = {"01"}  # the simulator's code; the real portal's is [?] (docs/portalsync.md)


class PortalUnavailable(Exception):
    """The portal could not be reached or answered garbage: try again later."""


class PortalRejected(Exception):
    """The portal refused what we sent (`error_code`, `field` as it named them)."""

    def __init__(self, error_code: str, message: str, field: str = "") -> None:
        super().__init__(f"[{error_code}] {message}")
        self.error_code = error_code
        self.message = message
        self.field = field


class PortalAdapter(Protocol):
    def sync_dossiers(
        self, madonvi: str, dossiers: list[dict[str, Any]], *, updating: bool
    ) -> None: ...

    def update_progress(self, madonvi: str, items: list[dict[str, Any]]) -> None: ...

    def lookup(self, madonvi: str, ma_ho_so: str) -> dict[str, Any] | None: ...

    def procedures(self, madonvi: str, code: str | None = None) -> list[dict[str, Any]]: ...


class LegacyDvcqgAdapter:
    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        auth_path: str = "/api/auth",
        integration_path: str = "/api/integration",
        share_path: str = "/api/share",
        timeout: float = 15,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.password = password
        self.paths = {"auth": auth_path, "integration": integration_path, "share": share_path}
        self.timeout = timeout
        self._session: str | None = None
        self._lock = threading.Lock()

    # --- services ------------------------------------------------------------------------------
    def sync_dossiers(
        self, madonvi: str, dossiers: list[dict[str, Any]], *, updating: bool
    ) -> None:
        self._call(
            "integration",
            madonvi,
            "DongBoHoSoMC",
            {"isUpdating": "True" if updating else "False", "data": dossiers},
        )

    def update_progress(self, madonvi: str, items: list[dict[str, Any]]) -> None:
        self._call("integration", madonvi, "CapNhatTienDoHoSoMC", {"data": items})

    def lookup(self, madonvi: str, ma_ho_so: str) -> dict[str, Any] | None:
        answer = self._call("integration", madonvi, "TraCuuHoSo", {"mahoso": ma_ho_so})
        result = answer.get("result") or []
        return dict(result[0]) if isinstance(result, list) and result else None

    def procedures(self, madonvi: str, code: str | None = None) -> list[dict[str, Any]]:
        extra = {"maTTHC": code} if code else {}
        answer = self._call("share", madonvi, "LayThuTuc", extra)
        result = answer.get("result") or []
        return [dict(item) for item in result] if isinstance(result, list) else []

    # --- protocol ------------------------------------------------------------------------------
    def _call(
        self, endpoint: str, madonvi: str, service: str, extra: dict[str, Any]
    ) -> dict[str, Any]:
        for attempt in (1, 2):  # a stale session is renewed once
            body = {"session": self._token(), "madonvi": madonvi, "service": service, **extra}
            answer = self._post(self.paths[endpoint], body)
            code = str(answer.get("error_code", ""))
            if code in ("00", "0"):
                return answer
            if code in SESSION_ERROR_CODES and attempt == 1:
                with self._lock:
                    self._session = None
                continue
            raise PortalRejected(code, str(answer.get("message", "")), str(answer.get("field", "")))
        raise PortalUnavailable("session renewal failed")  # pragma: no cover - loop returns

    def _token(self) -> str:
        with self._lock:
            if self._session is None:
                answer = self._post(
                    self.paths["auth"], {"username": self.username, "password": self.password}
                )
                if str(answer.get("error_code")) not in ("0", "00") or not answer.get("session"):
                    raise PortalRejected(
                        str(answer.get("error_code", "")),
                        str(answer.get("message", "đăng nhập Cổng thất bại")),
                        "username",
                    )
                self._session = str(answer["session"])
            return self._session

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - URL from settings
            self.base_url + path,
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            raw = error.read()
            if error.code >= 500 or not raw:
                raise PortalUnavailable(f"HTTP {error.code}") from error
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            raise PortalUnavailable(str(getattr(error, "reason", error))) from error
        try:
            answer = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PortalUnavailable("câu trả lời không phải JSON") from error
        if not isinstance(answer, dict):
            raise PortalUnavailable("câu trả lời không phải đối tượng JSON")
        return answer


_adapter: tuple[tuple[Any, ...], PortalAdapter] | None = None


def get_adapter() -> PortalAdapter:
    """The configured adapter, reused while the settings stay the same (keeps the session)."""
    global _adapter
    from django.conf import settings

    key = (
        settings.PORTALSYNC_URL,
        settings.PORTALSYNC_USERNAME,
        settings.PORTALSYNC_PASSWORD,
        settings.PORTALSYNC_AUTH_PATH,
        settings.PORTALSYNC_INTEGRATION_PATH,
        settings.PORTALSYNC_SHARE_PATH,
        settings.PORTALSYNC_HTTP_TIMEOUT,
    )
    if _adapter is None or _adapter[0] != key:
        adapter = LegacyDvcqgAdapter(
            base_url=key[0],
            username=key[1],
            password=key[2],
            auth_path=key[3],
            integration_path=key[4],
            share_path=key[5],
            timeout=float(key[6]),
        )
        _adapter = (key, adapter)
    return _adapter[1]
