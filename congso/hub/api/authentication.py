"""DRF authentication by member JWT (`Authorization: Bearer <token>`, docs/hub.md)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from congso.hub.errors import HubUnauthenticated
from congso.hub.models import Member
from congso.hub.services.tokens import token_authenticate


class HubTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Member, str] | None:
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        if parts[0].lower() != self.keyword or len(parts) != 2:
            raise exceptions.AuthenticationFailed("Cần tiêu đề Authorization: Bearer <JWT>.")
        token = parts[1].decode("latin-1")
        try:
            member = token_authenticate(token=token)
        except HubUnauthenticated as exc:
            raise exceptions.AuthenticationFailed(exc.message) from exc
        return member, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="congso-hub"'


class HubTokenScheme(OpenApiAuthenticationExtension):
    target_class = "congso.hub.api.authentication.HubTokenAuthentication"
    name = "hubMemberJwt"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT (RS256/EdDSA, iss = member code, exp ≤ 5 min, unique jti)",
        }
