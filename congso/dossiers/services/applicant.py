"""What the applicant does: draft, upload components, submit, supplement, withdraw, rate; and
the desk's counter intake (hồ sơ nộp trực tiếp), which creates a submitted dossier at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import jsonschema
from django.core.files.base import ContentFile
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.errors import Conflict, ValidationFailed
from congso.core.identity import Role
from congso.dossiers.access import is_applicant_only
from congso.dossiers.constants import (
    Channel,
    DossierAction,
    DossierStatus,
    EventKind,
    RatingLevel,
    ResultChannel,
)
from congso.dossiers.errors import DossierNotFound, StepForbidden
from congso.dossiers.lookup import lookup_secret_hash, lookup_secret_new
from congso.dossiers.models import Dossier, DossierComponentFile, Rating
from congso.dossiers.services.clock import clock_wait_end
from congso.dossiers.services.codes import dossier_code_take
from congso.dossiers.services.common import (
    audited_service,
    clean_text,
    is_desk_of,
    is_staff,
    lock,
    record_event,
    refuse_nul,
    require_status,
)
from congso.dossiers.services.files import check_upload
from congso.workdays.calendar import local_day

APPLICANT_FIELDS = (
    "applicant_name",
    "applicant_id_number",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "summary",
)
LIMITS = {
    "applicant_name": 255,
    "applicant_id_number": 20,
    "applicant_address": 500,
    "applicant_phone": 20,
    "applicant_email": 254,
    "summary": 4000,
}
Files = Mapping[str, Any] | Iterable[tuple[str, Any]]


def _is_owner(actor: Any, dossier: Dossier) -> bool:
    return bool(getattr(actor, "pk", None)) and dossier.applicant_id == actor.pk


def _require_owner_or_desk(actor: Any, dossier: Dossier) -> None:
    if _is_owner(actor, dossier):
        return
    if is_desk_of(actor, dossier) and not is_applicant_only(dossier):
        return
    raise DossierNotFound(dossier.pk)


def _receiving_agency(procedure: Any, value: Any) -> Any:
    agencies = list(procedure.receiving_agencies.all())
    if value is None or value == "":
        if len(agencies) == 1:
            return agencies[0]
        raise ValidationFailed(
            _("Chọn cơ quan tiếp nhận hồ sơ."),
            code="dossier_agency_required",
            field="receiving_agency",
        )
    agency_id = getattr(value, "pk", value)
    for agency in agencies:
        if agency.pk == int(agency_id):
            return agency
    raise ValidationFailed(
        _("Cơ quan này không tiếp nhận hồ sơ của thủ tục đã chọn."),
        code="dossier_agency_not_receiving",
        field="receiving_agency",
    )


def _apply_fields(dossier: Dossier, data: Mapping[str, Any]) -> list[str]:
    changed: list[str] = []
    for name in APPLICANT_FIELDS:
        if name in data:
            value = clean_text(
                data[name], field=name, required=name == "applicant_name", max_length=LIMITS[name]
            )
            setattr(dossier, name, value)
            changed.append(name)
    if "form_data" in data:
        if not isinstance(data["form_data"], dict):
            raise ValidationFailed(
                _("Dữ liệu biểu mẫu không hợp lệ."), code="dossier_form_invalid", field="form_data"
            )
        refuse_nul(data["form_data"], field="form_data")
        dossier.form_data = data["form_data"]
        changed.append("form_data")
    if "result_channel" in data:
        if data["result_channel"] not in ResultChannel.values:
            raise ValidationFailed(
                _("Hình thức nhận kết quả không hợp lệ."),
                code="dossier_result_channel_invalid",
                field="result_channel",
            )
        dossier.result_channel = data["result_channel"]
        changed.append("result_channel")
    return changed


def validate_form_data(procedure: Any, form_data: Any) -> None:
    """Server-side check of the online form against the procedure's JSON Schema."""
    schema = procedure.form_schema or {}
    if not schema:
        return
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(form_data or {}), key=lambda error: list(error.path))
    if errors:
        fields: dict[str, list[str]] = {}
        for error in errors:
            path = ".".join(str(part) for part in error.absolute_path)
            if error.validator == "required":
                missing = error.message.split("'")[1] if "'" in error.message else path
                path = f"{path}.{missing}" if path else missing
            fields.setdefault(path or "form_data", []).append(error.message)
        raise ValidationFailed(
            _("Dữ liệu biểu mẫu chưa hợp lệ."),
            code="dossier_form_invalid",
            field="form_data",
            details={"fields": fields},
        )


