"""POST handlers of the incoming-document pages: parse a small form, call one service, report
the outcome in Vietnamese and go back to the document (post/redirect/get)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.core.errors import CongsoError
from congso.documents.access import access_assignment_by_id, access_incoming_by_id
from congso.documents.errors import DocumentNotFound
from congso.documents.services.distribution import (
    AssignmentEntry,
    assignment_reassign,
    assignment_sub_assign,
    incoming_document_assign,
)
from congso.documents.services.incoming_handling import (
    assignment_complete,
    assignment_return,
    assignment_start,
    handling_note_add,
)
from congso.documents.services.incoming_internal import (
    incoming_document_accept,
    incoming_document_return_to_sender,
)
from congso.documents.services.secrets import secret_access_grant
from congso.documents.views.common import staff_required
from congso.documents.views.incoming import _targets, incoming_detail_response
from congso.documents.views.incoming_forms import (
    AssignForm,
    CompleteForm,
    NoteForm,
    PersonForm,
    ReasonForm,
)
from congso.organizations.models import Agency


class FormInvalid(Exception):
    def __init__(self, form: Any) -> None:
        self.form = form


def _detail(document_id: int) -> str:
    return reverse("documents:incoming-detail", kwargs={"document_id": document_id})


def document_action(view: Callable[..., str | None]) -> Callable[..., HttpResponseBase]:
    """Staff only, POST only; a business refusal becomes a message, a missing document a 404.

    The wrapped function returns a success message (or None) and the user lands on the
    document again — or on `next` when the form names a page of this site.
    """

    @staff_required
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, document_id: int, **kwargs: Any) -> HttpResponseBase:
        try:
            done = view(request, document_id, **kwargs)
        except DocumentNotFound:
            return render(request, "documents/incoming/not_found.html", status=404)
        except FormInvalid as invalid:
            for problems in invalid.form.errors.values():
                for problem in problems:
                    messages.error(request, problem)
            if isinstance(invalid.form, AssignForm) and not request.POST.get("next"):
                # the page again, the form as sent: what was typed kept, problems by their fields
                return incoming_detail_response(
                    request, document_id, assign_form=invalid.form, status=400
                )
        except DjangoValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        except CongsoError as error:
            messages.error(request, error.message)
        else:
            if done:
                messages.success(request, done)
        target = request.POST.get("next", "")
        if target.startswith("/van-ban/"):
            return redirect(target)
        return redirect(_detail(document_id))

    return wrapper


def _form(form_class: Any, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        raise FormInvalid(form)
    return dict(form.cleaned_data)


def _target(value: str, user: Any) -> tuple[Any, Any]:
    """ "unit:12" / "user:34" → (unit, None) / (None, user), inside the user's agency."""
    kind, _sep, raw = (value or "").partition(":")
    if not raw.isdigit():
        raise CongsoError(_("Chọn đơn vị hoặc người."), code="invalid_target")
    if kind == "unit":
        unit = Agency.objects.filter(pk=int(raw), parent_id=user.agency_id).first()
        if unit is None:
            raise CongsoError(_("Đơn vị không thuộc cơ quan."), code="invalid_unit")
        return unit, None
    person = get_user_model().objects.filter(pk=int(raw), agency_id=user.agency_id).first()
    if person is None:
        raise CongsoError(_("Người được chọn không thuộc cơ quan."), code="invalid_assignee")
    return None, person


@document_action
def accept(request: HttpRequest, document_id: int) -> str:
    document = access_incoming_by_id(user=request.user, document_id=document_id)
    accepted = incoming_document_accept(clerk=request.user, document=document)
    return _("Đã tiếp nhận, vào sổ số đến %(number)s.") % {"number": accepted.arrival_number}


@document_action
def return_to_sender(request: HttpRequest, document_id: int) -> str:
    document = access_incoming_by_id(user=request.user, document_id=document_id)
    data = _form(ReasonForm, request)
    incoming_document_return_to_sender(clerk=request.user, document=document, reason=data["reason"])
    return _("Đã trả lại văn bản cho nơi gửi.")


