"""Staff pages for incoming documents (mounted at /van-ban/): lists, register screen, detail.

Pages read through selectors and the access gate; the POST handlers of the detail page are in
`incoming_actions`. Everything the user reads is Vietnamese; dates are shown dd/mm/yyyy.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from congso.core.errors import CongsoError
from congso.documents import hooks
from congso.documents.access import (
    access_incoming_by_id,
    access_incoming_file_by_id,
    can_register_incoming,
    is_unit_head,
)
from congso.documents.constants import FileRole, IncomingStatus
from congso.documents.models import IncomingDocument, IncomingFile, StoredFile
from congso.documents.selectors.incoming import (
    ACTIVE_ASSIGNMENT,
    agency_staff,
    agency_units,
    assignments_of_user,
    assignments_overdue,
    assignments_overdue_summary,
    incoming_awaiting_acceptance,
    incoming_awaiting_distribution,
    incoming_list,
    issuer_directory,
)
from congso.documents.selectors.incoming_detail import (
    incoming_allowed_actions,
    incoming_detail_prefetch,
    incoming_history,
    incoming_stamp,
)
from congso.documents.services.files import blob_path, stored_file_open
from congso.documents.services.incoming import PossibleDuplicate, Upload, incoming_document_register
from congso.documents.services.incoming_common import local_today
from congso.documents.services.incoming_signatures import document_signature_verdict
from congso.documents.views.common import staff_required
from congso.documents.views.incoming_forms import AssignForm, RegisterForm
from congso.documents.views.incoming_signatures import recheck_signatures, signature_rows

PAGE_SIZE = 50
PENDING_SALT = "documents.incoming.register.pending"
PENDING_MAX_AGE = 3600


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "documents/incoming/forbidden.html", {"message": message}, status=403)


def _page(queryset: Any, request: HttpRequest) -> tuple[list[Any], int | None]:
    """Keyset paging on the primary key (newest first): no COUNT, stable under inserts."""
    before = request.GET.get("truoc", "")
    if before.isdigit():
        queryset = queryset.filter(pk__lt=int(before))
    rows = list(queryset[: PAGE_SIZE + 1])
    more = rows[PAGE_SIZE].pk if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], (rows[PAGE_SIZE - 1].pk if more else None)


def _days_late(due_on: date | None, today: date) -> int:
    """Calendar days past a deadline; 0 when not late or without a deadline."""
    if due_on is None or due_on >= today:
        return 0
    return (today - due_on).days


# --- Lists -------------------------------------------------------------------------------------


@staff_required
def incoming_list_page(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("trang_thai", "")
    if status not in IncomingStatus.values:
        status = ""
    documents, next_before = _page(incoming_list(user=request.user, status=status or None), request)
    return render(
        request,
        "documents/incoming/list.html",
        {
            "documents": documents,
            "next_before": next_before,
            "status": status,
            "statuses": IncomingStatus.choices,
            "today": local_today(),
        },
    )


@staff_required
def incoming_awaiting_page(request: HttpRequest) -> HttpResponse:
    """ "Văn bản chờ vào sổ": internal arrivals the clerk accepts or returns."""
    if not can_register_incoming(request.user):
        return forbidden(request, _("Chỉ văn thư tiếp nhận văn bản đến."))
    documents, next_before = _page(incoming_awaiting_acceptance(user=request.user), request)
    return render(
        request,
        "documents/incoming/awaiting.html",
        {"documents": documents, "next_before": next_before},
    )


@staff_required
def incoming_inbox_page(request: HttpRequest) -> HttpResponse:
    """The leader's inbox: registered documents nobody handles yet."""
    documents, next_before = _page(incoming_awaiting_distribution(user=request.user), request)
    return render(
        request,
        "documents/incoming/inbox.html",
        {"documents": documents, "next_before": next_before, "today": local_today()},
    )


@staff_required
def incoming_tasks_page(request: HttpRequest) -> HttpResponse:
    """ "Việc của tôi": the user's open assignments, earliest deadline first."""
    today = local_today()
    rows = [
        {"assignment": item, "overdue_days": _days_late(item.due_on, today)}
        for item in assignments_of_user(user=request.user)[:200]
    ]
    return render(request, "documents/incoming/tasks.html", {"rows": rows, "today": today})


