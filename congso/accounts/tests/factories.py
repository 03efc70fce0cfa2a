from __future__ import annotations

import factory

from congso.accounts.constants import Role, UserKind
from congso.accounts.models import User, UserRole
from congso.organizations.tests.factories import AgencyFactory


class StaffUserFactory(factory.django.DjangoModelFactory):
    """A staff member of an agency; pass roles=[Role.CLERK, ...] to grant roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Cán Bộ {n}")
    kind = UserKind.STAFF
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("MatKhau@2020")

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create or not extracted:
            return
        for role in extracted:
            UserRole.objects.get_or_create(user=obj, role=role)


class CitizenUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"0620{n:08d}")
    citizen_id_number = factory.SelfAttribute("username")
    full_name = factory.Sequence(lambda n: f"Trần Thị Công Dân {n}")
    kind = UserKind.CITIZEN
    agency = None
    password = factory.django.Password("MatKhau@2020")


__all__ = ["CitizenUserFactory", "Role", "StaffUserFactory"]
