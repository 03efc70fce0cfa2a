"""Every API call carries a member JWT: signed by the member's key, short-lived, used once."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from congso.hub.errors import HubUnauthenticated
from congso.hub.keys import member_token
from congso.hub.models import Member, UsedToken
from congso.hub.services import tokens
from congso.hub.services.members import member_add
from congso.hub.services.tokens import token_authenticate
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


def _unsigned(claims: bytes) -> str:
    """A token with these raw JSON claims and no signature at all."""
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=")
    payload = base64.urlsafe_b64encode(claims).rstrip(b"=")
    return (header + b"." + payload + b".").decode("ascii")


@pytest.mark.parametrize(
    "claims",
    [
        b'{"iss":"\\ud800"}',  # a lone surrogate: not text any database can compare
        b'{"iss":"000.00.00.H34\\u0000"}',  # NUL: PostgreSQL refuses it in text
        b'{"iss":"' + b"0" * 100_000 + b'"}',  # longer than any member code
    ],
)
def test_an_issuer_that_no_member_code_can_be_is_refused_unsigned(
    client, recipient: HubMember, claims: bytes
) -> None:
    # when / then
    detail = _refused(client.get(RECEIVED, HTTP_AUTHORIZATION=f"Bearer {_unsigned(claims)}"))
    assert "thành viên" in detail
    assert not UsedToken.objects.exists()


@pytest.mark.parametrize("jti", ["\ud800", "a\x00b", "x" * 256])
def test_a_jti_that_cannot_be_stored_is_refused(client, recipient: HubMember, jti: str) -> None:
    # given a token signed by the member whose jti is no storable text
    token = recipient.token(jti=jti)
    # when / then
    assert "jti" in _refused(client.get(RECEIVED, HTTP_AUTHORIZATION=f"Bearer {token}"))
    assert not UsedToken.objects.exists()


def test_a_jti_that_cannot_be_stored_is_refused_for_a_known_member(recipient: HubMember) -> None:
    # given a member whose record a first request brought into memory
    token_authenticate(token=recipient.token())
    # when / then
    with pytest.raises(HubUnauthenticated, match="jti"):
        token_authenticate(token=recipient.token(jti="\ud800"))
    assert UsedToken.objects.count() == 1


# --- the remembered member record (services/tokens.py): never a way around a change -----------


def test_a_known_member_costs_one_statement_per_request(
    client, recipient: HubMember, django_assert_num_queries
) -> None:
    # given a member whose record a first request brought into memory
    token_authenticate(token=recipient.token())
    # when it authenticates again / then the jti mark is the only statement
    with django_assert_num_queries(1):
        member = token_authenticate(token=recipient.token())
    assert member == recipient.member
    assert UsedToken.objects.filter(member=recipient.member).count() == 2


def test_a_member_deactivated_after_a_request_is_refused_at_once(
    client, recipient: HubMember
) -> None:
    # given a member known from a first request
    assert client.get(RECEIVED, **recipient.auth()).status_code == 200
    # when the operator deactivates it
    recipient.member.is_active = False
    recipient.member.save(update_fields=["is_active"])
    # then its next token is refused, and nothing was marked for it
    assert "thành viên" in _refused(client.get(RECEIVED, **recipient.auth(jti="after")))
    assert not UsedToken.objects.filter(jti="after").exists()


def test_a_rotated_key_takes_effect_at_once(client, recipient: HubMember, other: HubMember) -> None:
    # given a member known from a first request
    assert client.get(RECEIVED, **recipient.auth()).status_code == 200
    # when its key is replaced by a new one (here: the other member's key pair)
    member_add(
        code=recipient.code, name="Sở Nội vụ", public_key_pem=other.keys.public_key.read_text()
    )
    new_key = other.keys.private_key.read_bytes()
    # then tokens signed with the old key are refused and those with the new key let in
    assert "chữ ký" in _refused(client.get(RECEIVED, **recipient.auth()))
    token = member_token(code=recipient.code, private_key_pem=new_key)
    assert client.get(RECEIVED, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200


def test_new_xml_certificates_reach_the_request_at_once(recipient: HubMember) -> None:
    # given a member known from a first request
    token_authenticate(token=recipient.token())
    # when its XML certificates change behind the remembered record
    Member.objects.filter(pk=recipient.member.pk).update(xml_certificates_pem="changed")
    # then the next request's member carries them (the mark refused the stale record)
    assert token_authenticate(token=recipient.token()).xml_certificates_pem == "changed"


def test_a_known_member_replaying_or_expired_is_refused(recipient: HubMember) -> None:
    # given a member known from a first request, whose token is then sent again
    token = recipient.token()
    token_authenticate(token=token)
    with pytest.raises(HubUnauthenticated, match="jti"):
        token_authenticate(token=token)
    # and a token of that member that expired
    now = int(datetime.now(tz=UTC).timestamp())
    key = serialization.load_pem_private_key(recipient.keys.private_key.read_bytes(), password=None)
    expired = jwt.encode(
        {"iss": recipient.code, "iat": now - 700, "exp": now - 600, "jti": "late"},
        key,  # type: ignore[arg-type]
        algorithm="RS256",
    )
    with pytest.raises(HubUnauthenticated, match="hết hạn"):
        token_authenticate(token=expired)


def test_the_remembered_members_are_bounded(
    settings, recipient: HubMember, other: HubMember
) -> None:
    # given room for one member only
    settings.HUB_TOKEN_MEMBER_CACHE_SIZE = 1
    # when two members authenticate, twice each
    for member in (recipient, other, recipient, other):
        assert token_authenticate(token=member.token()) == member.member
    # then one record is kept
    assert len(tokens._members) == 1


def test_a_remembered_member_is_read_again_after_its_time(
    settings, recipient: HubMember, django_assert_num_queries
) -> None:
    # given records kept no time at all
    settings.HUB_TOKEN_MEMBER_CACHE_SECONDS = 0
    token_authenticate(token=recipient.token())
    # when the member comes back / then its record is read again before the mark
    with django_assert_num_queries(2):
        token_authenticate(token=recipient.token())
