"""Citizen pages at /dich-vu-cong/: start a dossier from a procedure, fill the declarative form,
upload components, pay, submit, see the receipt; "Hồ sơ của tôi"; public tracking; rating.

Views parse, call one service or selector, and render. Every dossier a citizen opens comes through
`dossiers.access` (someone else's dossier is a 404).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from congso.core.errors import CongsoError, NotFound
from congso.core.throttle import client_address, throttle_hit
from congso.dossiers.access import access_dossier_by_id, dossier_visible_to
from congso.dossiers.constants import DossierStatus, EventKind, RatingLevel
from congso.dossiers.models import Dossier
from congso.dossiers.selectors import dossier_public_lookup
from congso.dossiers.services import (
    dossier_draft_create,
    dossier_draft_update,
    dossier_file_add,
    dossier_rate,
    dossier_supplement_submit,
)
from congso.dossiers.services.fees import fee_request_open
from congso.payments.selectors import payment_latest_for
from congso.portal.constants import RECEIPT_SESSION_KEY
from congso.portal.fees import fee_payment_of
from congso.portal.forms import ApplicantForm, LookupForm, RatingForm, UploadForm
from congso.portal.guards import public_account_required
from congso.portal.schema_form import SchemaForm
from congso.portal.services import (
    dossier_payment_ref,
    lookup_refusal_record,
    portal_dossier_submit,
    portal_payment_start,
)
from congso.procedures.selectors import procedure_get

APPLICANT_FIELDS = (
    "applicant_name",
    "applicant_id_number",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "summary",
    "result_channel",
)


def _own_dossier(request: HttpRequest, dossier_id: int) -> Dossier:
    try:
        return access_dossier_by_id(request.user, dossier_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _agencies(procedure: Any) -> list[Any]:
    return list(procedure.receiving_agencies.order_by("name"))


def _applicant_initial(dossier: Dossier) -> dict[str, Any]:
    initial = {name: getattr(dossier, name) for name in APPLICANT_FIELDS}
    initial["receiving_agency"] = dossier.receiving_agency_id
    return initial


def _account_initial(user: Any) -> dict[str, Any]:
    return {
        "applicant_name": user.full_name or user.username,
        "applicant_id_number": user.citizen_id_number or user.tax_code or "",
        "applicant_phone": user.phone,
        "applicant_email": user.email,
        "result_channel": "online",
    }


def _draft_data(applicant: ApplicantForm, schema_form: SchemaForm) -> dict[str, Any]:
    data = {name: applicant.cleaned_data.get(name, "") for name in APPLICANT_FIELDS}
    if "receiving_agency" in applicant.cleaned_data:
        data["receiving_agency"] = applicant.cleaned_data["receiving_agency"]
    data["form_data"] = schema_form.form_data()
    return data


def _add_service_error(form: Any, error: CongsoError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@public_account_required
@require_http_methods(["GET", "POST"])
def dossier_start(request: HttpRequest, procedure_code: str) -> HttpResponse:
    """The form of a procedure; "Lưu nháp" creates the draft (continued later)."""
    try:
        procedure = procedure_get(procedure_code)
    except NotFound as error:
        raise Http404(error.message) from error
    kind = getattr(request.user, "kind", "")
    if procedure.applicant_types and kind not in procedure.applicant_types:
        messages.warning(request, _("Thủ tục này không dành cho loại tài khoản của bạn."))
        return redirect("portal:my-dossiers")
    agencies = _agencies(procedure)
    if request.method == "POST":
        applicant = ApplicantForm(request.POST, agencies=agencies)
        schema_form = SchemaForm(procedure.form_schema, request.POST)
        if applicant.is_valid() and schema_form.is_valid():
            try:
                dossier = dossier_draft_create(
                    request.user, procedure, _draft_data(applicant, schema_form)
                )
            except CongsoError as error:
                _add_service_error(applicant, error)
            else:
                messages.success(
                    request, _("Đã lưu hồ sơ nháp. Tiếp tục tải lên thành phần hồ sơ.")
                )
                return redirect("portal:dossier", dossier.pk)
        status = 400
    else:
        applicant = ApplicantForm(initial=_account_initial(request.user), agencies=agencies)
        schema_form = SchemaForm(procedure.form_schema)
        status = 200
    return render(
        request,
        "portal/dossier_start.html",
        {"procedure": procedure, "applicant": applicant, "schema_form": schema_form},
        status=status,
    )


def portal_home(request: HttpRequest) -> HttpResponse:
    """Dịch vụ công: where to find a procedure, one's own dossiers and the public tracking."""
    return render(request, "portal/home.html")


