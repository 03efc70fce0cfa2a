"""Desk pages: the queue of dossiers waiting, the dossiers in handling, the counter intake form
and the dossier page (components, history, Mẫu 05 steps, deadlines, actions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core.errors import CongsoError
from congso.core.identity import Role
from congso.dossiers.access import access_dossier_by_id, dossier_visible_to
from congso.dossiers.constants import (
    CLOCK_RUNNING,
    Channel,
    DossierStatus,
    EventKind,
)
from congso.dossiers.errors import DossierNotFound
from congso.dossiers.selectors import dossier_delay_attribution, dossier_detail, dossier_list
from congso.dossiers.services import dossier_counter_create, dossier_receive
from congso.dossiers.services.fees import fee_request_open
from congso.dossiers.services.stopping import STOPPABLE
from congso.dossiers.views.common import (
    FormInvalid,
    deadline_badge,
    detail_url,
    is_desk_officer,
    officer,
    recalled_secret,
    remember_secret,
    staff_required,
)
from congso.dossiers.views.forms import (
    CounterIntakeForm,
    ExtendForm,
    FeePaidForm,
    FeeRequestForm,
    FinishForm,
    ForwardForm,
    NoteForm,
    RefuseForm,
    ReturnForm,
    StopForm,
    SupplementForm,
)
from congso.dossiers.views.printouts import STOP_NOTICE
from congso.organizations.models import Agency
from congso.procedures.selectors import procedure_get, procedure_search

PAGE_SIZE = 50
HANDLING = (
    *CLOCK_RUNNING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FEE_REQUESTED,
    DossierStatus.DONE,
)


def _page(queryset: Any, request: HttpRequest) -> tuple[list[Any], int | None]:
    """Keyset paging on the primary key (newest first): no COUNT, stable under inserts."""
    before = request.GET.get("truoc", "")
    if before.isdigit():
        queryset = queryset.filter(pk__lt=int(before))
    rows = list(queryset.order_by("-pk")[: PAGE_SIZE + 1])
    more = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], more


def _rows(dossiers: list[Any]) -> list[dict[str, Any]]:
    now = timezone.now()
    return [{"dossier": d, "badge": deadline_badge(d, now)} for d in dossiers]


@staff_required
def queue_page(request: HttpRequest) -> HttpResponse:
    """ "Hồ sơ chờ tiếp nhận": submitted dossiers of the officer's desk, oldest first."""
    channel = request.GET.get("kenh", "")
    queryset = dossier_list(
        dossier_visible_to(request.user), status=DossierStatus.SUBMITTED
    ).filter(receiving_agency_id=officer(request).agency_id, parent__isnull=True)
    if channel.isdigit() and int(channel) in Channel.values:
        queryset = queryset.filter(channel=int(channel))
    dossiers, more = _page(queryset, request)
    return render(
        request,
        "dossiers/queue.html",
        {
            "rows": _rows(dossiers),
            "more": more,
            "channel": channel,
            "channels": Channel.choices,
            "is_desk": is_desk_officer(request.user),
        },
    )


@staff_required
def handling_page(request: HttpRequest) -> HttpResponse:
    """ "Hồ sơ đang giải quyết": dossiers received, in processing, paused or waiting return."""
    status = request.GET.get("trang_thai", "")
    code = request.GET.get("ma", "").strip()[:40]
    visible = dossier_list(dossier_visible_to(request.user), code=code or None)
    if status in HANDLING:
        visible = visible.filter(status=status)
    else:
        status = ""
        visible = visible.filter(status__in=HANDLING)
    dossiers, more = _page(visible, request)
    statuses = [(value, label) for value, label in DossierStatus.choices if value in HANDLING]
    return render(
        request,
        "dossiers/handling.html",
        {
            "rows": _rows(dossiers),
            "more": more,
            "status": status,
            "statuses": statuses,
            "code": code,
        },
    )


# --- Counter intake ----------------------------------------------------------------------------


def _uploads(request: HttpRequest, procedure: Any) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for component in procedure.components.all():
        pairs += [(component.code, f) for f in request.FILES.getlist(f"tp_{component.code}")]
    return pairs