@document_action
def assign(request: HttpRequest, document_id: int) -> str:
    document = access_incoming_by_id(user=request.user, document_id=document_id)
    form = AssignForm(request.POST, targets=_targets(request.user))
    if not form.is_valid():
        raise FormInvalid(form)
    data = form.cleaned_data
    try:
        entries = []
        for role, value in form.entries():
            unit, person = _target(value, request.user)
            entries.append(AssignmentEntry(role=role, unit=unit, assignee=person))
        incoming_document_assign(
            actor=request.user,
            document=document,
            entries=entries,
            direction_note=data["direction_note"],
            days=data["days"],
            due_on=data["due_on"],
        )
    except CongsoError as refused:  # shown on the form, next to its field when it names one
        form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        raise FormInvalid(form) from refused
    return _("Đã phân công xử lý văn bản.")


@document_action
def note(request: HttpRequest, document_id: int) -> str:
    document = access_incoming_by_id(user=request.user, document_id=document_id)
    data = _form(NoteForm, request)
    assignment_id = data.pop("assignment")
    assignment = (
        access_assignment_by_id(
            user=request.user, document_id=document.pk, assignment_id=assignment_id
        )
        if assignment_id
        else None
    )
    handling_note_add(actor=request.user, document=document, assignment=assignment, **data)
    return _("Đã ghi ý kiến.")


@document_action
def grant_secret(request: HttpRequest, document_id: int) -> str:
    document = access_incoming_by_id(user=request.user, document_id=document_id)
    data = _form(PersonForm, request)
    _unit, person = _target(data["target"], request.user)
    if person is None:
        raise CongsoError(_("Chọn một cán bộ."), code="invalid_assignee")
    secret_access_grant(actor=request.user, document=document, user=person)
    return _("Đã cấp quyền xem văn bản mật cho %(name)s.") % {"name": person.display_name}


def _assignment(request: HttpRequest, document_id: int, assignment_id: int) -> Any:
    return access_assignment_by_id(
        user=request.user, document_id=document_id, assignment_id=assignment_id
    )


@document_action
def start(request: HttpRequest, document_id: int, assignment_id: int) -> str:
    assignment_start(
        actor=request.user, assignment=_assignment(request, document_id, assignment_id)
    )
    return _("Đã bắt đầu xử lý.")


@document_action
def complete(request: HttpRequest, document_id: int, assignment_id: int) -> str:
    data = _form(CompleteForm, request)
    assignment = _assignment(request, document_id, assignment_id)
    assignment_complete(actor=request.user, assignment=assignment, note=data["note"])
    return _("Đã ghi nhận hoàn thành.")


@document_action
def give_back(request: HttpRequest, document_id: int, assignment_id: int) -> str:
    data = _form(ReasonForm, request)
    assignment = _assignment(request, document_id, assignment_id)
    assignment_return(actor=request.user, assignment=assignment, reason=data["reason"])
    return _("Đã trả lại phần việc.")


@document_action
def sub_assign(request: HttpRequest, document_id: int, assignment_id: int) -> str:
    data = _form(PersonForm, request)
    _unit, person = _target(data["target"], request.user)
    assignment_sub_assign(
        actor=request.user,
        assignment=_assignment(request, document_id, assignment_id),
        assignee=person,
        days=data["days"],
        note=data["note"],
    )
    return _("Đã giao xử lý trong đơn vị.")


@document_action
def reassign(request: HttpRequest, document_id: int, assignment_id: int) -> str:
    data = _form(PersonForm, request)
    unit, person = _target(data["target"], request.user)
    assignment_reassign(
        actor=request.user,
        assignment=_assignment(request, document_id, assignment_id),
        unit=unit,
        assignee=person,
        days=data["days"],
        note=data["note"],
    )
    return _("Đã chuyển người xử lý.")


ASSIGNMENT_ACTIONS: dict[str, Callable[..., HttpResponseBase]] = {
    "bat-dau": start,
    "hoan-thanh": complete,
    "tra-lai": give_back,
    "giao-tiep": sub_assign,
    "chuyen": reassign,
}


@staff_required
def assignment_action(
    request: HttpRequest, document_id: int, assignment_id: int, action: str
) -> HttpResponseBase:
    handler = ASSIGNMENT_ACTIONS.get(action)
    if handler is None:
        return render(request, "documents/incoming/not_found.html", status=404)
    return handler(request, document_id, assignment_id=assignment_id)
