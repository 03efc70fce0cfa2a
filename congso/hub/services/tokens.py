"""Member authentication: a short-lived JWT signed with the member's own key, used once.

The `jti` mark is the replay guard, so it is written on every request (a token is good for one
call; caching a verified token would let it be replayed). What is kept in-process instead is the
member's record and its loaded public key (`_members`, bounded, HUB_TOKEN_MEMBER_CACHE_*): the
mark is then one INSERT … SELECT that succeeds only while that member row still is active with
the very same code, public key and XML certificates, so a deactivation, key rotation or new
certificate takes effect on the next request; when the INSERT inserts nothing, the member is read
again and the token checked once more against what the database says.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.db import connections, router
from django.utils import timezone

from congso.hub import conf
from congso.hub.errors import HubUnauthenticated
from congso.hub.models import Member, UsedToken

logger = logging.getLogger(__name__)

_REQUIRED_CLAIMS = ["iss", "iat", "exp", "jti"]
_PURGE_EVERY_SECONDS = 60.0
_CODE_MAX_LENGTH = Member._meta.get_field("code").max_length or 0
_JTI_MAX_LENGTH = UsedToken._meta.get_field("jti").max_length or 0
_last_purge = 0.0


@dataclass(frozen=True)
class _Known:
    """A member row as last read, with its public key loaded once."""

    member: Member
    key: Any
    read_at: float


_members: OrderedDict[str, _Known] = OrderedDict()
_members_lock = threading.Lock()


def _refuse(reason: str) -> HubUnauthenticated:
    logger.info("hub token refused: %s", reason)
    return HubUnauthenticated(
        "Không xác thực được đơn vị gửi yêu cầu: " + reason,
        details={"reason": reason},
    )


def token_authenticate(*, token: str) -> Member:
    """Return the member whose key signed `token`, and mark its `jti` as used.

    The token names its member in `iss` and is checked with that member's registered public key;
    it lives at most HUB_TOKEN_MAX_LIFETIME seconds and its `jti` is refused a second time within
    that lifetime (docs/adr/0016). Every failure is the same 401 `hub_unauthenticated`.
    """
    issuer = _issuer(token)
    known = _member_remembered(issuer)
    if known is not None:
        try:
            claims = _claims_verified(token, known)
        except HubUnauthenticated:
            claims = None  # perhaps a new key: check against the database's record below
        if claims is not None and _token_mark_used(known.member, claims):
            return copy.copy(known.member)
    known = _member_read(issuer)
    claims = _claims_verified(token, known)
    if not _token_mark_used(known.member, claims):
        raise _refuse("mã thông báo đã được dùng (jti lặp lại)")
    return copy.copy(known.member)


def token_member_cache_clear() -> None:
    with _members_lock:
        _members.clear()


def _issuer(token: str) -> str:
    """`iss` read without checking anything: it only says whose key to check the token with."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as exc:
        raise _refuse("mã thông báo không đọc được") from exc
    issuer = claims.get("iss") if isinstance(claims, dict) else None
    if not isinstance(issuer, str) or not issuer or not _storable(issuer, _CODE_MAX_LENGTH):
        # no member has such a code: refused before the database is asked
        raise _refuse("đơn vị không phải thành viên của trục")
    return issuer


def _storable(text: str, max_length: int) -> bool:
    """Whether `text` can be compared with or written to a text column at all: at most
    `max_length` characters, no NUL (PostgreSQL refuses it in text) and no lone surrogate
    (not encodable as UTF-8; JSON's `\\ud800` escape decodes to one)."""
    if len(text) > max_length or "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _member_remembered(code: str) -> _Known | None:
    with _members_lock:
        known = _members.get(code)
        if known is None:
            return None
        if time.monotonic() - known.read_at > conf.token_member_cache_seconds():
            del _members[code]
            return None
        _members.move_to_end(code)
        return known


def _member_read(code: str) -> _Known:
    """The active member `code` as the database has it now (remembered for the next requests)."""
    member = Member.objects.filter(code=code, is_active=True).first()
    if member is None:
        with _members_lock:
            _members.pop(code, None)
        raise _refuse("đơn vị không phải thành viên của trục")
    try:
        key = load_pem_public_key(member.public_key_pem.encode())
    except (ValueError, TypeError) as exc:
        raise _refuse("khóa công khai của đơn vị không dùng được") from exc
    known = _Known(member=member, key=key, read_at=time.monotonic())
    with _members_lock:
        _members[code] = known
        _members.move_to_end(code)
        while len(_members) > conf.token_member_cache_size():
            _members.popitem(last=False)
    return known


def _claims_verified(token: str, known: _Known) -> dict[str, Any]:
    leeway = conf.token_leeway_seconds()
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=known.key,
            algorithms=conf.jwt_algorithms(),
            issuer=known.member.code,
            leeway=leeway,
            options={"require": _REQUIRED_CLAIMS, "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _refuse("mã thông báo đã hết hạn") from exc
    except jwt.PyJWTError as exc:
        raise _refuse("chữ ký hoặc nội dung mã thông báo không hợp lệ") from exc
    lifetime = int(claims["exp"]) - int(claims["iat"])
    if lifetime > conf.token_max_lifetime_seconds() or lifetime <= 0:
        raise _refuse("thời hạn mã thông báo vượt quá mức cho phép")
    jti = str(claims["jti"])
    if not jti or not _storable(jti, _JTI_MAX_LENGTH):
        raise _refuse("thiếu mã jti hợp lệ")
    return claims


def _token_mark_used(member: Member, claims: dict[str, Any]) -> bool:
    """Record the token's `jti` for `member`, if the member row is still active and unchanged
    (code, key, XML certificates). False when nothing was written: the jti was used already, or
    the row changed or went away. One statement, no transaction of its own."""
    _purge_expired()
    expires = datetime.fromtimestamp(int(claims["exp"]) + conf.token_leeway_seconds(), tz=UTC)
    alias = router.db_for_write(UsedToken)
    connection = connections[alias]
    quote = connection.ops.quote_name
    used, members = quote(UsedToken._meta.db_table), quote(Member._meta.db_table)
    sql = (
        f"INSERT INTO {used} (member_id, jti, expires_at) "  # noqa: S608 (names are quoted)
        f"SELECT id, %s, %s FROM {members} WHERE id = %s AND code = %s AND is_active = %s "
        "AND public_key_pem = %s AND xml_certificates_pem = %s "
        "ON CONFLICT (member_id, jti) DO NOTHING"
    )
    params = [
        str(claims["jti"]),
        connection.ops.adapt_datetimefield_value(expires),
        member.pk,
        member.code,
        True,
        member.public_key_pem,
        member.xml_certificates_pem,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.rowcount == 1)


def _purge_expired() -> None:
    """Forget expired token ids, at most once a minute per process (they cannot be replayed)."""
    global _last_purge  # noqa: PLW0603
    now = time.monotonic()
    if now - _last_purge < _PURGE_EVERY_SECONDS:
        return
    _last_purge = now
    UsedToken.objects.filter(expires_at__lt=timezone.now() - timedelta(seconds=60)).delete()
