from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from congso.core.errors import NotFound
from congso.organizations.access import (
    access_agency_by_id,
    can_manage_directory,
    can_read_directory,
)
from congso.organizations.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_staff_member_reads_any_agency(staff_user: Any) -> None:
    other = AgencyFactory.create()
    assert access_agency_by_id(user=staff_user, agency_id=other.pk) == other


def test_missing_agency_is_not_found(staff_user: Any) -> None:
    with pytest.raises(NotFound) as caught:
        access_agency_by_id(user=staff_user, agency_id=999999)
    assert caught.value.code == "unknown_agency"


@pytest.mark.parametrize("who", ["citizen", "anonymous"])
def test_non_staff_get_the_same_not_found(citizen_user: Any, who: str) -> None:
    user = citizen_user if who == "citizen" else AnonymousUser()
    agency = AgencyFactory.create()
    with pytest.raises(NotFound) as caught:
        access_agency_by_id(user=user, agency_id=agency.pk)
    assert caught.value.code == "unknown_agency"


def test_only_administrators_manage_the_directory(
    staff_user: Any, directory_admin: Any, citizen_user: Any, make_user: Any
) -> None:
    assert can_read_directory(staff_user)
    assert not can_manage_directory(staff_user)
    assert can_manage_directory(directory_admin)
    assert not can_read_directory(citizen_user)
    assert not can_manage_directory(make_user(kind="citizen", roles=["administrator"]))
    assert not can_read_directory(None)
