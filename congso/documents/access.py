"""The one gate for documents: who may see or act on an incoming or outgoing document.

Rules (one condition per line, so each branch has its test):
- Staff only, and only documents of their own agency (another agency's document does not exist
  for them: 404, never 403).
- A secret document (văn bản mật) is visible only to users with an explicit SecretAccessGrant,
  whatever their role.
- Otherwise clerks, leaders and administrators of the agency see all of its documents;
  other staff see the incoming documents assigned to them or to their unit, and the outgoing
  documents they drafted or have a step in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from congso.core.errors import NotFound
from congso.core.identity import Role
from congso.documents.constants import Direction, OutgoingStatus, ReviewStepStatus
from congso.documents.errors import DocumentNotFound
from congso.documents.models import (
    Assignment,
    CaseFile,
    CaseFileItem,
    IncomingDocument,
    IncomingFile,
    OutgoingDocument,
    ReviewStep,
    SearchEntry,
    SecretAccessGrant,
)

AGENCY_WIDE_ROLES = (Role.CLERK, Role.LEADER, Role.ADMINISTRATOR)


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "kind", "") == "staff"


def sees_whole_agency(user: Any) -> bool:
    return any(user.has_role(role) for role in AGENCY_WIDE_ROLES)


def _secret_grant_q(user: Any, field: str) -> Q:
    grants = SecretAccessGrant.objects.filter(**{field: OuterRef("pk")}, user_id=user.pk)
    return Q(Exists(grants))


def incoming_visible_to(user: Any) -> QuerySet[IncomingDocument]:
    """Every incoming document `user` may read (lists, search, exports start here)."""
    if not _is_staff(user) or user.agency_id is None:
        return IncomingDocument.objects.none()
    base = IncomingDocument.objects.filter(agency_id=user.agency_id)
    secret_ok = Q(is_secret=True) & _secret_grant_q(user, "incoming")
    if _sees_all_incoming(user):
        return base.filter(Q(is_secret=False) | secret_ok)
    assigned = Assignment.objects.filter(document=OuterRef("pk")).filter(
        Q(assignee_id=user.pk) | (Q(unit_id=user.unit_id) if user.unit_id else Q(pk__in=[]))
    )
    return base.filter((Q(is_secret=False) & Q(Exists(assigned))) | secret_ok)


def acting_user_ids(user: Any) -> list[int]:
    """`user` and everyone whose authority `user` holds today through a delegation (ủy quyền)."""
    from congso.accounts.selectors import users_acting_for

    return [acting.pk for acting in users_acting_for(user=user, on=timezone.localdate())]


def outgoing_visible_to(user: Any) -> QuerySet[OutgoingDocument]:
    """Every outgoing document `user` may read: agency-wide roles see all (secret ones only with a
    grant); others see what they drafted, sign or review, also for someone who delegated to them."""
    if not _is_staff(user) or user.agency_id is None:
        return OutgoingDocument.objects.none()
    base = OutgoingDocument.objects.filter(agency_id=user.agency_id)
    secret_ok = Q(is_secret=True) & _secret_grant_q(user, "outgoing")
    if _sees_all_outgoing(user):
        return base.filter(Q(is_secret=False) | secret_ok)
    acting = acting_user_ids(user)
    in_circuit = ReviewStep.objects.filter(document=OuterRef("pk"), reviewer_id__in=acting)
    own = Q(created_by_id=user.pk) | Q(signer_id__in=acting) | Q(Exists(in_circuit))
    return base.filter((Q(is_secret=False) & own) | secret_ok)


def access_incoming_by_id(*, user: Any, document_id: int) -> IncomingDocument:
    document = (
        incoming_visible_to(user)
        .select_related("document_type", "urgency", "secrecy", "agency", "register")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise DocumentNotFound(document_id)
    return document


def access_outgoing_by_id(*, user: Any, document_id: int) -> OutgoingDocument:
    document = (
        outgoing_visible_to(user)
        .select_related("document_type", "urgency", "secrecy", "agency", "register")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise DocumentNotFound(document_id)
    return document


def can_register_incoming(user: Any) -> bool:
    return _is_staff(user) and user.agency_id is not None and user.has_role(Role.CLERK)


def can_distribute(user: Any) -> bool:
    """Leaders distribute, and so does whoever holds a leader's delegation today (ủy quyền)."""
    return distribution_authority(user) is not None


