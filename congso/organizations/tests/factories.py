from __future__ import annotations

import factory

from congso.organizations.constants import AdministrativeLevel, AdministrativeUnitKind, AgencyKind
from congso.organizations.models import AdministrativeUnit, Agency, Position


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("gso_code",)

    gso_code = factory.Sequence(lambda n: f"{30000 + n}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = AdministrativeUnitKind.COMMUNE
    level = AdministrativeLevel.COMMUNE


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    abbreviation = factory.Sequence(lambda n: f"STN{n}")
    kind = AgencyKind.PROVINCIAL_BODY
    code_qcvn102 = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.H{(n // 100) % 100:02d}")
    code_qd20 = factory.Sequence(lambda n: f"H{(n // 100) % 100:02d}.{n % 100:02d}")
    is_demo_code = True
    place_name = "Kon Tum"


class InternalUnitFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"Phòng Thử Nghiệm {n}")
    abbreviation = factory.Sequence(lambda n: f"P{n}")
    kind = AgencyKind.INTERNAL_UNIT
    parent = factory.SubFactory(AgencyFactory)
    code_qcvn102 = None  # type: ignore[assignment]
    code_qd20 = None  # type: ignore[assignment]


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position
        django_get_or_create = ("name",)

    name = "Chuyên viên"
    is_leadership = False
    rank = 90