@staff_required
def counter_intake_page(request: HttpRequest) -> HttpResponseBase:
    """ "Tiếp nhận hồ sơ tại quầy": choose the procedure, type the applicant in, scan the papers;
    the dossier is created (and, by default, received at once, with Mẫu 01 to print)."""
    if not is_desk_officer(request.user):
        messages.error(request, _("Chỉ cán bộ Bộ phận Một cửa mới tiếp nhận hồ sơ tại quầy."))
        return redirect("dossiers:queue")
    code = request.GET.get("thu_tuc", "") or request.POST.get("thu_tuc", "")
    if not code:
        query = request.GET.get("q", "").strip()[:200]
        procedures = list(procedure_search(query, agency=officer(request).agency_id)[:50])
        return render(
            request, "dossiers/intake_choose.html", {"procedures": procedures, "query": query}
        )
    try:
        procedure = procedure_get(code)
    except CongsoError:
        messages.error(request, _("Không tìm thấy thủ tục hành chính."))
        return redirect("dossiers:intake")
    form = CounterIntakeForm(request.POST if request.method == "POST" else None)
    receive_now = request.method != "POST" or request.POST.get("tiep_nhan_ngay") == "1"
    if request.method == "POST" and form.is_valid():
        try:
            dossier, secret = dossier_counter_create(
                request.user, procedure, form.service_data(), files=_uploads(request, procedure)
            )
        except CongsoError as error:
            if error.field and error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                form.add_error(None, error.message)
        else:
            remember_secret(request, dossier.pk, secret)
            messages.success(
                request,
                _(
                    "Đã nhận hồ sơ %(code)s. Mã tra cứu: %(secret)s "
                    "(in trên liên 2 của Giấy tiếp nhận)."
                )
                % {"code": dossier.code, "secret": secret},
            )
            if receive_now:
                try:
                    dossier_receive(request.user, dossier)
                except CongsoError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, _("Đã tiếp nhận hồ sơ, in Giấy tiếp nhận (Mẫu 01)."))
            return redirect(detail_url(dossier.pk))
    return render(
        request,
        "dossiers/intake_form.html",
        {"procedure": procedure, "form": form, "receive_now": receive_now},
    )


# --- The dossier page --------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    receive: bool = False
    supplement_request: bool = False
    supplement_submit: bool = False
    refuse: bool = False
    forward: bool = False
    complete: bool = False
    extend: bool = False
    finish: bool = False
    give_back: bool = False
    fee_request: bool = False
    fee_paid: bool = False
    stop: bool = False


def _open_step(dossier: Any) -> Any:
    open_steps = [step for step in dossier.steps.all() if step.finished_at is None]
    return open_steps[-1] if open_steps else None


def allowed_actions(user: Any, dossier: Any, step: Any) -> Allowed:
    """Which buttons to show; the services still decide (a stale page gets a clear message)."""
    agency = user.agency_id
    desk = is_desk_officer(user) and agency == dossier.receiving_agency_id
    root = dossier.parent_id is None
    status = dossier.status
    holds = step is not None and step.agency_id == agency and step.sub_dossier_id is None
    running = status in CLOCK_RUNNING
    return Allowed(
        receive=desk and root and status == DossierStatus.SUBMITTED,
        supplement_request=root
        and (
            (desk and status == DossierStatus.SUBMITTED)
            or (running and (agency == dossier.receiving_agency_id or holds))
        ),
        supplement_submit=desk and status == DossierStatus.SUPPLEMENT_REQUESTED,
        refuse=desk
        and dossier.received_at is None
        and status in (DossierStatus.SUBMITTED, DossierStatus.SUPPLEMENT_REQUESTED),
        forward=running and holds,
        complete=running and holds,
        extend=running
        and dossier.extended_due_at is None
        and (holds or agency == dossier.receiving_agency_id),
        finish=running and (holds or (step is None and agency == dossier.handling_agency_id)),
        give_back=desk and root and status == DossierStatus.DONE,
        fee_request=root and running and (holds or agency == dossier.receiving_agency_id),
        fee_paid=root
        and status == DossierStatus.FEE_REQUESTED
        and (holds or agency == dossier.receiving_agency_id),
        stop=root
        and dossier.received_at is not None
        and status in STOPPABLE
        and (holds or agency == dossier.receiving_agency_id),
    )


def _forward_choices(
    user: Any, dossier: Any
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    step_agencies = dossier.procedure.steps.exclude(agency__isnull=True).values_list(
        "agency_id", flat=True
    )
    ids = {user.agency_id, dossier.handling_agency_id, dossier.receiving_agency_id, *step_agencies}
    agencies = list(Agency.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))
    people = [
        (person.pk, person.display_name)
        for person in get_user_model()
        .objects.filter(agency_id=user.agency_id, kind="staff", is_active=True)
        .filter(Q(role_grants__role__in=[Role.SPECIALIST, Role.LEADER, Role.ONE_STOP_OFFICER]))
        .distinct()
        .order_by("full_name")[:200]
    ]
    return agencies, people


