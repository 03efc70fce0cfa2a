"""The HTTP transport against congso's hub API (docs/hub.md; /api/v1/hub/).

Every request carries a fresh JWT signed with the member's private key (RS256 for RSA keys,
EdDSA for Ed25519): `iss` = member code, two minutes of life, a unique `jti`. Packages are
streamed from and to disk. Connection errors, timeouts, 5xx, 408 and 429 are retried a few times
with a short pause (EXCHANGE_HTTP_RETRIES); what still fails raises `TransportError`, permanent
when the hub refused the request itself (other 4xx) so the caller does not retry it.
"""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib import error, request

import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings

from congso.exchange.services.config import Member, own_private_key
from congso.exchange.transport import OneByOne, ReceivedItem, SentMessage, TransportError

logger = logging.getLogger(__name__)

TOKEN_LIFETIME_SECONDS = 120
CHUNK = 256 * 1024
_TRANSIENT_STATUSES = {401, 408, 425, 429}  # 401: a key being registered, a clock a bit off
BATCH_MAX = 100  # items per batch call (the hub's HUB_BATCH_MAX_ITEMS default)
MULTIPART_ACCEPT = "multipart/mixed, application/json;q=0.5"
PAGE_MAX_BYTES = 256 * 1024 * 1024  # EXCHANGE_HUB_PAGE_MAX_BYTES: largest inline page read
HEADERS_MAX_BYTES = 8 * 1024  # of one part's headers
LISTING_MALFORMED = "hub_listing_malformed"
LISTING_TOO_LARGE = "hub_listing_too_large"


def member_private_key(path: Path) -> Any:
    """The member's private key, loaded once per file version (`own_private_key`)."""
    return own_private_key(path)


