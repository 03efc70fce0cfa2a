"""Helpers shared by the dossier services: locking, checks, history events and refused-input audit.

Every service changes state inside one transaction that writes the `DossierEvent`(s) and one audit
entry, and tells the hooks after commit. A service that refuses (a `CongsoError`) leaves nothing
changed, and the refusal itself is audited (issue 6, "Bad input") after the rollback.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import CongsoError, ValidationFailed
from congso.core.identity import Role
from congso.core.text import has_nul
from congso.dossiers import hooks
from congso.dossiers.constants import DEFAULT_PORTAL_CODES, DossierAction, DossierStatus
from congso.dossiers.errors import DossierNotFound, InvalidTransition, StepForbidden
from congso.dossiers.models import Dossier, DossierEvent, DossierStep, PortalStatusMapping

P = ParamSpec("P")
R = TypeVar("R")
MAX_TEXT = 4000


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def user_or_none(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "pk", None) else None


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "kind", "") == "staff"


def portal_code(status: str) -> int | None:
    row = PortalStatusMapping.objects.filter(status=status).values_list("portal_code", flat=True)
    code = row.first()
    return code if code is not None else DEFAULT_PORTAL_CODES.get(status)


def lock(dossier: Dossier | int, *related: str) -> Dossier:
    """The dossier row, locked for the transaction; `related` (e.g. "procedure") are read in
    the same query (not locked)."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    rows = Dossier.objects.filter(pk=pk)
    if related:
        rows = rows.select_related(*related).select_for_update(of=("self",))
    else:
        rows = rows.select_for_update()
    found = rows.first()
    if found is None:
        raise DossierNotFound(pk)
    return found


def require_status(dossier: Dossier, *allowed: str) -> None:
    if dossier.status not in allowed:
        raise InvalidTransition(
            _("Không thực hiện được thao tác này khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"status": dossier.get_status_display()},
            details={"status": dossier.status, "allowed": list(allowed)},
        )


def refuse_nul(value: Any, *, field: str) -> None:
    """Refuse the NUL character (U+0000) anywhere in `value` (a string or JSON-like data): DRF's
    CharField refuses it in plain fields, this covers what reaches a service otherwise (lists,
    JSON objects, calls from other code); PostgreSQL would fail the write with a 500."""
    if has_nul(value):
        raise ValidationFailed(_("Nội dung không được chứa ký tự NUL (U+0000)."), field=field)


def clean_text(value: str | None, *, field: str, required: bool, max_length: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    refuse_nul(text, field=field)
    if required and not text:
        raise ValidationFailed(_("Vui lòng nhập nội dung."), code="text_required", field=field)
    if len(text) > max_length:
        raise ValidationFailed(
            _("Nội dung tối đa %(max)d ký tự.") % {"max": max_length},
            code="text_too_long",
            field=field,
        )
    return text


def is_desk_of(officer: Any, dossier: Dossier) -> bool:
    """A desk officer (cán bộ một cửa) of the dossier's receiving agency."""
    return (
        is_staff(officer)
        and officer.agency_id == dossier.receiving_agency_id
        and officer.has_role(Role.ONE_STOP_OFFICER)
    )


def require_desk(officer: Any, dossier: Dossier) -> None:
    """Desk officers (cán bộ một cửa) of the receiving agency receive, refuse and return."""
    if not is_desk_of(officer, dossier):
        raise StepForbidden(
            _(
                "Chỉ cán bộ Bộ phận Một cửa của cơ quan tiếp nhận hồ sơ "
                "mới thực hiện được thao tác này."
            )
        )


def open_step(dossier: Dossier) -> DossierStep | None:
    return (
        DossierStep.objects.select_for_update()
        .filter(dossier=dossier, finished_at__isnull=True)
        .order_by("-received_at", "-pk")
        .first()
    )


def is_handler(officer: Any, dossier: Dossier) -> bool:
    """The agency holding the open step, or the receiving agency's staff (Mẫu 02, 04, financial
    obligations, stopping). Reads (and locks) the open step."""
    step = open_step(dossier)
    holds = step is not None and is_staff(officer) and officer.agency_id == step.agency_id
    desk = is_staff(officer) and officer.agency_id == dossier.receiving_agency_id
    return holds or desk


def require_handler(officer: Any, dossier: Dossier, message: str) -> None:
    """`is_handler`, else `dossier_step_forbidden` with `message`."""
    if not is_handler(officer, dossier):
        raise StepForbidden(message)


def require_step_holder(officer: Any, dossier: Dossier, step: DossierStep | None) -> DossierStep:
    """The officer's agency must hold the dossier's open step (and the step not be delegated to
    a sub-dossier of another agency)."""
    if step is None:
        raise InvalidTransition(_("Hồ sơ không có bước xử lý nào đang mở."))
    if not is_staff(officer) or officer.agency_id != step.agency_id:
        raise StepForbidden(
            _("Bước xử lý hiện tại của hồ sơ được giao cho cơ quan khác; bạn không thể thao tác.")
        )
    if step.sub_dossier_id is not None:
        raise StepForbidden(
            _("Phần việc này đang được xử lý trong hồ sơ liên thông %(code)s.")
            % {"code": step.sub_dossier.code if step.sub_dossier else ""}
        )
    return step


def record_event(
    *,
    dossier: Dossier,
    kind: str,
    actor: Any,
    action: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> DossierEvent:
    """One history row, the in-transaction hooks and its audit entry (same transaction, in this
    order: the audit chain head is locked last), and the after-commit hooks."""
    clean = jsonable(data or {})
    event = DossierEvent.objects.create(
        dossier=dossier,
        kind=kind,
        actor=user_or_none(actor),
        at=at or timezone.now(),
        status=dossier.status,
        data=clean,
        portal_status=portal_code(dossier.status)
        if dossier.status != DossierStatus.DRAFT
        else None,
    )
    hooks.status_changing(dossier.pk, event.pk)
    # the audit entry last: the chain head stays locked from here to the commit
    audit_record(
        actor=actor,
        action=action,
        target=dossier,
        agency_id=dossier.handling_agency_id,
        data={
            "event_id": event.pk,
            "kind": kind,
            "status": dossier.status,
            "code": dossier.code,
            **clean,
        },
    )
    hooks.schedule_status_changed(dossier.pk, event.pk)
    return event


def _bound(
    service: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    try:
        return dict(inspect.signature(service).bind_partial(*args, **kwargs).arguments)
    except TypeError:
        return dict(kwargs)


def _audit_refusal(
    service: Callable[..., Any], arguments: dict[str, Any], error: CongsoError
) -> None:
    actor = next(
        (arguments[name] for name in ("actor", "officer", "desk_officer") if name in arguments),
        None,
    )
    dossier = arguments.get("dossier")
    target = dossier if isinstance(dossier, Dossier) and dossier.pk else None
    with transaction.atomic():
        audit_record(
            actor=user_or_none(actor),
            action=DossierAction.REFUSED_INPUT,
            target=target,
            agency_id=getattr(actor, "agency_id", None),
            data={"service": service.__name__, "code": error.code, "message": str(error.message)},
        )


def audited_service(service: Callable[P, R]) -> Callable[P, R]:
    """Run `service` atomically; when it refuses, audit the refusal after the rollback."""
    atomic = transaction.atomic(service)

    @wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return atomic(*args, **kwargs)
        except CongsoError as error:
            _audit_refusal(service, _bound(service, args, kwargs), error)
            raise

    return wrapper
