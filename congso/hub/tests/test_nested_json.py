"""A JSON body nested too deeply for Python's parser is a refused request, not a 500."""

from __future__ import annotations

import pytest

from congso.hub.tests.conftest import API, HubMember

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("verb", ["messages/ack/", "statuses/ack/"])
def test_a_deeply_nested_ack_list_is_refused_as_a_malformed_batch(
    client, recipient: HubMember, verb: str
) -> None:
    # given a 10 KB body of 5,000 nested arrays
    # when it is sent as the list of ids to acknowledge
    response = client.post(API + verb, DEEP, content_type="application/json", **recipient.auth())
    # then the hub refuses it in its own format
    assert response.status_code == 400
    assert response.json()["code"] == "hub_batch_invalid"