@public_account_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = (
        dossier_visible_to(request.user)
        .select_related("procedure", "receiving_agency")
        .order_by("-created_at", "-pk")[:200]
    )
    return render(request, "portal/my_dossiers.html", {"dossiers": dossiers})


def _draft_context(dossier: Dossier, **overrides: Any) -> dict[str, Any]:
    procedure = dossier.procedure
    files = list(dossier.files.order_by("pk"))
    components = [
        {"component": c, "files": [f for f in files if f.component_code == c.code]}
        for c in procedure.components.order_by("order", "code")
    ]
    context = {
        "dossier": dossier,
        "procedure": procedure,
        "components": components,
        "payment": payment_latest_for(dossier_payment_ref(dossier)),
        "fee": int(procedure.fee_amount or 0),
        "upload_form": UploadForm(),
    }
    context.update(overrides)
    return context


@public_account_required
@require_http_methods(["GET", "POST"])
def dossier_page(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """A draft: edit, upload, pay, submit. Otherwise: status, history, result rating."""
    dossier = _own_dossier(request, dossier_id)
    if dossier.status != DossierStatus.DRAFT:
        return _dossier_status_page(request, dossier)
    procedure = dossier.procedure
    agencies = _agencies(procedure)
    status = 200
    if request.method == "POST":
        applicant = ApplicantForm(request.POST, agencies=agencies)
        schema_form = SchemaForm(procedure.form_schema, request.POST)
        if applicant.is_valid() and schema_form.is_valid():
            try:
                dossier_draft_update(request.user, dossier, _draft_data(applicant, schema_form))
            except CongsoError as error:
                _add_service_error(applicant, error)
                status = 400
            else:
                messages.success(request, _("Đã lưu hồ sơ nháp."))
                return redirect("portal:dossier", dossier.pk)
        else:
            status = 400
    else:
        applicant = ApplicantForm(initial=_applicant_initial(dossier), agencies=agencies)
        schema_form = SchemaForm(procedure.form_schema, form_data=dossier.form_data)
    return render(
        request,
        "portal/dossier_draft.html",
        _draft_context(dossier, applicant=applicant, schema_form=schema_form),
        status=status,
    )


def _dossier_status_page(request: HttpRequest, dossier: Dossier, **extra: Any) -> HttpResponse:
    rating = getattr(dossier, "rating", None) if hasattr(dossier, "rating") else None
    can_rate = dossier.status == DossierStatus.RETURNED and rating is None
    context = {
        "dossier": dossier,
        "events": dossier.events.order_by("at", "pk"),
        "event_labels": dict(EventKind.choices),
        "rating": rating,
        "rating_labels": dict(RatingLevel.choices),
        "rating_form": extra.pop("rating_form", None) or (RatingForm() if can_rate else None),
        "payment": payment_latest_for(dossier_payment_ref(dossier)),
    }
    if dossier.status == DossierStatus.FEE_REQUESTED:
        fee_request = fee_request_open(dossier)
        context["fee_request"] = fee_request
        context["fee_payment"] = fee_payment_of(dossier, fee_request)
    if dossier.status == DossierStatus.STOPPED:
        stop_event = dossier.events.filter(kind=EventKind.STOPPED).order_by("-at", "-pk").first()
        context["stop"] = stop_event.data if stop_event else {}
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        request_event = (
            dossier.events.filter(kind=EventKind.SUPPLEMENT_REQUESTED)
            .order_by("-at", "-pk")
            .first()
        )
        context["supplement"] = request_event.data if request_event else {}
        context["components"] = list(dossier.procedure.components.order_by("order", "pk"))
    return render(request, "portal/dossier_status.html", context, status=extra.pop("status", 200))


@public_account_required
@require_POST
def dossier_supplement(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """Hand in what Mẫu 02 asked for (files per component); the legal clock resumes."""
    dossier = _own_dossier(request, dossier_id)
    pairs = [
        (component.code, uploaded)
        for component in dossier.procedure.components.order_by("order", "pk")
        for uploaded in request.FILES.getlist(f"tp_{component.code}")
    ]
    try:
        dossier_supplement_submit(request.user, dossier, pairs)
    except CongsoError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã nộp hồ sơ bổ sung; hồ sơ tiếp tục được giải quyết."))
    return redirect("portal:dossier", dossier.pk)


@public_account_required
@require_POST
def dossier_upload(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = _own_dossier(request, dossier_id)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            dossier_file_add(
                request.user,
                dossier,
                form.cleaned_data["component_code"],
                form.cleaned_data["file"],
            )
        except CongsoError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Đã tải lên tệp."))
            return redirect("portal:dossier", dossier.pk)
    procedure = dossier.procedure
    return render(
        request,
        "portal/dossier_draft.html",
        _draft_context(
            dossier,
            applicant=ApplicantForm(
                initial=_applicant_initial(dossier), agencies=_agencies(procedure)
            ),
            schema_form=SchemaForm(procedure.form_schema, form_data=dossier.form_data),
            upload_form=form,
            upload_component=request.POST.get("component_code", ""),
        ),
        status=400,
    )


@public_account_required
@require_POST
def dossier_pay(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = _own_dossier(request, dossier_id)
    if dossier.status != DossierStatus.DRAFT:
        raise Http404
    try:
        url = portal_payment_start(actor=request.user, dossier=dossier)
    except CongsoError as error:
        messages.error(request, error.message)
        return redirect("portal:dossier", dossier.pk)
    return redirect(url)


@public_account_required
@require_POST
def dossier_submit_view(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = _own_dossier(request, dossier_id)
    procedure = dossier.procedure
    # The form is checked here too, so each field's message shows next to it.
    schema_form = SchemaForm(procedure.form_schema, form_data=dossier.form_data, strict=True)
    schema_ok = schema_form.add_schema_errors(dossier.form_data or {})
    if schema_ok:
        try:
            submitted, secret = portal_dossier_submit(
                actor=request.user,
                dossier=dossier,
            )
        except CongsoError as error:
            messages.error(request, error.message)
            return redirect("portal:dossier", dossier.pk)
        secrets_shown = request.session.get(RECEIPT_SESSION_KEY, {})
        secrets_shown[str(submitted.pk)] = secret
        request.session[RECEIPT_SESSION_KEY] = secrets_shown
        return redirect("portal:receipt", submitted.pk)
    messages.error(request, _("Tờ khai chưa hợp lệ: vui lòng sửa các ô được đánh dấu."))
    return render(
        request,
        "portal/dossier_draft.html",
        _draft_context(
            dossier,
            applicant=ApplicantForm(
                initial=_applicant_initial(dossier), agencies=_agencies(procedure)
            ),
            schema_form=schema_form,
        ),
        status=400,
    )


@public_account_required
@never_cache
def dossier_receipt(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """The receipt: code, and the lookup secret shown this once (then forgotten)."""
    dossier = _own_dossier(request, dossier_id)
    if dossier.status == DossierStatus.DRAFT:
        return redirect("portal:dossier", dossier.pk)
    secrets_shown = request.session.get(RECEIPT_SESSION_KEY, {})
    secret = secrets_shown.pop(str(dossier.pk), None)
    request.session[RECEIPT_SESSION_KEY] = secrets_shown
    return render(
        request,
        "portal/receipt.html",
        {
            "dossier": dossier,
            "secret": secret,
            "payment": payment_latest_for(dossier_payment_ref(dossier)),
        },
    )


@public_account_required
@require_POST
def dossier_rate_view(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = _own_dossier(request, dossier_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            dossier_rate(
                request.user, dossier, form.cleaned_data["level"], form.cleaned_data["comment"]
            )
        except CongsoError as error:
            messages.error(request, error.message)
            return redirect("portal:dossier", dossier.pk)
        messages.success(request, _("Cảm ơn Ông/Bà đã đánh giá."))
        return redirect("portal:dossier", dossier.pk)
    return _dossier_status_page(request, dossier, rating_form=form, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Public tracking by code + lookup secret, no login. A wrong secret and an unknown code get
    the same answer; each address has CONGSO_LOOKUP_MAX_TRIES tries per window (then 429)."""
    if request.method != "POST":
        return render(request, "portal/lookup.html", {"form": LookupForm()})
    form = LookupForm(request.POST)
    address = client_address(request)
    limit = int(settings.CONGSO_LOOKUP_MAX_TRIES)
    tries = throttle_hit(
        "portal-lookup", address, window_seconds=int(settings.CONGSO_LOOKUP_WINDOW_SECONDS)
    )
    if tries > limit:
        if tries == limit + 1:  # record the first refused try only
            lookup_refusal_record(
                code=request.POST.get("code", ""), remote_addr=address, rate_limited=True
            )
        return render(
            request,
            "portal/lookup.html",
            {"form": form, "rate_limited": True},
            status=429,
        )
    if not form.is_valid():
        return render(request, "portal/lookup.html", {"form": form}, status=400)
    dossier = dossier_public_lookup(form.cleaned_data["code"], form.cleaned_data["secret"])
    if dossier is None:
        lookup_refusal_record(
            code=form.cleaned_data["code"], remote_addr=address, rate_limited=False
        )
        return render(request, "portal/lookup.html", {"form": form, "not_found": True}, status=404)
    return render(request, "portal/lookup.html", {"form": LookupForm(), "result": dossier})
