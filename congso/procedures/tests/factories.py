"""Factories for the procedure catalogue (other apps import these).

`ProcedureFactory()` gives a published commune-level procedure (Hộ tịch) received by one UBND xã,
with two components (TP1 required, TP2 optional) and two internal steps (one-stop officer, leader).
Pass `components=0` / `steps=0` to skip them, `receiving_agencies=[...]` to choose the desks.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from congso.catalogues.models import ProcedureField
from congso.core.identity import Role
from congso.organizations.constants import AgencyKind
from congso.organizations.tests.factories import AgencyFactory
from congso.procedures.constants import ProcedureLevel
from congso.procedures.models import Procedure, ProcedureComponent, ProcessStep
from congso.procedures.text import search_text_for


def procedure_field(code: str = "LV-HOTICH") -> ProcedureField:
    """A field seeded by the catalogues data migration."""
    return ProcedureField.objects.get(code=code)


class CommuneCommitteeFactory(AgencyFactory):
    name = factory.Sequence(lambda n: f"UBND xã Thử Nghiệm {n}")
    abbreviation = "UBND"  # type: ignore[assignment]
    kind = AgencyKind.COMMUNE_COMMITTEE


class ProcedureFactory(factory.django.DjangoModelFactory[Procedure]):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    national_code = factory.Sequence(lambda n: f"9.{900000 + n:06d}")
    code = factory.LazyAttribute(lambda o: f"{o.national_code}.000.00.00.H34")
    is_demo_code = True
    name = factory.Sequence(lambda n: f"Đăng ký khai sinh thử nghiệm {n}")
    field = factory.LazyFunction(procedure_field)
    level = ProcedureLevel.COMMUNE
    online_level = 3
    processing_days = Decimal("3.0")
    fee_text = "Miễn lệ phí"
    fee_amount = 0
    implementing_agency_name = "Ủy ban nhân dân cấp xã"
    result_name = "Giấy khai sinh"
    legal_basis = "Luật Hộ tịch năm 2014"
    applicant_types = factory.LazyFunction(lambda: ["citizen"])
    is_inter_agency = False
    is_published = True
    form_schema = factory.LazyFunction(
        lambda: {
            "type": "object",
            "required": ["ho_ten"],
            "properties": {"ho_ten": {"type": "string", "title": "Họ và tên", "maxLength": 100}},
        }
    )
    search_text = factory.LazyAttribute(lambda o: search_text_for(o.name, o.code))

    @factory.post_generation
    def receiving_agencies(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        agencies = extracted if extracted is not None else [CommuneCommitteeFactory()]
        self.receiving_agencies.set(agencies)

    @factory.post_generation
    def components(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        count = 2 if extracted is None else int(extracted)
        for i in range(count):
            ProcedureComponentFactory(
                procedure=self, order=i + 1, code=f"TP{i + 1}", is_required=(i == 0)
            )

    @factory.post_generation
    def steps(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        count = 2 if extracted is None else int(extracted)
        roles = [Role.ONE_STOP_OFFICER, Role.LEADER, Role.SPECIALIST]
        for i in range(count):
            ProcessStepFactory(procedure=self, order=i + 1, role=roles[i % len(roles)])


class ProcedureComponentFactory(factory.django.DjangoModelFactory[ProcedureComponent]):
    class Meta:
        model = ProcedureComponent

    procedure = factory.SubFactory(ProcedureFactory, components=0, steps=0)
    order = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"TP{n + 1}")
    name = factory.Sequence(lambda n: f"Tờ khai đăng ký ({n})")
    originals = 1
    copies = 0
    is_required = True


class ProcessStepFactory(factory.django.DjangoModelFactory[ProcessStep]):
    class Meta:
        model = ProcessStep

    procedure = factory.SubFactory(ProcedureFactory, components=0, steps=0)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Tiếp nhận, kiểm tra hồ sơ ({n})")
    agency = None
    days = Decimal("1.0")
    role = Role.SPECIALIST
