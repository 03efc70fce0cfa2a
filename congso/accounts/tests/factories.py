from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from congso.accounts.constants import Role, UserKind
from congso.accounts.models import Delegation, User, UserRole
from congso.organizations.tests.factories import AgencyFactory


@lru_cache(maxsize=32)
def hashed_password(raw: str) -> str:
    """Argon2 on purpose is slow; one hash per distinct test password keeps the suite fast."""
    return make_password(raw)


class StaffUserFactory(factory.django.DjangoModelFactory[User]):
    """A staff member of an agency; pass roles=[Role.CLERK, ...] to grant roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Cán Bộ {n}")
    kind = UserKind.STAFF
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("MatKhau@2020", transform=hashed_password)

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create or not extracted:
            return
        for role in extracted:
            UserRole.objects.get_or_create(user=obj, role=role)


class CitizenUserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"0620{n:08d}")
    citizen_id_number = factory.SelfAttribute("username")
    full_name = factory.Sequence(lambda n: f"Trần Thị Công Dân {n}")
    kind = UserKind.CITIZEN
    agency = None
    password = factory.django.Password("MatKhau@2020", transform=hashed_password)


class BusinessUserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"61{n:08d}")
    tax_code = factory.SelfAttribute("username")
    full_name = factory.Sequence(lambda n: f"Công ty Thử Nghiệm {n}")
    kind = UserKind.BUSINESS
    agency = None
    password = factory.django.Password("MatKhau@2020", transform=hashed_password)


class DelegationFactory(factory.django.DjangoModelFactory[Delegation]):
    """A delegation between two staff of one agency (bypasses the service: set up tests only)."""

    class Meta:
        model = Delegation

    delegator = factory.SubFactory(StaffUserFactory)
    delegate = factory.SubFactory(
        StaffUserFactory, agency=factory.SelfAttribute("..delegator.agency")
    )
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=7))
    scope = "Ký văn bản thay trong thời gian đi công tác"


__all__ = [
    "BusinessUserFactory",
    "CitizenUserFactory",
    "DelegationFactory",
    "Role",
    "StaffUserFactory",
]
