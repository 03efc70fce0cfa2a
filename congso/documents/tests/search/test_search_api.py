"""GET /api/v1/documents/search/: contract, facets, cursor, access, query count."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.core.identity import Role

pytestmark = pytest.mark.django_db
URL = "/api/v1/documents/search/"


@pytest.fixture
def api(clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    return client


def test_search_returns_hits_facets_and_a_capped_total(api, make_incoming):
    # given
    document = make_incoming(subject="Công văn về việc cấp phép tần số", organ_name="Sở Y tế")
    make_incoming(subject="Không liên quan")
    # when
    response = api.get(URL, {"q": "cap phep tan so"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert [hit["document_id"] for hit in body["results"]] == [document.pk]
    hit = body["results"][0]
    assert hit["direction"] == "incoming"
    assert hit["match"] == "head"
    assert [s["text"] for s in hit["subject_segments"] if s["is_match"]] == [
        "cấp",
        "phép",
        "tần",
        "số",
    ]
    assert body["facets"]["issuer"] == [{"value": "Sở Y tế", "label": "Sở Y tế", "count": 1}]
    assert body["total"] == {"count": 1, "capped": False, "label": "1"}
    assert body["next"] is None


def test_repeated_filters_and_the_next_link_page_through(api, make_incoming):
    # given
    for _ in range(3):
        make_incoming(subject="Giấy mời họp")
    # when
    first = api.get(URL, {"q": "giay moi", "direction": ["incoming", "outgoing"], "page_size": 2})
    second = api.get(first.json()["next"])
    # then
    assert len(first.json()["results"]) == 2
    assert len(second.json()["results"]) == 1
    assert second.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "năm"}, "year"),
        ({"page_size": 500}, "page_size"),
        ({"direction": "x"}, "direction"),
    ],
)
def test_bad_parameters_get_a_clear_error(api, params, field):
    # when
    response = api.get(URL, params)
    # then
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_broken_cursor_is_a_400_not_a_500(api):
    response = api.get(URL, {"q": "abc", "cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_a_secret_document_is_not_found_by_a_clerk_without_grant(api, make_incoming):
    # given
    make_incoming(subject="Văn bản mật về quốc phòng", secret=True)
    # when
    body = api.get(URL, {"q": "quoc phong"}).json()
    # then
    assert body["results"] == []
    assert body["total"]["count"] == 0
    assert body["facets"]["direction"] == []


@pytest.mark.parametrize("who", ["anonymous", "citizen"])
def test_only_staff_may_search(who):
    # given
    client = APIClient()
    if who == "citizen":
        client.force_authenticate(CitizenUserFactory.create())
    # when
    response = client.get(URL, {"q": "a"})
    # then
    assert response.status_code in (401, 403)


@pytest.mark.parametrize("reader", ["clerk", "specialist"])
def test_the_list_runs_a_bounded_number_of_queries(
    agency, clerk, make_incoming, django_assert_max_num_queries, reader
):
    # given: twenty documents, the specialist assigned to all of them
    specialist = StaffUserFactory.create(agency=agency, roles=[Role.SPECIALIST])
    for number in range(20):
        document = make_incoming(subject=f"Công văn số {number}")
        document.assignments.create(role="lead", assignee=specialist, assigned_by=clerk)
    client = APIClient()
    client.force_authenticate(clerk if reader == "clerk" else specialist)
    # when / then
    with django_assert_max_num_queries(20):
        response = client.get(URL, {"q": "cong van"})
    assert len(response.json()["results"]) == 20
