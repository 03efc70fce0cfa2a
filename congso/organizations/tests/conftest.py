"""Users for the directory tests.

`congso.accounts` sits above this app (ADR 0010), so the tests build users through Django's user
model rather than importing the accounts factories.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from congso.core.identity import Role
from congso.organizations.demo import kontum_demo_load
from congso.organizations.models import Agency
from congso.organizations.tests.factories import AgencyFactory

_numbers = itertools.count(1)


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    def make(
        *, kind: str = "staff", roles: Iterable[str] = (), agency: Agency | None = None
    ) -> Any:
        n = next(_numbers)
        extra: dict[str, Any] = {}
        if kind == "staff":
            extra["agency"] = agency or AgencyFactory()
        elif kind == "citizen":
            extra["citizen_id_number"] = f"0620{n:08d}"
        user = get_user_model().objects.create_user(
            username=f"org-user-{n}", password="MatKhau@2020", kind=kind, **extra
        )
        user_role = apps.get_model("accounts", "UserRole")
        for role in roles:
            user_role.objects.create(user=user, role=role)
        return user

    return make


@pytest.fixture
def staff_user(make_user: Callable[..., Any]) -> Any:
    return make_user(roles=[Role.CLERK])


@pytest.fixture
def directory_admin(make_user: Callable[..., Any]) -> Any:
    return make_user(roles=[Role.ADMINISTRATOR])


@pytest.fixture
def citizen_user(make_user: Callable[..., Any]) -> Any:
    return make_user(kind="citizen")


@pytest.fixture
def client_for() -> Callable[[Any], APIClient]:
    def build(user: Any) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return build


@pytest.fixture
def kontum(db: Any) -> dict[str, int]:
    """The Kon Tum demo directory, loaded once for the test."""
    return kontum_demo_load()


@pytest.fixture
def province(kontum: dict[str, int]) -> Agency:
    return Agency.objects.get(code_qcvn102="000.00.00.H34")
