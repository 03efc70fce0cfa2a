"""Member authentication: a short-lived JWT signed with the member's own key, used once."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

import jwt
from django.db import IntegrityError, transaction
from django.utils import timezone

from congso.hub import conf
from congso.hub.errors import HubUnauthenticated
from congso.hub.models import Member, UsedToken

logger = logging.getLogger(__name__)

_REQUIRED_CLAIMS = ["iss", "iat", "exp", "jti"]
_PURGE_EVERY_SECONDS = 60.0
_last_purge = 0.0


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
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise _refuse("mã thông báo không đọc được") from exc
    issuer = unverified.get("iss")
    member = (
        Member.objects.filter(code=issuer, is_active=True).first()
        if isinstance(issuer, str)
        else None
    )
    if member is None:
        raise _refuse("đơn vị không phải thành viên của trục")
    leeway = conf.token_leeway_seconds()
    try:
        claims = jwt.decode(
            token,
            key=member.public_key_pem,
            algorithms=conf.jwt_algorithms(),
            issuer=member.code,
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
    if not jti or len(jti) > 255:
        raise _refuse("thiếu mã jti hợp lệ")
    _token_mark_used(member=member, jti=jti, exp=int(claims["exp"]) + leeway)
    return member


def _token_mark_used(*, member: Member, jti: str, exp: int) -> None:
    _purge_expired()
    try:
        with transaction.atomic():
            UsedToken.objects.create(
                member=member, jti=jti, expires_at=datetime.fromtimestamp(exp, tz=UTC)
            )
    except IntegrityError as exc:
        raise _refuse("mã thông báo đã được dùng (jti lặp lại)") from exc


def _purge_expired() -> None:
    """Forget expired token ids, at most once a minute per process (they cannot be replayed)."""
    global _last_purge  # noqa: PLW0603
    now = time.monotonic()
    if now - _last_purge < _PURGE_EVERY_SECONDS:
        return
    _last_purge = now
    UsedToken.objects.filter(expires_at__lt=timezone.now() - timedelta(seconds=60)).delete()