@staff_required
def incoming_overdue_page(request: HttpRequest) -> HttpResponse:
    today = local_today()
    overdue = list(assignments_overdue(on=today, visible_to=request.user)[:200])
    return render(
        request,
        "documents/incoming/overdue.html",
        {
            "rows": [{"assignment": a, "days": _days_late(a.due_on, today)} for a in overdue],
            "summary": assignments_overdue_summary(on=today, visible_to=request.user),
        },
    )


# --- Register screen ---------------------------------------------------------------------------


def _pending_files(request: HttpRequest, token: str) -> list[tuple[Upload, str]]:
    """Files kept from a registration stopped by a duplicate warning (signed, 1 hour)."""
    try:
        payload = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return []
    if payload.get("user") != request.user.pk:
        return []
    files = []
    for sha256, name, role in payload.get("files", []):
        path = blob_path(sha256)
        if path.exists():
            files.append((Upload(name=name, stream=path.open("rb")), role))
    return files


def _pending_token(request: HttpRequest, uploads: list[tuple[Any, str]]) -> str:
    """Sign the hashes of files the store already holds, so "vẫn vào sổ" needs no re-upload."""
    files = []
    for upload, role in uploads:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        sha256 = digest.hexdigest()
        if blob_path(sha256).exists() or StoredFile.objects.filter(sha256=sha256).exists():
            files.append((sha256, upload.name, role))
    return signing.dumps({"user": request.user.pk, "files": files}, salt=PENDING_SALT)


def _register_context(form: RegisterForm, **extra: Any) -> dict[str, Any]:
    return {"form": form, "issuers": issuer_directory(), **extra}


@staff_required
def incoming_register_page(request: HttpRequest) -> HttpResponse:
    """The clerk's register screen: keyboard first, ready for the next document after saving."""
    if not can_register_incoming(request.user):
        return forbidden(request, _("Chỉ văn thư được vào sổ văn bản đến."))
    if request.method != "POST":
        return render(
            request, "documents/incoming/register.html", _register_context(RegisterForm())
        )
    form = RegisterForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request, "documents/incoming/register.html", _register_context(form), status=400
        )
    pending = _pending_files(request, request.POST.get("pending", ""))
    fresh: list[tuple[Any, str]] = []
    if form.cleaned_data["main_file"]:
        fresh.append((form.cleaned_data["main_file"], FileRole.MAIN))
    fresh += [(item, FileRole.ATTACHMENT) for item in form.cleaned_data["attachments"]]
    uploads = [(Upload(name=f.name, stream=f), role) for f, role in fresh] or [
        (upload, role) for upload, role in pending
    ]
    main = next((u for u, role in uploads if role == FileRole.MAIN), None)
    try:
        result = incoming_document_register(
            clerk=request.user,
            data=form.incoming_data(),
            main_file=main,
            attachments=[u for u, role in uploads if role == FileRole.ATTACHMENT],
            source=form.cleaned_data["source"],
            allow_duplicate=request.POST.get("allow_duplicate") == "1",
        )
    except PossibleDuplicate as duplicate:
        token = _pending_token(request, fresh) if fresh else request.POST.get("pending", "")
        names = [f.name for f, _role in fresh] or [u.name for u, _role in pending]
        context = _register_context(
            form, duplicates=duplicate.details["matches"], pending=token, pending_names=names
        )
        return render(request, "documents/incoming/register.html", context, status=409)
    except DjangoValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return render(
            request, "documents/incoming/register.html", _register_context(form), status=400
        )
    except CongsoError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return render(
            request, "documents/incoming/register.html", _register_context(form), status=400
        )
    finally:
        for upload, _role in pending:
            upload.stream.close()
    document = result.document
    messages.success(
        request,
        _("Đã vào sổ số đến %(number)s: %(subject)s")
        % {"number": document.arrival_number, "subject": document.subject[:80]},
    )
    return redirect(f"{reverse('documents:incoming-register')}?vua_vao_so={document.pk}")


# --- Detail ------------------------------------------------------------------------------------