class HubClient:
    """A `Transport` for one member organisation of the hub."""

    def __init__(
        self,
        member: Member,
        *,
        base_url: str | None = None,
        timeout: float | None = None,
        retries: int | None = None,
    ) -> None:
        self.member_code = member.code
        self._key = member_private_key(member.key_file)
        self._algorithm = "EdDSA" if isinstance(self._key, ed25519.Ed25519PrivateKey) else "RS256"
        root = (base_url or settings.EXCHANGE_HUB_URL).rstrip("/")
        if not root.startswith(("http://", "https://")):
            raise ValueError(f"EXCHANGE_HUB_URL must be an http(s) URL, not {root!r}")
        self._base = f"{root}/api/v1/hub/"
        self._timeout = timeout if timeout is not None else settings.EXCHANGE_HTTP_TIMEOUT
        self._retries = retries if retries is not None else settings.EXCHANGE_HTTP_RETRIES
        self._one_by_one = False  # set when the hub has no batch verbs (an older hub)
        self._no_wait = False  # set when the hub cannot hold a request (an older hub)

    # --- the Transport protocol ----------------------------------------------------------------

    def send(self, package: Path | bytes) -> SentMessage:
        return _sent_message(
            self._json(self._call("POST", "messages/", body=package, accept=(200, 201)))
        )

    def list_received(self, limit: int = 100, *, inline: bool = False) -> list[ReceivedItem]:
        return [
            ReceivedItem(
                id=str(item["id"]),
                from_code=str(item.get("from", "")),
                document_id=str(item.get("document_id", "")),
                business=str(item.get("business", "")),
                content=content,
            )
            for item, content in self._listed("messages", limit, inline)
        ]

    def fetch(self, message_id: str, out: BinaryIO) -> int:
        def copy(response: Any) -> int:
            written = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                written += len(chunk)
            return written

        return int(self._call("GET", f"messages/{message_id}/", reader=copy))

    def ack(self, message_id: str) -> None:
        self._call("POST", f"messages/{message_id}/ack/", accept=(200, 204))

    def send_status(self, package: bytes) -> str:
        body = self._json(self._call("POST", "statuses/", body=package, accept=(200, 201)))
        return str(body["id"])

    def list_statuses(self, limit: int = 100, *, inline: bool = False) -> list[ReceivedItem]:
        return [
            ReceivedItem(
                id=str(item["id"]),
                from_code=str(item.get("from", "")),
                document_id=str(item.get("document_id", "")),
                status_code=str(item.get("status_code", "")),
                content=content,
            )
            for item, content in self._listed("statuses", limit, inline)
        ]

    def _listed(
        self, kind: str, limit: int, inline: bool
    ) -> list[tuple[dict[str, Any], bytes | None]]:
        """A `received/` page: each item with its bytes when the hub sent them. Inline pages are
        asked for as multipart/mixed (no base64); a hub answering JSON is read as JSON."""
        path = f"{kind}/received/?limit={int(limit)}" + ("&inline=1" if inline else "")
        if not inline:
            body = self._json(self._call("GET", path))
            return [(item, None) for item in _results(body)]
        return cast(
            list[tuple[dict[str, Any], bytes | None]],
            self._call("GET", path, reader=_listing_read, media=MULTIPART_ACCEPT),
        )

    def wait(self, seconds: float) -> bool | None:
        """`GET wait/?seconds=N` (long polling); None from a hub without the verb (404)."""
        if self._no_wait:
            return None
        path = f"wait/?seconds={max(int(seconds), 0)}"
        try:
            body = self._json(self._call("GET", path, timeout=self._timeout + seconds))
        except TransportError as exc:
            if _no_batch_verbs(exc):
                self._no_wait = True
                return None
            raise
        return bool(body.get("packages") or body.get("statuses"))

    def fetch_status(self, status_id: str) -> bytes:
        return bytes(self._call("GET", f"statuses/{status_id}/"))

    def ack_status(self, status_id: str) -> None:
        self._call("POST", f"statuses/{status_id}/ack/", accept=(200, 204))

    # --- batch verbs (docs/hub.md: messages/batch/, statuses/batch/, …/ack/) ------------------

    def send_many(self, packages: Sequence[Path]) -> list[SentMessage | TransportError]:
        results = self._batch_or_alone(
            "messages/batch/",
            "package",
            lambda: [p.read_bytes() for p in packages],
            lambda: OneByOne.send_many(self, packages),  # type: ignore[arg-type]
        )
        return [_sent_message(item) if isinstance(item, dict) else item for item in results]

    def send_statuses(self, packages: Sequence[bytes]) -> list[str | TransportError]:
        results = self._batch_or_alone(
            "statuses/batch/",
            "status",
            lambda: list(packages),
            lambda: OneByOne.send_statuses(self, packages),  # type: ignore[arg-type]
        )
        return [str(item["id"]) if isinstance(item, dict) else item for item in results]

    def _batch_or_alone(
        self,
        path: str,
        field: str,
        bodies: Callable[[], list[bytes]],
        alone: Callable[[], list[Any]],
    ) -> list[Any]:
        """The batch verb's outcomes, or those of the single verb per package (`alone`) when
        this hub has no batch verbs (found once, then remembered)."""
        if not self._one_by_one:
            try:
                return self._batch(path, field, bodies())
            except TransportError as exc:
                if not _no_batch_verbs(exc):
                    raise
                self._one_by_one = True
        return alone()

    def ack_many(self, message_ids: Sequence[str]) -> None:
        self._ack("messages/ack/", message_ids, self.ack)

    def ack_statuses(self, status_ids: Sequence[str]) -> None:
        self._ack("statuses/ack/", status_ids, self.ack_status)

    def _ack(self, path: str, ids: Sequence[str], one: Callable[[str], None]) -> None:
        for start in range(0, len(ids), BATCH_MAX):
            chunk = list(ids[start : start + BATCH_MAX])
            if self._one_by_one:
                for item in chunk:
                    one(item)
                continue
            body = json.dumps({"ids": chunk}).encode()
            try:
                self._call("POST", path, body=body, content_type="application/json")
            except TransportError as exc:
                if not _no_batch_verbs(exc):
                    raise
                self._one_by_one = True
                for item in chunk:
                    one(item)

    def _batch(
        self, path: str, field: str, packages: list[bytes]
    ) -> list[dict[str, Any] | TransportError]:
        """POST the packages as multipart parts; one outcome per package (a dict of the hub's
        answer, or the hub's refusal of that package as a permanent TransportError)."""
        outcomes: list[dict[str, Any] | TransportError] = []
        for start in range(0, len(packages), BATCH_MAX):
            chunk = packages[start : start + BATCH_MAX]
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, field, chunk)
            answer = self._json(
                self._call(
                    "POST",
                    path,
                    body=body,
                    content_type=f"multipart/form-data; boundary={boundary}",
                )  # fmt: skip
            )
            results = sorted(answer.get("results", []), key=lambda item: int(item["index"]))
            if len(results) != len(chunk):
                raise TransportError("hub answered a batch with the wrong number of results")
            outcomes += [_item_outcome(item) for item in results]
        return outcomes

    # --- HTTP ------------------------------------------------------------------------------------

    def _token(self) -> str:
        now = int(time.time())
        claims = {
            "iss": self.member_code,
            "iat": now,
            "exp": now + TOKEN_LIFETIME_SECONDS,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm=self._algorithm)

    @staticmethod
    def _json(raw: Any) -> dict[str, Any]:
        try:
            data = json.loads(raw or b"{}")
        except ValueError as exc:
            raise TransportError("hub answered something that is not JSON") from exc
        return data if isinstance(data, dict) else {}

    def _request(
        self, method: str, path: str, body: Path | bytes | None, content_type: str, media: str
    ) -> request.Request:
        headers = {"Authorization": f"Bearer {self._token()}", "Accept": media}
        data: Any = None
        if body is not None:
            headers["Content-Type"] = content_type
            if isinstance(body, Path):
                headers["Content-Length"] = str(body.stat().st_size)
                data = body.open("rb")
            else:
                data = body
        url = self._base + path  # the scheme was checked in __init__ (http or https only)
        return request.Request(url, data=data, method=method, headers=headers)  # noqa: S310

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Path | bytes | None = None,
        accept: tuple[int, ...] = (200,),
        reader: Callable[[Any], Any] | None = None,
        content_type: str = "application/xml",
        media: str = "application/json",
        timeout: float | None = None,
    ) -> Any:
        attempt = 0
        while True:
            attempt += 1
            req = self._request(method, path, body, content_type, media)
            try:
                with request.urlopen(req, timeout=timeout or self._timeout) as response:  # noqa: S310
                    if response.status not in accept:
                        raise TransportError(f"hub answered HTTP {response.status}")
                    return reader(response) if reader else response.read()
            except error.HTTPError as exc:
                failure = self._http_failure(exc)
            except (OSError, TimeoutError) as exc:  # URLError is an OSError
                failure = TransportError(f"hub unreachable: {exc}", code="hub_unreachable")
            finally:
                close = getattr(req.data, "close", None)
                if close is not None:
                    close()
            if failure.permanent or attempt > self._retries:
                raise failure
            logger.info("hub %s %s failed (%s), retrying", method, path, failure.message)
            time.sleep(min(0.5 * attempt, 2.0))

    @staticmethod
    def _http_failure(exc: error.HTTPError) -> TransportError:
        try:
            payload = json.loads(exc.read() or b"{}")
        except ValueError:
            payload = {}
        return _failure(exc.code, payload, str(exc.reason))


