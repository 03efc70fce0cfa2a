"""The audit log API: staff and administrators only, filtered, cursor-paginated."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from congso.audit.services import audit_record
from congso.core.identity import Role

pytestmark = pytest.mark.django_db

URL = reverse("audit-api:entries")


@pytest.fixture
def administrator(django_user_model):
    user = django_user_model.objects.create_user(username="quantri_ht", password="MatKhau@2020")
    apps.get_model("accounts", "UserRole").objects.create(user=user, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def django_staff(django_user_model):
    return django_user_model.objects.create_user(
        username="nhanvien_django", password="MatKhau@2020", is_staff=True
    )


def test_anonymous_callers_are_refused(client, chain):
    response = client.get(URL)
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")


def test_ordinary_users_are_refused(client, user, chain):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("reader", ["administrator", "django_staff"])
def test_administrators_and_staff_read_newest_first(client, chain, reader, request):
    # given
    client.force_login(request.getfixturevalue(reader))
    # when
    response = client.get(URL)
    # then
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["sequence"] for r in results] == [5, 4, 3, 2, 1]
    assert results[0]["action"] == "user.locked"
    assert results[0]["prev_hash"] == results[1]["entry_hash"]
    assert results[-1]["data"] == {"rows": 3}


@pytest.mark.parametrize(
    ("params", "sequences"),
    [
        ({"action": "user.updated"}, [3]),
        ({"target_type": "accounts.user"}, [5, 4, 3, 2]),
        ({"target_type": "accounts.user", "action": "user.login"}, [4]),
        ({"target_id": "nothing"}, []),
    ],
)
def test_entries_filter_by_target_and_action(client, administrator, chain, params, sequences):
    client.force_login(administrator)
    response = client.get(URL, params)
    assert [r["sequence"] for r in response.json()["results"]] == sequences


def test_entries_filter_by_target_id(client, administrator, chain, user):
    client.force_login(administrator)
    response = client.get(URL, {"target_type": "accounts.user", "target_id": str(user.pk)})
    assert [r["sequence"] for r in response.json()["results"]] == [5, 4, 3, 2]


def test_a_long_filter_is_bad_input(client, administrator):
    client.force_login(administrator)
    response = client.get(URL, {"action": "x" * 101})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_failed"


def test_pages_follow_a_cursor_in_bounded_queries(
    client, administrator, django_assert_max_num_queries
):
    # given
    for n in range(20):
        audit_record(actor=None, action="demo.loaded", data={"n": n})
    client.force_login(administrator)
    # when
    with django_assert_max_num_queries(6):
        first = client.get(URL, {"page_size": 15}).json()
    second = client.get(first["next"]).json()
    # then
    assert [r["sequence"] for r in first["results"]] == list(range(20, 5, -1))
    assert [r["sequence"] for r in second["results"]] == [5, 4, 3, 2, 1]
    assert second["next"] is None
