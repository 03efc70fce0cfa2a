"""Factories of the dossiers app (other apps import these).

`DossierFactory()` gives a submitted online dossier of a `ProcedureFactory` procedure, received at
that procedure's first receiving agency, with a code and the lookup secret `LOOKUP_SECRET`.
`ReceivedDossierFactory()` is one already received (due date set, no steps: use the services to
move it on). Factories write rows directly: tests of behaviour go through the services.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.dossiers.constants import (
    Channel,
    DossierStatus,
    EventKind,
    QueueTicketStatus,
    RatingLevel,
)
from congso.dossiers.lookup import lookup_secret_hash
from congso.dossiers.models import (
    Dossier,
    DossierComponentFile,
    DossierEvent,
    DossierStep,
    QueueTicket,
    Rating,
    ServiceCounter,
)
from congso.organizations.tests.factories import AgencyFactory
from congso.procedures.tests.factories import ProcedureFactory

LOOKUP_SECRET = "ABCD2345"
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _first_receiving_agency(procedure: Any) -> Any:
    agency = procedure.receiving_agencies.order_by("pk").first()
    return agency if agency is not None else AgencyFactory()


class DraftDossierFactory(factory.django.DjangoModelFactory[Dossier]):
    class Meta:
        model = Dossier

    procedure = factory.SubFactory(ProcedureFactory)
    receiving_agency = factory.LazyAttribute(lambda o: _first_receiving_agency(o.procedure))
    handling_agency = factory.SelfAttribute("receiving_agency")
    channel = Channel.ONLINE
    applicant = factory.SubFactory(CitizenUserFactory)
    applicant_name = factory.LazyAttribute(
        lambda o: o.applicant.full_name if o.applicant else "Nguyễn Văn Nộp"
    )
    applicant_id_number = factory.LazyAttribute(
        lambda o: (o.applicant.citizen_id_number or "") if o.applicant else "062000000001"
    )
    applicant_address = "Phường Quyết Thắng, thành phố Kon Tum"
    applicant_phone = "0905123456"
    applicant_email = "congdan@example.vn"
    summary = factory.LazyAttribute(lambda o: o.procedure.name)
    form_data = factory.LazyFunction(lambda: {"ho_ten": "Nguyễn Văn Bé"})
    status = DossierStatus.DRAFT


class DossierFactory(DraftDossierFactory):
    """Submitted (Mới đăng ký), with code `{agency}-{yymmdd}-{seq}` and `LOOKUP_SECRET`."""

    status = DossierStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    code = factory.Sequence(lambda n: f"000.00.99.H34-200117-{n % 10000:04d}")
    lookup_secret_hash = factory.LazyFunction(lambda: lookup_secret_hash(LOOKUP_SECRET))


class ReceivedDossierFactory(DossierFactory):
    status = DossierStatus.RECEIVED
    received_at = factory.LazyFunction(timezone.now)
    processing_days = factory.LazyAttribute(lambda o: o.procedure.processing_days)
    legal_due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(days=5))
    due_at = factory.SelfAttribute("legal_due_at")
    receipt_number = factory.Sequence(lambda n: f"{n + 1}/2020")
    register_book = "2020"
    register_seq = factory.Sequence(lambda n: n + 1)


class DossierStepFactory(factory.django.DjangoModelFactory[DossierStep]):
    class Meta:
        model = DossierStep

    dossier = factory.SubFactory(ReceivedDossierFactory)
    order = 1
    name = "Thẩm định hồ sơ"
    agency = factory.SelfAttribute("dossier.handling_agency")
    assignee = factory.SubFactory(StaffUserFactory, agency=factory.SelfAttribute("..agency"))
    days = Decimal("1.0")
    received_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyAttribute(lambda o: o.received_at + timedelta(days=1))


class DossierEventFactory(factory.django.DjangoModelFactory[DossierEvent]):
    class Meta:
        model = DossierEvent

    dossier = factory.SubFactory(DossierFactory)
    kind = EventKind.SUBMITTED
    at = factory.LazyFunction(timezone.now)
    status = factory.SelfAttribute("dossier.status")
    portal_status = 1


class DossierComponentFileFactory(factory.django.DjangoModelFactory[DossierComponentFile]):
    class Meta:
        model = DossierComponentFile

    dossier = factory.SubFactory(DossierFactory)
    component_code = "TP1"
    name = "to-khai.pdf"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    file = factory.LazyAttribute(lambda o: ContentFile(MINIMAL_PDF, name="to-khai.pdf"))
    size = len(MINIMAL_PDF)
    content_type = "application/pdf"


class RatingFactory(factory.django.DjangoModelFactory[Rating]):
    class Meta:
        model = Rating

    dossier = factory.SubFactory(DossierFactory, status=DossierStatus.RETURNED)
    level = RatingLevel.SATISFIED
    comment = ""


class ServiceCounterFactory(factory.django.DjangoModelFactory[ServiceCounter]):
    class Meta:
        model = ServiceCounter

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"Q{n + 1:02d}")
    name = factory.Sequence(lambda n: f"Quầy số {n + 1}")


class QueueTicketFactory(factory.django.DjangoModelFactory[QueueTicket]):
    class Meta:
        model = QueueTicket

    counter = factory.SubFactory(ServiceCounterFactory)
    day = factory.LazyFunction(timezone.localdate)
    number = factory.Sequence(lambda n: n + 1)
    taken_at = factory.LazyFunction(timezone.now)
    status = QueueTicketStatus.WAITING


__all__ = [
    "LOOKUP_SECRET",
    "MINIMAL_PDF",
    "DossierComponentFileFactory",
    "DossierEventFactory",
    "DossierFactory",
    "DossierStepFactory",
    "DraftDossierFactory",
    "QueueTicketFactory",
    "RatingFactory",
    "ReceivedDossierFactory",
    "ServiceCounterFactory",
]