def _failure(status: int, payload: Any, reason: str = "") -> TransportError:
    """The hub's refusal (HTTP `status`, its error body) as a TransportError."""
    if not isinstance(payload, dict):
        payload = {}
    if isinstance(payload.get("error"), dict):  # congso's own API error shape
        payload = {
            "code": payload["error"].get("code"),
            "detail": payload["error"].get("message"),
        }
    code = str(payload.get("code") or f"hub_http_{status}")
    detail = str(payload.get("detail") or reason)
    permanent = 400 <= status < 500 and status not in _TRANSIENT_STATUSES
    return TransportError(f"{code}: {detail}", code=code, permanent=permanent)


def _item_outcome(item: dict[str, Any]) -> dict[str, Any] | TransportError:
    status = int(item.get("status", 0))
    if status in (200, 201) and item.get("id"):
        return item
    return _failure(status, item)


def _sent_message(body: dict[str, Any]) -> SentMessage:
    return SentMessage(
        id=str(body["id"]),
        document_id=str(body.get("document_id", "")),
        recipients=tuple(body.get("recipients", ())),
    )


def _no_batch_verbs(exc: TransportError) -> bool:
    """An older hub without the batch verbs (or `wait/`) answers 404 or 405 to them."""
    return exc.code in ("hub_http_404", "hub_http_405")


def _results(body: dict[str, Any]) -> list[dict[str, Any]]:
    results = body.get("results", [])
    if not isinstance(results, list) or not all(isinstance(i, dict) for i in results):
        raise TransportError("hub listing has no list of items", code=LISTING_MALFORMED)
    return results


def _listing_read(response: Any) -> list[tuple[dict[str, Any], bytes | None]]:
    """An inline page from the hub's answer: multipart/mixed (docs/hub.md), or JSON with base64
    `content` from a hub that does not speak multipart. Read whole, at most
    EXCHANGE_HUB_PAGE_MAX_BYTES; anything out of shape raises before an item is returned."""
    largest = int(getattr(settings, "EXCHANGE_HUB_PAGE_MAX_BYTES", PAGE_MAX_BYTES))
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > largest:
        raise TransportError(f"hub listing of {declared} bytes", code=LISTING_TOO_LARGE)
    raw = response.read(largest + 1)
    if len(raw) > largest:
        raise TransportError(f"hub listing over {largest} bytes", code=LISTING_TOO_LARGE)
    if response.headers.get_content_type() != "multipart/mixed":
        items = _results(HubClient._json(raw))
        return [(item, _content(item)) for item in items]
    boundary = response.headers.get_param("boundary")
    if not isinstance(boundary, str) or not 0 < len(boundary) <= 70:
        raise TransportError("multipart listing without a boundary", code=LISTING_MALFORMED)
    return multipart_listing_parse(raw, boundary.encode("ascii", "replace"))