def _add_file(
    *, actor: Any, dossier: Dossier, component_code: str, uploaded: Any, is_supplement: bool
) -> DossierComponentFile:
    component = dossier.procedure.components.filter(code=component_code).first()
    if component is None:
        raise ValidationFailed(
            _("Thủ tục không có thành phần hồ sơ “%(code)s”.") % {"code": component_code},
            code="dossier_component_unknown",
            field="component_code",
        )
    checked = check_upload(uploaded, component.accepted_types or None)
    row = DossierComponentFile(
        dossier=dossier,
        component_code=component_code,
        name=checked.name,
        sha256=checked.sha256,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        is_supplement=is_supplement,
    )
    row.file.save(checked.name, ContentFile(checked.data), save=False)
    row.save()
    return row


def _add_files(
    *, actor: Any, dossier: Dossier, pairs: list[tuple[str, Any]], is_supplement: bool
) -> None:
    for code, uploaded in pairs:
        _add_file(
            actor=actor,
            dossier=dossier,
            component_code=code,
            uploaded=uploaded,
            is_supplement=is_supplement,
        )


def _pairs(files: Files | None) -> list[tuple[str, Any]]:
    if not files:
        return []
    if isinstance(files, Mapping):
        pairs: list[tuple[str, Any]] = []
        for code, value in files.items():
            items = value if isinstance(value, list | tuple) else [value]
            pairs.extend((code, item) for item in items)
        return pairs
    return list(files)


def _missing_components(dossier: Dossier) -> list[str]:
    """The required components without a file (one query)."""
    present = DossierComponentFile.objects.filter(dossier=dossier, component_code=OuterRef("code"))
    missing = dossier.procedure.components.filter(is_required=True).exclude(Exists(present))
    return list(missing.values_list("code", flat=True))


def _issue_code_and_secret(dossier: Dossier, now: Any) -> str:
    dossier.code = dossier_code_take(agency=dossier.receiving_agency, day=local_day(now))
    secret = lookup_secret_new()
    dossier.lookup_secret_hash = lookup_secret_hash(secret)
    return secret


@audited_service
def dossier_draft_create(actor: Any, procedure: Any, data: Mapping[str, Any]) -> Dossier:
    """A citizen or business starts a dossier online (saved as a draft, continued later)."""
    if getattr(actor, "kind", "") not in ("citizen", "business"):
        raise StepForbidden(_("Chỉ tài khoản công dân, doanh nghiệp mới nộp hồ sơ trực tuyến."))
    if not procedure.is_published:
        raise ValidationFailed(
            _("Thủ tục chưa được công khai để nộp trực tuyến."), code="procedure_not_published"
        )
    agency = _receiving_agency(procedure, data.get("receiving_agency"))
    defaults = {
        "applicant_name": actor.full_name or actor.username,
        "applicant_id_number": actor.citizen_id_number or actor.tax_code or "",
        "applicant_phone": getattr(actor, "phone", ""),
        "applicant_email": actor.email or "",
    }
    dossier = Dossier(
        procedure=procedure,
        receiving_agency=agency,
        handling_agency=agency,
        channel=Channel.ONLINE,
        applicant=actor,
        status=DossierStatus.DRAFT,
    )
    _apply_fields(dossier, {**defaults, **{k: v for k, v in data.items() if v is not None}})
    dossier.save()
    record_event(
        dossier=dossier, kind=EventKind.DRAFTED, actor=actor, action=DossierAction.DRAFT_CREATED
    )
    return dossier


