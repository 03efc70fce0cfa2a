"""The factories other apps build on make valid rows."""

from __future__ import annotations

import pytest

from congso.dossiers.constants import DossierStatus
from congso.dossiers.lookup import lookup_secret_matches
from congso.dossiers.models import PortalStatusMapping
from congso.dossiers.tests.factories import (
    LOOKUP_SECRET,
    DossierComponentFileFactory,
    DossierFactory,
    DossierStepFactory,
    QueueTicketFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db


def test_submitted_dossier_has_code_and_known_secret() -> None:
    # given / when
    dossier = DossierFactory.create()
    # then
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.code
    assert dossier.receiving_agency == dossier.handling_agency
    assert dossier.receiving_agency in dossier.procedure.receiving_agencies.all()
    assert lookup_secret_matches(LOOKUP_SECRET, dossier.lookup_secret_hash)
    assert not lookup_secret_matches("WRONG234", dossier.lookup_secret_hash)


def test_related_factories_attach_to_a_dossier() -> None:
    # given / when
    step = DossierStepFactory.create()
    stored = DossierComponentFileFactory.create(dossier=step.dossier)
    rating = RatingFactory.create()
    ticket = QueueTicketFactory.create()
    # then
    assert step.assignee is not None
    assert step.assignee.agency == step.agency == step.dossier.handling_agency
    assert stored.file.read().startswith(b"%PDF-")
    assert rating.dossier.status == DossierStatus.RETURNED
    assert ticket.number >= 1


def test_portal_mapping_is_loaded_by_migration() -> None:
    # given / when
    codes = dict(PortalStatusMapping.objects.values_list("status", "portal_code"))
    # then
    assert codes[DossierStatus.SUBMITTED] == 1
    assert codes[DossierStatus.RETURNED] == 10
    assert len(codes) == 10


def test_portal_mapping_is_editable_through_its_service() -> None:
    # given
    from congso.accounts.tests.factories import StaffUserFactory
    from congso.audit.models import AuditEntry
    from congso.dossiers.services import portal_status_mapping_set

    admin_user = StaffUserFactory.create()
    # when
    row = portal_status_mapping_set(actor=admin_user, status=DossierStatus.DONE, portal_code=10)
    # then
    assert PortalStatusMapping.objects.get(status=DossierStatus.DONE).portal_code == 10
    assert AuditEntry.objects.filter(action="dossiers.portal_mapping_set").count() == 1
    assert row.portal_code == 10
