"""Every integer the API accepts as input is bounded, so a huge number is a 400 naming the
field, never a database error (500)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers


def _all_serializers() -> Iterator[type[serializers.Serializer[Any]]]:
    get_resolver().url_patterns  # imports every app's API modules  # noqa: B018
    seen: set[type[Any]] = set()
    todo: list[type[Any]] = [serializers.Serializer]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
                if sub.__module__.startswith("congso."):
                    yield sub


INPUT = re.compile(r"(Input|Filter|Query|Create|Update)Serializer$")


def _unbounded_inputs(cls: type[serializers.Serializer[Any]]) -> Iterator[str]:
    """Writable integer fields without max_value of a serializer named as an input one (the
    project names input serializers …Input/Filter/Query/Create/UpdateSerializer)."""
    if not INPUT.search(cls.__name__):
        return
    for name, field in cls._declared_fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.ListField):
            field = field.child
        if isinstance(field, serializers.IntegerField) and field.max_value is None:
            yield f"{cls.__module__}.{cls.__qualname__}.{name}"


def test_every_integer_input_of_the_api_has_an_upper_bound() -> None:
    # given every serializer of the project's APIs
    # when their writable integer fields are read
    unbounded = [name for cls in _all_serializers() for name in _unbounded_inputs(cls)]
    # then each has a max_value (ids: congso.core.api.fields.IdField)
    assert unbounded == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/procedures/?agency=9223372036854775808",
        "/api/v1/dossiers/queue/state/?agency=9223372036854775808",
    ],
)
def test_a_huge_id_in_a_public_filter_is_a_400_naming_the_field(client: Any, url: str) -> None:
    # given a filter id beyond what the database holds
    # when anyone asks
    response = client.get(url)
    # then the answer is a 400 in the API's format, naming the field
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert list(error["fields"]) == ["agency"]


@pytest.mark.django_db
def test_a_json_body_nested_too_deeply_is_a_malformed_request(client: Any) -> None:
    # given a 10 KB body of 5,000 nested arrays (Python's parser would exhaust its stack)
    body = "[" * 5000 + "]" * 5000
    # when it is sent to an endpoint open to anyone
    response = client.post(
        "/api/v1/accounts/citizens/register/", body, content_type="application/json"
    )
    # then it is refused as malformed, in the API's format
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


@pytest.mark.django_db
def test_a_cursor_the_api_did_not_write_is_a_400_naming_it(client: Any) -> None:
    # given a signed-in user
    client.force_login(get_user_model().objects.create(username="nguoidung"))
    # when a list is asked for with a made-up cursor
    response = client.get("/api/v1/organizations/agencies/", {"cursor": "abc"})
    # then the answer says the cursor is wrong (not that the page is missing)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_cursor"
    assert list(error["fields"]) == ["cursor"]


@pytest.mark.django_db
def test_an_unknown_api_address_answers_in_the_api_format(client: Any) -> None:
    # when an address under /api/ names nothing
    response = client.get("/api/v1/documents/outgoing/null,null/")
    # then the 404 is JSON in the API's format
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_body_over_the_limit_answers_413_in_the_api_format(client: Any, settings: Any) -> None:
    # given a body larger than Django accepts in memory
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"number": "' + "1" * 2000 + '"}'
    # when it is posted to an API endpoint open to anyone
    response = client.post(
        "/api/v1/accounts/citizens/register/", body, content_type="application/json"
    )
    # then it is refused as too large, in the API's format
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


@pytest.mark.django_db
def test_too_many_form_fields_answer_in_the_api_format(client: Any, settings: Any) -> None:
    # given a form with more fields than Django accepts
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    # when it is posted to an API endpoint open to anyone
    response = client.post("/api/v1/accounts/citizens/register/", {f"f{i}": "x" for i in range(20)})
    # then it is refused in the API's format
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_fields"


@pytest.mark.django_db
def test_an_unknown_site_address_still_gets_the_sites_page(client: Any) -> None:
    # when an address outside /api/ names nothing
    response = client.get("/khong-co-trang-nay/")
    # then the site's own 404 page answers
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_every_operation_of_the_schema_documents_the_error_body() -> None:
    # given the API schema as served
    schema = SchemaGenerator().get_schema(request=None, public=True)
    # when each operation's responses are read
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if operation["responses"].get("default", {}).get("content", {}).get("application/json")
        != {"schema": {"$ref": "#/components/schemas/ApiError"}}
    ]
    # then every one says how it fails, in the API's error shape
    assert missing == []
    assert "ApiError" in schema["components"]["schemas"]


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["0", "-3", "abc", "1.5"])
def test_a_page_size_that_is_not_a_positive_integer_is_a_400(client: Any, size: str) -> None:
    # given a signed-in user
    client.force_login(get_user_model().objects.create(username="nguoidung"))
    # when a list is asked for with that page size
    response = client.get("/api/v1/organizations/agencies/", {"page_size": size})
    # then the answer names the parameter
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page_size"]


@pytest.mark.django_db
def test_a_page_size_over_the_maximum_is_capped(client: Any) -> None:
    # given a signed-in user
    client.force_login(get_user_model().objects.create(username="nguoidung"))
    # when a list is asked for with a huge page size
    response = client.get("/api/v1/organizations/agencies/", {"page_size": "999999999999"})
    # then the list is served
    assert response.status_code == 200