def _targets(user: Any) -> list[tuple[str, str]]:
    units = [
        (f"unit:{unit.pk}", _("Đơn vị: %(name)s") % {"name": unit.name})
        for unit in agency_units(agency_id=user.agency_id)
    ]
    people = [
        (
            f"user:{person.pk}",
            f"{person.display_name}" + (f" — {person.unit.name}" if person.unit else ""),
        )
        for person in agency_staff(agency_id=user.agency_id)
    ]
    return units + people


def _unit_people(user: Any, unit_id: int | None) -> list[tuple[str, str]]:
    if unit_id is None:
        return []
    return [
        (f"user:{person.pk}", str(person.display_name))
        for person in agency_staff(agency_id=user.agency_id).filter(unit_id=unit_id)
        if person.pk != user.pk
    ]


def _assignment_rows(user: Any, document: IncomingDocument, allowed: Any) -> list[dict[str, Any]]:
    """Assignments in tree order (each followed by the ones given from it), with their actions."""
    items = list(document.assignments.all())
    children: dict[int | None, list[Any]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    today = local_today()
    rows: list[dict[str, Any]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for item in children.get(parent_id, []):
            actions = allowed.assignments.get(item.pk, set())
            unit_id = item.unit_id if item.assignee_id is None else user.unit_id
            rows.append(
                {
                    "assignment": item,
                    "depth": depth,
                    "actions": actions,
                    "overdue_days": _days_late(item.due_on, today)
                    if item.status in ACTIVE_ASSIGNMENT
                    else 0,
                    "sub_targets": _unit_people(user, unit_id)
                    if "sub_assign" in actions and is_unit_head(user, unit_id)
                    else [],
                }
            )
            walk(item.pk, depth + 1)

    walk(None, 0)
    return rows


@staff_required
def incoming_detail_page(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """A document with its files, distribution, notes, full history and the viewer's actions.

    POST `action=kiem-tra-chu-ky` ("Kiểm tra lại") checks the signatures of its PDFs again."""
    if request.method == "POST":
        try:
            document = access_incoming_by_id(user=request.user, document_id=document_id)
        except CongsoError:
            return render(request, "documents/incoming/not_found.html", status=404)
        return recheck_signatures(request, document)
    return incoming_detail_response(request, document_id)


def incoming_detail_response(
    request: HttpRequest, document_id: int, *, assign_form: Any = None, status: int = 200
) -> HttpResponse:
    """The detail page; after a refused assignment, `assign_form` is the form as it was sent."""
    try:
        document = access_incoming_by_id(user=request.user, document_id=document_id)
    except CongsoError:
        return render(request, "documents/incoming/not_found.html", status=404)
    incoming_detail_prefetch(document)
    allowed = incoming_allowed_actions(user=request.user, document=document)
    targets = _targets(request.user) if allowed.document or allowed.assignments else []
    files = list(
        IncomingFile.objects.select_related("stored_file", "signature_report")
        .filter(document=document)
        .order_by("ordinal", "pk")
    )
    return render(
        request,
        "documents/incoming/detail.html",
        {
            "document": document,
            "files": files,
            "signatures": document_signature_verdict(files),
            "signature_rows": signature_rows(request.user, files),
            "rows": _assignment_rows(request.user, document, allowed),
            "history": incoming_history(document),
            "extra_sections": hooks.incoming_detail_sections(request, document),
            "allowed": allowed.document,
            "assign_form": (assign_form or AssignForm(targets=targets))
            if "assign" in allowed.document
            else None,
            "targets": targets,
            "stamp": incoming_stamp(document),
            "colleagues": [t for t in targets if t[0].startswith("user:")],
        },
        status=status,
    )


@staff_required
def incoming_file_download(
    request: HttpRequest, document_id: int, file_id: int
) -> HttpResponseBase:
    try:
        incoming_file = access_incoming_file_by_id(
            user=request.user, document_id=document_id, file_id=file_id
        )
    except CongsoError:
        return render(request, "documents/incoming/not_found.html", status=404)
    stored = incoming_file.stored_file
    response = FileResponse(
        stored_file_open(stored),
        as_attachment=True,
        filename=incoming_file.name,
        content_type=stored.media_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
