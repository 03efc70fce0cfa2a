"""The one gate for dossiers: who may see a dossier.

- A citizen or business account sees only the dossiers it applied for (another's is a 404).
- Staff see the dossiers their agency received or handles, or in which their agency has a step,
  once they are submitted: a draft is its applicant's alone (`is_applicant_only`).
- Anyone else sees nothing. The public lookup by code + secret is a selector, not this gate.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from congso.dossiers.constants import DossierStatus
from congso.dossiers.errors import DossierNotFound
from congso.dossiers.models import Dossier, DossierStep

#: Statuses in which a dossier belongs to its applicant alone. An online draft is not yet handed
#: to the receiving agency it names, so no staff member sees, lists, counts or changes it before
#: submission (counter intake creates its dossiers already submitted: the desk never has one).
APPLICANT_ONLY = (DossierStatus.DRAFT,)


def is_applicant_only(dossier: Dossier) -> bool:
    """The rule `dossier_visible_to` applies to staff, for a dossier already loaded."""
    return dossier.status in APPLICANT_ONLY


def dossier_visible_to(user: Any) -> QuerySet[Dossier]:
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    kind = getattr(user, "kind", "")
    if kind in ("citizen", "business"):
        return Dossier.objects.filter(applicant_id=user.pk)
    if kind != "staff" or user.agency_id is None:
        return Dossier.objects.none()
    agency_id = user.agency_id
    with_step = DossierStep.objects.filter(dossier=OuterRef("pk"), agency_id=agency_id)
    return Dossier.objects.exclude(status__in=APPLICANT_ONLY).filter(
        Q(receiving_agency_id=agency_id) | Q(handling_agency_id=agency_id) | Q(Exists(with_step))
    )


def access_dossier_by_id(user: Any, dossier_id: int) -> Dossier:
    dossier = (
        dossier_visible_to(user)
        .select_related("procedure", "receiving_agency", "handling_agency")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise DossierNotFound(dossier_id)
    return dossier
