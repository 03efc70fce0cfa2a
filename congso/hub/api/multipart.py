"""A `received/` listing as `multipart/mixed` (RFC 2046): the JSON listing, then the package bytes.

The first part is `application/json`, the listing as the JSON answer gives it except that an
item's `content` is `"cid:<id>"` (RFC 2392) when its bytes follow, `null` otherwise. Then one
`application/octet-stream` part per such item, in listing order, with `Content-ID: <id>` and
`Content-Length`; the bytes are streamed from the store as they are, no base64.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

from congso.hub.storage import stored_file

MEDIA_TYPE = "multipart/mixed"
_CHOICES = ["application/json", MEDIA_TYPE]
CHUNK = 256 * 1024


def multipart_wanted(request: HttpRequest) -> bool:
    """The client prefers `multipart/mixed` (Accept, with q-values; `*/*` alone means JSON)."""
    if MEDIA_TYPE not in request.headers.get("Accept", ""):
        return False
    return request.get_preferred_type(_CHOICES) == MEDIA_TYPE


class HubNegotiation(DefaultContentNegotiation):
    """The hub answers JSON (and, for a listing, `multipart/mixed`): an Accept naming neither,
    or naming them with parameters the hub does not produce, still gets JSON, never a 406 or
    another format (RFC 9110 §12.5.1 lets a server disregard Accept)."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return _json_renderer(renderers)


class ListingNegotiation(HubNegotiation):
    """A listing view asked for `multipart/mixed` writes that answer itself; whatever DRF renders
    for it (errors: 400, 401) stays JSON, and the Accept never ends in 406."""

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        if multipart_wanted(request._request):
            return _json_renderer(renderers)
        return super().select_renderer(request, renderers, format_suffix)


def _json_renderer(renderers: Iterable[BaseRenderer]) -> tuple[BaseRenderer, str]:
    json_renderer = next(r for r in renderers if r.media_type == "application/json")
    return json_renderer, json_renderer.media_type


def multipart_listing(results: list[dict[str, Any]], files: dict[str, tuple[str, int]]) -> Any:
    """`results` with the bytes of the items in `files` (item id → stored path, size) as parts.

    Content-Length is known before a byte is read (sizes are on record); a stored file shorter
    than its record stops the stream, so the client sees a cut body rather than wrong bytes."""
    boundary = "congso-" + uuid.uuid4().hex
    delimiter = f"\r\n--{boundary}\r\n".encode()
    for item in results:
        item["content"] = f"cid:{item['id']}" if item["id"] in files else None
    listing = json.dumps({"results": results}, ensure_ascii=False, separators=(",", ":")).encode()
    head = f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode() + listing
    headers = {
        item_id: (
            f"Content-Type: application/octet-stream\r\nContent-ID: <{item_id}>\r\n"
            f"Content-Length: {size}\r\n\r\n"
        ).encode()
        for item_id, (_path, size) in files.items()
    }
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + len(tail)
    length += sum(len(delimiter) + len(headers[i]) + size for i, (_p, size) in files.items())

    def body() -> Iterator[bytes]:
        yield head
        for item_id, (path, size) in files.items():
            yield delimiter + headers[item_id]
            left = size
            with stored_file(path).open("rb") as stream:
                while left and (chunk := stream.read(min(CHUNK, left))):
                    left -= len(chunk)
                    yield chunk
            if left:
                raise OSError(f"stored package {path} is shorter than the {size} bytes on record")
        yield tail

    response = StreamingHttpResponse(body(), content_type=f'{MEDIA_TYPE}; boundary="{boundary}"')
    response["Content-Length"] = str(length)
    return response
