"""Everything under the hub's API answers in its JSON format (`{"code", "detail", "error"}`):
unknown paths, ids that are not canonical UUIDs, and whatever the client puts in Accept."""

from __future__ import annotations

import uuid

import pytest

from congso.hub.models import UsedToken
from congso.hub.tests.conftest import API, HubMember
from congso.hub.tests.test_messages import send, signed

pytestmark = pytest.mark.django_db

AN_ID = "9f1c2b4e-8a0d-4c3b-9e57-2f6a1d0c7b18"


def _not_found(response) -> None:
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "hub_not_found"
    assert body["error"]["code"] == "hub_not_found"
    assert body["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "messages/not-a-uuid/"),
        ("get", f"messages/{AN_ID.upper()}/"),
        ("get", f"statuses/{AN_ID.replace('-', '')}/"),
        ("post", "messages/not-a-uuid/ack/"),
        ("post", f"statuses/{AN_ID.upper()}/ack/"),
        ("get", "no-such-verb/"),
        ("delete", "messages/received/extra/"),
    ],
)
def test_a_path_naming_nothing_is_the_hubs_json_not_found(
    client, recipient: HubMember, method: str, path: str
) -> None:
    # when
    response = getattr(client, method)(API + path, **recipient.auth())
    # then: JSON, and no token used up on it
    _not_found(response)
    assert not UsedToken.objects.exists()


def test_a_canonical_id_of_nothing_is_still_not_found(client, recipient: HubMember) -> None:
    _not_found(client.get(f"{API}messages/{uuid.uuid4()}/", **recipient.auth()))


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/png;q=1, */*;q=0.1"])
def test_any_accept_gets_json(client, recipient: HubMember, accept: str) -> None:
    # when
    response = client.get(API + "messages/received/", HTTP_ACCEPT=accept, **recipient.auth())
    # then JSON, not the browsable page nor 406
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"results": []}


def test_errors_are_json_whatever_the_accept(client, recipient: HubMember) -> None:
    # when a request without a token asks for HTML
    response = client.get(API + "statuses/received/", HTTP_ACCEPT="text/html")
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "hub_unauthenticated"


def test_health_is_json_whatever_the_accept(client) -> None:
    response = client.get(API + "health/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"ok": True}


def test_a_multipart_accept_with_parameters_is_not_refused(
    client, sender: HubMember, recipient: HubMember
) -> None:
    # given a package waiting
    message_id = send(client, sender, signed(sender, [recipient])).json()["id"]
    # when the client asks for multipart/mixed with a parameter the hub does not produce
    response = client.get(
        API + "messages/received/?inline=1",
        HTTP_ACCEPT='multipart/mixed; boundary="x"',
        **recipient.auth(),
    )
    # then it gets the JSON listing (as an older hub answers), not a 406
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert [item["id"] for item in response.json()["results"]] == [message_id]
