"""Every API call carries a member JWT: signed by the member's key, short-lived, used once."""

from __future__ import annotations

from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from congso.hub.keys import member_token
from congso.hub.models import UsedToken
from congso.hub.tests.conftest import API, HubMember

pytestmark = pytest.mark.django_db

RECEIVED = API + "messages/received/"


def _refused(response) -> str:
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["code"] == "hub_unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    return str(body["detail"])


def test_health_needs_no_token(client) -> None:
    # when
    response = client.get(API + "health/")
    # then
    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_a_valid_token_lets_the_member_in(client, recipient: HubMember) -> None:
    # when
    response = client.get(RECEIVED, **recipient.auth())
    # then
    assert response.status_code == 200
    assert response.json() == {"results": []}
    assert UsedToken.objects.filter(member=recipient.member).count() == 1


def test_no_token_is_refused(client, recipient: HubMember) -> None:
    _refused(client.get(RECEIVED))


def test_a_token_signed_by_another_key_is_refused(
    client, recipient: HubMember, other: HubMember
) -> None:
    # given a token naming the recipient but signed with another member's key
    forged = member_token(code=recipient.code, private_key_pem=other.keys.private_key.read_bytes())
    # when / then
    detail = _refused(client.get(RECEIVED, HTTP_AUTHORIZATION=f"Bearer {forged}"))
    assert "chữ ký" in detail


def test_an_expired_token_is_refused(client, recipient: HubMember) -> None:
    # given a token that expired ten minutes ago
    now = int(datetime.now(tz=UTC).timestamp())
    key = serialization.load_pem_private_key(recipient.keys.private_key.read_bytes(), password=None)
    token = jwt.encode(
        {"iss": recipient.code, "iat": now - 700, "exp": now - 600, "jti": "old"},
        key,  # type: ignore[arg-type]
        algorithm="RS256",
    )
    # when / then
    assert "hết hạn" in _refused(client.get(RECEIVED, HTTP_AUTHORIZATION=f"Bearer {token}"))


def test_a_token_living_longer_than_five_minutes_is_refused(client, recipient: HubMember) -> None:
    _refused(client.get(RECEIVED, **recipient.auth(lifetime_seconds=3600)))


def test_a_replayed_token_is_refused(client, recipient: HubMember) -> None:
    # given a token already used once
    headers = recipient.auth()
    assert client.get(RECEIVED, **headers).status_code == 200
    # when it is sent again / then
    assert "jti" in _refused(client.get(RECEIVED, **headers))


def test_the_same_jti_from_two_members_is_two_tokens(
    client, recipient: HubMember, other: HubMember
) -> None:
    assert client.get(RECEIVED, **recipient.auth(jti="shared")).status_code == 200
    assert client.get(RECEIVED, **other.auth(jti="shared")).status_code == 200


def test_an_unknown_member_is_refused(client, key_files) -> None:
    # given keys of an organisation never registered with the hub
    keys = next(iter(key_files.values()))
    token = member_token(code="000.00.99.H34", private_key_pem=keys.private_key.read_bytes())
    # when / then
    assert "thành viên" in _refused(client.get(RECEIVED, HTTP_AUTHORIZATION=f"Bearer {token}"))


def test_a_deactivated_member_is_refused(client, recipient: HubMember) -> None:
    recipient.member.is_active = False
    recipient.member.save(update_fields=["is_active"])
    _refused(client.get(RECEIVED, **recipient.auth()))


@pytest.mark.parametrize("header", ["Bearer", "Basic abc", "Bearer not-a-jwt"])
def test_garbage_authorization_is_refused(client, recipient: HubMember, header: str) -> None:
    _refused(client.get(RECEIVED, HTTP_AUTHORIZATION=header))