@audited_service
def dossier_draft_update(actor: Any, dossier: Dossier, data: Mapping[str, Any]) -> Dossier:
    current = lock(dossier)
    if not _is_owner(actor, current):
        raise DossierNotFound(current.pk)
    require_status(current, DossierStatus.DRAFT)
    if "receiving_agency" in data:
        agency = _receiving_agency(current.procedure, data["receiving_agency"])
        current.receiving_agency = current.handling_agency = agency
    changed = _apply_fields(current, data)
    current.save()
    record_event(
        dossier=current,
        kind=EventKind.DRAFTED,
        actor=actor,
        action=DossierAction.DRAFT_UPDATED,
        data={"fields": changed},
    )
    return current


def _require_may_add_file(actor: Any, dossier: Dossier) -> None:
    """The applicant adds to their own draft; the desk adds to a dossier it took at the counter
    and has not yet received. Nobody else, and never the two mixed: another person's draft is
    theirs alone (a 404, as the gate says), and an online dossier, once submitted, gets more
    papers only through a supplement request (Mẫu 02)."""
    if _is_owner(actor, dossier):
        require_status(dossier, DossierStatus.DRAFT)
        return
    if is_applicant_only(dossier):
        raise DossierNotFound(dossier.pk)
    if not is_desk_of(actor, dossier):
        raise DossierNotFound(dossier.pk)
    require_status(dossier, DossierStatus.SUBMITTED)
    if not dossier.events.filter(kind=EventKind.COUNTER_CREATED).exists():
        raise StepForbidden(
            _(
                "Bộ phận Một cửa chỉ thêm tệp vào hồ sơ nhận tại quầy; "
                "tệp của hồ sơ trực tuyến do người nộp tải lên."
            )
        )


@audited_service
def dossier_file_add(
    actor: Any, dossier: Dossier, component_code: str, uploaded_file: Any
) -> DossierComponentFile:
    """Attach one component file to a draft (the applicant) or a submitted counter dossier."""
    current = lock(dossier, "procedure")
    _require_may_add_file(actor, current)
    row = _add_file(
        actor=actor,
        dossier=current,
        component_code=component_code,
        uploaded=uploaded_file,
        is_supplement=False,
    )
    audit_record(
        actor=actor,
        action=DossierAction.FILE_ADDED,
        target=current,
        agency_id=current.receiving_agency_id,
        data={"file_id": row.pk, "component_code": component_code, "sha256": row.sha256},
    )
    return row


@audited_service
def dossier_submit(actor: Any, dossier: Dossier) -> tuple[Dossier, str]:
    """Submit a draft: form and required components checked, code and lookup secret issued.

    The secret is returned once (show it to the applicant); only its hash is kept.
    """
    current = lock(dossier, "procedure", "receiving_agency")
    if not _is_owner(actor, current):
        raise DossierNotFound(current.pk)
    require_status(current, DossierStatus.DRAFT)
    validate_form_data(current.procedure, current.form_data)
    missing = _missing_components(current)
    if missing:
        raise ValidationFailed(
            _("Hồ sơ còn thiếu thành phần bắt buộc: %(codes)s.") % {"codes": ", ".join(missing)},
            code="dossier_components_missing",
            details={"missing": missing},
        )
    now = timezone.now()
    secret = _issue_code_and_secret(current, now)
    current.status = DossierStatus.SUBMITTED
    current.submitted_at = now
    current.save()
    record_event(
        dossier=current,
        kind=EventKind.SUBMITTED,
        actor=actor,
        action=DossierAction.SUBMITTED,
        at=now,
    )
    return current, secret