def _printable(dossier: Any, events: list[Any]) -> list[tuple[str, str]]:
    kinds = {event.kind for event in events}
    forms: list[tuple[str, str]] = []
    if dossier.received_at is not None:
        forms.append(("mau-01", _("Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả")))
    if EventKind.SUPPLEMENT_REQUESTED in kinds:
        forms.append(("mau-02", _("Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")))
    if dossier.status == DossierStatus.REFUSED:
        forms.append(("mau-03", _("Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ")))
    if dossier.extended_due_at is not None:
        forms.append(("mau-04", _("Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả")))
    if dossier.received_at is not None:
        forms.append(("mau-05", _("Mẫu 05 — Phiếu kiểm soát quá trình giải quyết hồ sơ")))
    if dossier.status == DossierStatus.STOPPED:
        forms.append((STOP_NOTICE, _("Thông báo dừng giải quyết hồ sơ")))
    return forms


@staff_required
def detail_page(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return detail_response(request, dossier_id)


# each action's form on the page, by the action's name (its ids are unique: PanelForm)
ACTION_FORMS = {
    "supplement_request": "supplement_form",
    "refuse": "refuse_form",
    "forward": "forward_form",
    "complete_step": "complete_form",
    "extend": "extend_form",
    "finish": "finish_form",
    "give_back": "return_form",
    "fee_request": "fee_request_form",
    "fee_paid": "fee_paid_form",
    "stop": "stop_form",
}


def _action_forms(dossier: Any, components: list[Any]) -> dict[str, Any]:
    choices = [(c.code, f"{c.code}. {c.name}") for c in components]
    return {
        "supplement_form": SupplementForm(components=choices),
        "refuse_form": RefuseForm(),
        "forward_form": ForwardForm(),
        "complete_form": NoteForm(),
        "extend_form": ExtendForm(),
        "finish_form": FinishForm(),
        "return_form": ReturnForm(initial={"channel": dossier.result_channel}),
        "fee_request_form": FeeRequestForm(),
        "fee_paid_form": FeePaidForm(),
        "stop_form": StopForm(),
    }


def detail_response(
    request: HttpRequest,
    dossier_id: int,
    *,
    failed: str = "",
    bound: Any = None,
    status: int = 200,
) -> HttpResponse:
    """The dossier page; after a refused action (`failed`), that action's panel is open and
    shows `bound`, the form as the officer sent it, with its problems."""
    dossier = dossier_detail(dossier_id, visible=dossier_visible_to(request.user))
    if dossier is None:
        raise DossierNotFound(dossier_id)
    step = _open_step(dossier)
    allowed = allowed_actions(request.user, dossier, step)
    events = list(dossier.events.all())
    components = list(dossier.procedure.components.order_by("order", "pk"))
    files = list(dossier.files.all())
    present = {f.component_code for f in files}
    agencies, people = _forward_choices(request.user, dossier) if allowed.forward else ([], [])
    now = timezone.now()
    forms = _action_forms(dossier, components)
    if failed in ACTION_FORMS and bound is not None:
        forms[ACTION_FORMS[failed]] = bound
    context = {
        "dossier": dossier,
        "badge": deadline_badge(dossier, now),
        "step": step,
        "steps": [
            {"step": s, "late": s.finished_at is None and s.due_at < now}
            for s in dossier.steps.all()
        ],
        "history": [
            {"event": e, "label": EventKind(e.kind).label if e.kind in EventKind.values else e.kind}
            for e in events
        ],
        "components": [{"component": c, "present": c.code in present} for c in components],
        "files": files,
        "children": list(dossier.children.all()),
        "allowed": allowed,
        "failed": failed,
        "printable": _printable(dossier, events),
        "secret": recalled_secret(request, dossier.pk),
        "delay": dossier_delay_attribution(dossier, now) if dossier.status in HANDLING else None,
        "forward_agencies": agencies,
        "forward_people": people,
        "fee_request": fee_request_open(dossier),
        **forms,
    }
    return render(request, "dossiers/detail.html", context, status=status)


@staff_required
def file_download(request: HttpRequest, dossier_id: int, file_id: int) -> HttpResponseBase:
    dossier = access_dossier_by_id(request.user, dossier_id)
    stored = dossier.files.filter(pk=file_id).first()
    if stored is None:
        raise DossierNotFound(dossier_id)
    return FileResponse(
        stored.file.open("rb"), filename=stored.name, content_type=stored.content_type
    )


@staff_required
def result_download(request: HttpRequest, dossier_id: int) -> HttpResponseBase:
    dossier = access_dossier_by_id(request.user, dossier_id)
    if not dossier.result_file:
        raise DossierNotFound(dossier_id)
    name = f"ket-qua-{dossier.code or dossier.pk}.pdf"
    return FileResponse(
        dossier.result_file.open("rb"), filename=name, content_type="application/pdf"
    )


__all__ = ["FormInvalid"]
