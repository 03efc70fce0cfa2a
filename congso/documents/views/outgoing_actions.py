"""POST actions of the outgoing-document pages: each calls one service, then goes back to the
document with a message (errors are shown, never a 500)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.core.errors import CongsoError
from congso.documents.services import outgoing as services
from congso.documents.services.outgoing_signing import outgoing_document_seal
from congso.documents.views.common import staff_required
from congso.documents.views.outgoing import load_document
from congso.documents.views.outgoing_forms import CommentForm, DecisionForm, RevokeForm


def _run(request: HttpRequest, document: Any, action: Callable[[], Any], done: str) -> HttpResponse:
    try:
        action()
    except CongsoError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("documents:outgoing-detail", document_id=document.pk)


@require_POST
@staff_required
def outgoing_submit(request: HttpRequest, document_id: int) -> HttpResponse:
    document = load_document(request, document_id)
    return _run(
        request,
        document,
        lambda: services.outgoing_document_submit(actor=request.user, document=document),
        _("Đã trình duyệt văn bản."),
    )


@require_POST
@staff_required
def outgoing_decide(request: HttpRequest, document_id: int) -> HttpResponse:
    """Approve ("Đồng ý") or return ("Trả lại") the pending step, per the button pressed."""
    document = load_document(request, document_id)
    form = DecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if request.POST.get("decision") == "return":
        return _run(
            request,
            document,
            lambda: services.outgoing_step_return(
                actor=request.user, document=document, comment=comment
            ),
            _("Đã trả lại văn bản cho người soạn thảo."),
        )
    return _run(
        request,
        document,
        lambda: services.outgoing_step_approve(
            actor=request.user, document=document, comment=comment
        ),
        _("Đã duyệt văn bản."),
    )


@require_POST
@staff_required
def outgoing_issue(request: HttpRequest, document_id: int) -> HttpResponse:
    """The văn thư's two steps, per the button pressed: "Ký số của cơ quan" (step=seal) applies
    the organisation's signature to the person-signed PDF; otherwise the document is issued."""
    document = load_document(request, document_id)
    if request.POST.get("step") == "seal":
        return _run(
            request,
            document,
            lambda: outgoing_document_seal(clerk=request.user, document=document),
            _("Đã ký số của cơ quan. Văn bản sẵn sàng ban hành."),
        )
    return _run(
        request,
        document,
        lambda: services.outgoing_document_issue(clerk=request.user, document=document),
        _("Đã ban hành văn bản."),
    )


@require_POST
@staff_required
def outgoing_revoke(request: HttpRequest, document_id: int) -> HttpResponse:
    document = load_document(request, document_id)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(
        request,
        document,
        lambda: services.outgoing_document_revoke(
            actor=request.user, document=document, reason=reason
        ),
        _("Đã thu hồi văn bản."),
    )


@require_POST
@staff_required
def outgoing_comment(request: HttpRequest, document_id: int) -> HttpResponse:
    document = load_document(request, document_id)
    form = CommentForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return _run(
        request,
        document,
        lambda: services.outgoing_comment_add(author=request.user, document=document, text=text),
        _("Đã ghi ý kiến."),
    )