@audited_service
def dossier_counter_create(
    desk_officer: Any, procedure: Any, applicant: Mapping[str, Any], files: Files | None = None
) -> tuple[Dossier, str]:
    """A dossier handed in at the counter: created submitted, with code and lookup secret; the
    desk then receives it (Mẫu 01), asks for more (Mẫu 02) or refuses it (Mẫu 03)."""
    if not (is_staff(desk_officer) and desk_officer.has_role(Role.ONE_STOP_OFFICER)):
        raise StepForbidden(_("Chỉ cán bộ Bộ phận Một cửa mới nhận hồ sơ tại quầy."))
    agency = _receiving_agency(procedure, desk_officer.agency_id)
    now = timezone.now()
    dossier = Dossier(
        procedure=procedure,
        receiving_agency=agency,
        handling_agency=agency,
        channel=int(applicant.get("channel") or Channel.DIRECT),
        applicant=applicant.get("applicant"),
        status=DossierStatus.SUBMITTED,
        submitted_at=now,
    )
    if dossier.channel not in Channel.values:
        raise ValidationFailed(
            _("Kênh nộp không hợp lệ."), code="dossier_channel_invalid", field="channel"
        )
    _apply_fields(dossier, applicant)
    if not dossier.applicant_name:
        raise ValidationFailed(
            _("Nhập tên người nộp."), code="text_required", field="applicant_name"
        )
    secret = _issue_code_and_secret(dossier, now)
    dossier.save()
    _add_files(actor=desk_officer, dossier=dossier, pairs=_pairs(files), is_supplement=False)
    record_event(
        dossier=dossier,
        kind=EventKind.COUNTER_CREATED,
        actor=desk_officer,
        action=DossierAction.COUNTER_CREATED,
        data={"files": dossier.files.count()},
        at=now,
    )
    return dossier, secret


@audited_service
def dossier_supplement_submit(actor: Any, dossier: Dossier, files: Files) -> Dossier:
    """The applicant (or the desk on their behalf) hands in what Mẫu 02 asked for: the clock
    resumes and every due date moves by the working days it stood still."""
    current = lock(dossier)
    _require_owner_or_desk(actor, current)
    require_status(current, DossierStatus.SUPPLEMENT_REQUESTED)
    pairs = _pairs(files)
    if not pairs:
        raise ValidationFailed(
            _("Chưa có tệp bổ sung nào."), code="dossier_supplement_empty", field="files"
        )
    _add_files(actor=actor, dossier=current, pairs=pairs, is_supplement=True)
    clock_wait_end(
        current,
        fallback=DossierStatus.SUBMITTED,
        actor=actor,
        kind=EventKind.SUPPLEMENTED,
        action=DossierAction.SUPPLEMENTED,
        data={"files": [code for code, _file in pairs]},
    )
    return current


WITHDRAWABLE = (
    DossierStatus.SUBMITTED,
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FEE_REQUESTED,
)


@audited_service
def dossier_withdraw(actor: Any, dossier: Dossier, reason: str = "") -> Dossier:
    """The applicant withdraws the dossier (portal status 7); open steps close."""
    current = lock(dossier)
    _require_owner_or_desk(actor, current)
    if current.parent_id is not None:
        raise StepForbidden(_("Rút hồ sơ gốc, không rút hồ sơ liên thông."))
    require_status(current, *WITHDRAWABLE)
    text = clean_text(reason, field="reason", required=False)
    now = timezone.now()
    current.status = DossierStatus.WITHDRAWN
    current.paused_at = None
    current.save()
    current.steps.filter(finished_at__isnull=True).update(finished_at=now)
    for child in current.children.filter(finished_at__isnull=True):
        child.status = DossierStatus.WITHDRAWN
        child.save(update_fields=["status", "updated_at"])
        child.steps.filter(finished_at__isnull=True).update(finished_at=now)
    record_event(
        dossier=current,
        kind=EventKind.WITHDRAWN,
        actor=actor,
        action=DossierAction.WITHDRAWN,
        data={"reason": text},
        at=now,
    )
    return current


@audited_service
def dossier_rate(actor: Any, dossier: Dossier, level: str, comment: str = "") -> Rating:
    """The applicant rates the handling once the result is returned (đánh giá hài lòng)."""
    current = lock(dossier)
    if not _is_owner(actor, current):
        raise DossierNotFound(current.pk)
    require_status(current, DossierStatus.RETURNED)
    if level not in RatingLevel.values:
        raise ValidationFailed(
            _("Mức đánh giá không hợp lệ."), code="rating_level_invalid", field="level"
        )
    if Rating.objects.filter(dossier=current).exists():
        raise Conflict(_("Hồ sơ đã được đánh giá."), code="dossier_already_rated")
    rating = Rating.objects.create(
        dossier=current, level=level, comment=clean_text(comment, field="comment", required=False)
    )
    record_event(
        dossier=current,
        kind=EventKind.RATED,
        actor=actor,
        action=DossierAction.RATED,
        data={"level": level},
    )
    return rating