# --- Incoming documents: acting on them ----------------------------------------------------


@dataclass(frozen=True)
class DistributionAuthority:
    """Who distributes: `on_behalf_of` is the delegating leader, None for a leader's own act."""

    actor: Any
    on_behalf_of: Any | None


def _leaders_delegating_to(user: Any) -> list[Any]:
    from congso.accounts.selectors import delegations_active_on

    return [
        delegation.delegator
        for delegation in delegations_active_on(user=user, on=timezone.localdate())
        if delegation.delegator.agency_id == user.agency_id
        and delegation.delegator.has_role(Role.LEADER)
    ]


def _acts_for_a_leader(user: Any) -> bool:
    if not hasattr(user, "delegations_received"):
        return False
    return bool(_leaders_delegating_to(user))


def distribution_authority(user: Any) -> DistributionAuthority | None:
    """May `user` distribute incoming documents (phân phối, giao xử lý) today, and for whom?

    A leader of the agency acts in their own name. Anyone else needs an active delegation from a
    leader of the same agency; the assignment then records `on_behalf_of` (Nghị định
    30/2020/NĐ-CP, Điều 13 khoản 3: a delegate may not delegate onwards, so only direct ones).
    """
    if not _is_staff(user) or user.agency_id is None:
        return None
    if user.has_role(Role.LEADER):
        return DistributionAuthority(actor=user, on_behalf_of=None)
    leaders = _leaders_delegating_to(user)
    if not leaders:
        return None
    return DistributionAuthority(actor=user, on_behalf_of=leaders[0])


def is_unit_head(user: Any, unit_id: int | None) -> bool:
    """The head of internal unit `unit_id`: a member holding a leadership position or role."""
    if unit_id is None or not _is_staff(user):
        return False
    if user.unit_id != unit_id:
        return False
    if user.has_role(Role.LEADER):
        return True
    position = getattr(user, "position", None)
    return bool(position is not None and position.is_leadership)


def holds_assignment(user: Any, assignment: Assignment) -> bool:
    """`user` is the person assigned, or heads the unit a unit-level assignment went to."""
    if assignment.assignee_id is not None:
        return bool(assignment.assignee_id == user.pk)
    return is_unit_head(user, assignment.unit_id)


def can_accept_internal(user: Any) -> bool:
    """Accepting or returning an internal arrival is the registering clerk's work (Điều 21)."""
    return can_register_incoming(user)


def has_secret_grant(
    user: Any, *, incoming_id: int | None = None, outgoing_id: int | None = None
) -> bool:
    if incoming_id is not None:
        return SecretAccessGrant.objects.filter(incoming_id=incoming_id, user_id=user.pk).exists()
    return SecretAccessGrant.objects.filter(outgoing_id=outgoing_id, user_id=user.pk).exists()


def can_grant_secret(
    user: Any, *, agency_id: int, incoming_id: int | None = None, outgoing_id: int | None = None
) -> bool:
    """A leader of the document's agency, or a clerk who already holds a grant for it."""
    if not _is_staff(user):
        return False
    if user.agency_id != agency_id:
        return False
    if user.has_role(Role.LEADER):
        return True
    if not user.has_role(Role.CLERK):
        return False
    return has_secret_grant(user, incoming_id=incoming_id, outgoing_id=outgoing_id)