def multipart_listing_parse(
    raw: bytes, boundary: bytes
) -> list[tuple[dict[str, Any], bytes | None]]:
    """The items of a multipart/mixed listing, each with the bytes of the part its `content`
    ("cid:<id>") names. Strict: the JSON part first, one part per cid in the listing (no more,
    no fewer), each `application/octet-stream` and exactly its item's `size`."""
    parts = _parts(raw, boundary)
    if not parts or parts[0][0].get("content-type", "").split(";")[0].strip() != "application/json":
        raise TransportError("multipart listing without its JSON part", code=LISTING_MALFORMED)
    try:
        body = json.loads(parts[0][1])
    except ValueError as exc:
        raise TransportError(
            "multipart listing: JSON part unreadable", code=LISTING_MALFORMED
        ) from exc
    if not isinstance(body, dict) or "results" not in body:
        raise TransportError("multipart listing: JSON part is no listing", code=LISTING_MALFORMED)
    items = _results(body)
    contents: dict[str, bytes] = {}
    for headers, data in parts[1:]:
        cid = headers.get("content-id", "").strip().removeprefix("<").removesuffix(">")
        kind = headers.get("content-type", "").split(";")[0].strip()
        if kind != "application/octet-stream" or not cid or cid in contents:
            raise TransportError("multipart listing: a part out of shape", code=LISTING_MALFORMED)
        contents[cid] = data
    listed: list[tuple[dict[str, Any], bytes | None]] = []
    for item in items:
        reference = item.get("content")
        if reference is None:
            listed.append((item, None))
            continue
        cid = str(item.get("id"))
        part = contents.pop(cid) if reference == f"cid:{cid}" and cid in contents else None
        if part is None or len(part) != item.get("size"):
            raise TransportError(
                f"multipart listing: no part of the right size for {cid}", code=LISTING_MALFORMED
            )
        listed.append((item, part))
    if contents:
        raise TransportError("multipart listing: parts no item names", code=LISTING_MALFORMED)
    return listed


def _parts(raw: bytes, boundary: bytes) -> list[tuple[dict[str, str], bytes]]:
    """Split a multipart body on its boundary (bytes.find; a part with Content-Length is jumped
    over and its closing delimiter checked where it must be). Headers are ASCII lines."""
    dash = b"--" + boundary
    delimiter = b"\r\n" + dash
    position = 0 if raw.startswith(dash) else raw.find(delimiter) + 2  # after a preamble
    if position < 2 and position != 0:
        raise TransportError("multipart listing: no opening boundary", code=LISTING_MALFORMED)
    parts: list[tuple[dict[str, str], bytes]] = []
    position += len(dash)
    while True:
        marker = raw[position : position + 2]
        if marker == b"--":
            return parts
        head_end = raw.find(b"\r\n\r\n", position, position + HEADERS_MAX_BYTES)
        if marker != b"\r\n" or head_end < 0:
            raise TransportError("multipart listing: a part cut short", code=LISTING_MALFORMED)
        headers = _part_headers(raw[position + 2 : head_end])
        start = head_end + 4
        length = headers.get("content-length")
        if length is not None and not length.isdigit():
            raise TransportError("multipart listing: a bad Content-Length", code=LISTING_MALFORMED)
        end = start + int(length) if length is not None else raw.find(delimiter, start)
        if end < start or raw[end : end + len(delimiter)] != delimiter:
            raise TransportError("multipart listing: a part cut short", code=LISTING_MALFORMED)
        parts.append((headers, raw[start:end]))
        position = end + len(delimiter)


def _part_headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.decode("latin-1").split("\r\n") if block else []:
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise TransportError("multipart listing: a bad part header", code=LISTING_MALFORMED)
        headers[name.strip().lower()] = value.strip()
    return headers


def _content(item: dict[str, Any]) -> bytes | None:
    content = item.get("content")
    try:
        return base64.b64decode(content, validate=True) if isinstance(content, str) else None
    except ValueError as exc:
        raise TransportError("hub listing: content is not base64", code=LISTING_MALFORMED) from exc


def _multipart(boundary: str, field: str, packages: list[bytes]) -> bytes:
    parts = []
    for index, data in enumerate(packages):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{index}.edxml"\r\nContent-Type: application/xml\r\n\r\n'.encode()
        )
        parts.append(data)
        parts.append(b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)