def access_incoming_file_by_id(*, user: Any, document_id: int, file_id: int) -> IncomingFile:
    """A file of an incoming document the user may read; anything else is DocumentNotFound."""
    document = access_incoming_by_id(user=user, document_id=document_id)
    incoming_file = (
        IncomingFile.objects.select_related("stored_file")
        .filter(document_id=document.pk, pk=file_id)
        .first()
    )
    if incoming_file is None:
        raise DocumentNotFound(document_id)
    return incoming_file


def access_assignment_by_id(*, user: Any, document_id: int, assignment_id: int) -> Assignment:
    """An assignment of a document the user may read (acting on it is checked by the service)."""
    document = access_incoming_by_id(user=user, document_id=document_id)
    assignment = (
        Assignment.objects.select_related("assignee", "unit", "parent")
        .filter(document_id=document.pk, pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise DocumentNotFound(document_id)
    assignment.document = document
    return assignment


def _effective_roles(user: Any) -> frozenset[str]:
    from congso.accounts.selectors import user_effective_roles

    return user_effective_roles(user=user, on=timezone.localdate())


def _same_agency(user: Any, document: OutgoingDocument) -> bool:
    return _is_staff(user) and user.agency_id == document.agency_id


def can_edit_outgoing(user: Any, document: OutgoingDocument) -> bool:
    """Only the drafter edits, and only while the document is a draft (or returned to one)."""
    if not _same_agency(user, document):
        return False
    if document.status != OutgoingStatus.DRAFT:
        return False
    return bool(document.created_by_id == user.pk)


def can_act_on_review_step(user: Any, step: ReviewStep) -> bool:
    """The pending step's reviewer, or a delegate acting for them today."""
    if not _is_staff(user):
        return False
    if step.status != ReviewStepStatus.PENDING:
        return False
    return step.reviewer_id in acting_user_ids(user)


def can_issue_outgoing(user: Any, document: OutgoingDocument) -> bool:
    """The agency's văn thư issues (cấp số, phát hành; Điều 14), also through a delegation."""
    if not _same_agency(user, document):
        return False
    return Role.CLERK in _effective_roles(user)


def can_manage_recipients(user: Any, document: OutgoingDocument) -> bool:
    """The drafter while the document is a draft; the văn thư once it is approved."""
    if can_edit_outgoing(user, document):
        return True
    if document.status != OutgoingStatus.APPROVED:
        return False
    return can_issue_outgoing(user, document)


def can_revoke_outgoing(user: Any, document: OutgoingDocument) -> bool:
    """Revocation, replacement and correction are ordered by a leader and done by the văn thư."""
    if not _same_agency(user, document):
        return False
    roles = _effective_roles(user)
    return Role.CLERK in roles or Role.LEADER in roles


# --- Search index: the same rules over SearchEntry rows -------------------------------------


def _sees_all_incoming(user: Any) -> bool:
    """The agency-wide branch of `incoming_visible_to`, shared with the search index rules."""
    return sees_whole_agency(user) or _acts_for_a_leader(user)


def _sees_all_outgoing(user: Any) -> bool:
    """The agency-wide branch of `outgoing_visible_to`, shared with the search index rules."""
    return sees_whole_agency(user)


SEARCH_ID_LIST_LIMIT = 20_000


def _document_ids_q(queryset: QuerySet[Any], column: str) -> Q:
    """`document_id` among the ids `queryset` yields: bound as one array parameter when there
    are few (the planner then probes the unique index instead of walking the whole agency),
    else as a subquery."""
    from congso.documents.search.engines import id_in

    ids = list(
        queryset.order_by().values_list(column, flat=True).distinct()[: SEARCH_ID_LIST_LIMIT + 1]
    )
    if len(ids) <= SEARCH_ID_LIST_LIMIT:
        return id_in("document_id", ids)
    return Q(document_id__in=queryset.order_by().values(column))


def search_visibility_is_narrow(user: Any) -> bool:
    """True when `user` sees only documents that reached them (no agency-wide branch at all):
    their index rows are few, and the search plans for a small set."""
    return not _sees_all_incoming(user) and not _sees_all_outgoing(user)


def search_entries_visible_to(user: Any) -> QuerySet[SearchEntry]:
    """The search index rows of every document `user` may read: the rules of
    `incoming_visible_to` / `outgoing_visible_to`, written over the denormalised SearchEntry
    columns (agency, secrecy) and id lists read from the small tables (assignments, grants,
    drafts, review steps), so a search over a million rows stays fast. A test holds both to the
    same answers on a mixed corpus."""
    if not _is_staff(user) or user.agency_id is None:
        return SearchEntry.objects.none()
    base = SearchEntry.objects.filter(agency_id=user.agency_id)
    granted_incoming = SecretAccessGrant.objects.filter(user_id=user.pk, incoming__isnull=False)
    granted_outgoing = SecretAccessGrant.objects.filter(user_id=user.pk, outgoing__isnull=False)
    secret_ok = Q(is_secret=True) & (
        (Q(direction=Direction.INCOMING) & _document_ids_q(granted_incoming, "incoming_id"))
        | (Q(direction=Direction.OUTGOING) & _document_ids_q(granted_outgoing, "outgoing_id"))
    )
    incoming_open = Q(direction=Direction.INCOMING, is_secret=False)
    if not _sees_all_incoming(user):
        assigned = Assignment.objects.filter(
            Q(assignee_id=user.pk) | (Q(unit_id=user.unit_id) if user.unit_id else Q(pk__in=[]))
        )
        incoming_open &= _document_ids_q(assigned, "document_id")
    outgoing_open = Q(direction=Direction.OUTGOING, is_secret=False)
    if not _sees_all_outgoing(user):
        acting = acting_user_ids(user)
        drafted_or_signed = OutgoingDocument.objects.filter(
            Q(created_by_id=user.pk) | Q(signer_id__in=acting)
        )
        in_circuit = ReviewStep.objects.filter(reviewer_id__in=acting)
        outgoing_open &= _document_ids_q(drafted_or_signed, "pk") | _document_ids_q(
            in_circuit, "document_id"
        )
    return base.filter(incoming_open | outgoing_open | secret_ok)


# --- Case files (hồ sơ công việc) ------------------------------------------------------------


def case_files_visible_to(user: Any) -> QuerySet[CaseFile]:
    """Case files of the user's agency in which the user may read EVERY document: a file holding
    a document the user may not read (a secret one without a grant, say) does not exist for
    them, in lists, details and exports alike."""
    if not _is_staff(user) or user.agency_id is None:
        return CaseFile.objects.none()
    hidden_incoming = CaseFileItem.objects.filter(
        case_file=OuterRef("pk"), incoming__isnull=False
    ).exclude(incoming_id__in=incoming_visible_to(user).values("pk"))
    hidden_outgoing = CaseFileItem.objects.filter(
        case_file=OuterRef("pk"), outgoing__isnull=False
    ).exclude(outgoing_id__in=outgoing_visible_to(user).values("pk"))
    return CaseFile.objects.filter(agency_id=user.agency_id).filter(
        ~Exists(hidden_incoming), ~Exists(hidden_outgoing)
    )


def access_case_file_by_id(*, user: Any, case_file_id: int) -> CaseFile:
    case_file = (
        case_files_visible_to(user)
        .select_related("agency", "creator")
        .filter(pk=case_file_id)
        .first()
    )
    if case_file is None:
        raise NotFound(
            "Không tìm thấy hồ sơ, hoặc hồ sơ có văn bản bạn không được xem.",
            code="case_file_not_found",
        )
    return case_file


def can_edit_case_file(user: Any, case_file: CaseFile) -> bool:
    """The person who opened the file, or a clerk, leader or administrator of the agency."""
    if not _is_staff(user) or user.agency_id != case_file.agency_id:
        return False
    if case_file.creator_id == user.pk:
        return True
    return sees_whole_agency(user)
