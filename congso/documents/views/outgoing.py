"""Staff pages for outgoing documents (văn bản đi), mounted at /van-ban/di/.

Lists (my drafts, "Chờ tôi duyệt", "Chờ ban hành", issued), the compose and upload forms, the
detail page with its preview, circuit, versions and comments. Actions (POST) are in
`outgoing_actions.py`. Every document is loaded through `access_outgoing_by_id`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from congso.core.errors import CongsoError
from congso.documents import hooks
from congso.documents.access import access_outgoing_by_id
from congso.documents.constants import (
    OutgoingStatus,
    ReviewStepKind,
    ReviewStepStatus,
    SignatureState,
)
from congso.documents.errors import DocumentNotFound
from congso.documents.selectors import outgoing as selectors
from congso.documents.services import outgoing as services
from congso.documents.services.files import stored_file_open
from congso.documents.signing import document_signer
from congso.documents.views.common import staff_required
from congso.documents.views.outgoing_forms import (
    CommentForm,
    DecisionForm,
    DraftForm,
    RecipientsForm,
    RevokeForm,
    UploadForm,
)

PAGE_SIZE = 30
TEMPLATES = "documents/outgoing/"


def load_document(request: HttpRequest, document_id: int) -> Any:
    try:
        return access_outgoing_by_id(user=request.user, document_id=document_id)
    except DocumentNotFound as exc:
        raise Http404(exc.message) from exc


def _list_page(
    request: HttpRequest, documents: Any, *, title: str, tab: str, empty: str
) -> HttpResponse:
    """Newest first, PAGE_SIZE rows per page, paged by id ("?truoc=<id>"): no COUNT query."""
    before = request.GET.get("truoc", "")
    if before.isdigit():
        documents = documents.filter(pk__lt=int(before))
    rows = list(documents[: PAGE_SIZE + 1])
    more = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    return render(
        request,
        TEMPLATES + "list.html",
        {
            "documents": rows[:PAGE_SIZE],
            "next_before": more,
            "title": title,
            "tab": tab,
            "empty": empty,
        },
    )


@require_GET
@staff_required
def outgoing_list(request: HttpRequest) -> HttpResponse:
    """My agency's outgoing documents I may read: drafts and in review first."""
    status = request.GET.get("trang_thai") or None
    if status not in OutgoingStatus.values:
        status = None
    documents = selectors.outgoing_list_visible_to(user=request.user, status=status)
    return _list_page(
        request,
        documents,
        title=_("Văn bản đi"),
        tab="all",
        empty=_("Chưa có văn bản đi nào."),
    )


@require_GET
@staff_required
def outgoing_pending_review(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        selectors.outgoing_pending_review_for(user=request.user),
        title=_("Chờ tôi duyệt"),
        tab="review",
        empty=_("Không có văn bản nào chờ bạn duyệt."),
    )


@require_GET
@staff_required
def outgoing_ready_to_issue(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        selectors.outgoing_ready_to_issue_for(user=request.user),
        title=_("Chờ ban hành"),
        tab="ready",
        empty=_("Không có văn bản nào chờ ban hành."),
    )


@require_GET
@staff_required
def outgoing_issued(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        selectors.outgoing_list_visible_to(user=request.user, status=OutgoingStatus.ISSUED),
        title=_("Văn bản đã ban hành"),
        tab="issued",
        empty=_("Chưa có văn bản nào được ban hành."),
    )


def _draft_kwargs(form: DraftForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "document_type": data["document_type"],
        "subject": data["subject"],
        "addressed_to": data["addressed_to"],
        "urgency": data["urgency"],
        "secrecy": data["secrecy"],
        "signer": data["signer"],
        "authority_line": data["authority_line"],
        "reviewers": form.reviewers(),
    }


@require_http_methods(["GET", "POST"])
@staff_required
def outgoing_compose(request: HttpRequest) -> HttpResponse:
    """Soạn thảo: the form fills the layout of Phụ lục I; the PDF is rendered on saving."""
    upload_mode = request.GET.get("tai_len") == "1" or "file" in request.FILES
    form = DraftForm(request.POST if request.method == "POST" else None, user=request.user)
    recipients = RecipientsForm(
        request.POST if request.method == "POST" else None, user=request.user, prefix="nn"
    )
    upload = (
        UploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
        if upload_mode
        else None
    )
    if request.method == "POST" and form.is_valid() and recipients.is_valid():
        if upload is None or upload.is_valid():
            try:
                document = _create(request, form, recipients, upload)
            except CongsoError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã lưu dự thảo."))
                return redirect("documents:outgoing-detail", document_id=document.pk)
    return render(
        request,
        TEMPLATES + "compose.html",
        {"form": form, "recipients_form": recipients, "upload_form": upload, "document": None},
    )


def _create(
    request: HttpRequest, form: DraftForm, recipients: RecipientsForm, upload: UploadForm | None
) -> Any:
    kwargs = _draft_kwargs(form)
    kwargs["drafting_unit"] = form.cleaned_data["drafting_unit"]
    if upload is not None:
        file = upload.cleaned_data["file"]
        return services.outgoing_draft_upload(
            author=request.user,
            stream=file,
            file_name=file.name,
            recipients=recipients.specs(),
            **kwargs,
        )
    return services.outgoing_draft_create(
        author=request.user,
        body=form.cleaned_data["body"],
        recipients=recipients.specs(),
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def outgoing_edit(request: HttpRequest, document_id: int) -> HttpResponse:
    """Sửa dự thảo: each save is a new version; the earlier ones stay as they were."""
    document = load_document(request, document_id)
    steps = list(document.review_steps.order_by("ordinal").select_related("reviewer"))
    initial = {
        "document_type": document.document_type_id,
        "subject": document.subject,
        "addressed_to": document.addressed_to,
        "body": document.body,
        "urgency": document.urgency_id,
        "secrecy": document.secrecy_id,
        "drafting_unit": document.drafting_unit_id,
        "signer": document.signer_id,
        "authority_line": _authority(document),
    }
    for slot, step in enumerate((s for s in steps if s.kind == "review"), start=1):
        initial[f"reviewer_{slot}"] = step.reviewer_id
    form = DraftForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    recipients = RecipientsForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        prefix="nn",
        initial={
            "agencies": [r.agency_id for r in document.recipients.all() if r.agency_id],
            "outside": "\n".join(
                f"{r.name} | {r.organ_id}" if r.organ_id else r.name
                for r in document.recipients.all()
                if r.agency_id is None
            ),
        },
    )
    if request.method == "POST" and form.is_valid() and recipients.is_valid():
        try:
            services.outgoing_recipients_set(
                actor=request.user, document=document, recipients=recipients.specs()
            )
            services.outgoing_draft_update(
                actor=request.user,
                document=document,
                body=form.cleaned_data["body"],
                **_draft_kwargs(form),
            )
        except CongsoError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã lưu phiên bản mới của dự thảo."))
            return redirect("documents:outgoing-detail", document_id=document.pk)
    return render(
        request,
        TEMPLATES + "compose.html",
        {"form": form, "recipients_form": recipients, "upload_form": None, "document": document},
    )


def _authority(document: Any) -> str:
    from congso.documents.services.outgoing_common import latest_authority_line

    return latest_authority_line(document)


@require_GET
@staff_required
def outgoing_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    document = load_document(request, document_id)
    selectors.outgoing_detail_prefetch(document)
    versions = list(selectors.outgoing_versions_of(document))
    allowed = selectors.outgoing_permissions_for(request.user, document)
    context = {
        "document": document,
        "versions": versions,
        "latest": versions[0] if versions else None,
        "issued_version": next((v for v in versions if v.origin == "issued"), None),
        "comments": selectors.outgoing_comments_of(document),
        "allowed": allowed,
        "signing": _signing_context(document, allowed),
        "comment_form": CommentForm(),
        "decision_form": DecisionForm(),
        "revoke_form": RevokeForm(),
        "extra_sections": hooks.outgoing_detail_sections(request, document),
    }
    return render(request, TEMPLATES + "detail.html", context)


def _signing_context(document: Any, allowed: dict[str, bool]) -> dict[str, bool]:
    """What the signing part of the page offers: with a signer configured the signer's
    "Đồng ý" also numbers and signs; the văn thư seals a person-signed document, then issues."""
    enabled = document_signer() is not None
    pending = next(
        (s for s in document.review_steps.all() if s.status == ReviewStepStatus.PENDING), None
    )
    state = document.signature_state
    return {
        "enabled": enabled,
        "review_signs": enabled and pending is not None and pending.kind == ReviewStepKind.SIGN,
        "can_seal": allowed["can_issue"] and enabled and state == SignatureState.PERSON_SIGNED,
        "issue_ready": allowed["can_issue"]
        and not (enabled and state == SignatureState.PERSON_SIGNED),
    }


@require_GET
@staff_required
@xframe_options_sameorigin
def outgoing_version_file(
    request: HttpRequest, document_id: int, number: int, kind: str = "pdf"
) -> FileResponse:
    """A stored version, byte for byte (inline, so the detail page can preview it)."""
    document = load_document(request, document_id)
    version = selectors.outgoing_version_get(document, number)
    stored = None
    if version is not None:
        stored = version.rendered_file if kind == "pdf" else version.source_file
    if stored is None:
        raise Http404(_("Không tìm thấy phiên bản."))
    extension = "pdf" if stored.media_type == "application/pdf" else "docx"
    return FileResponse(
        stored_file_open(stored),
        content_type=stored.media_type,
        as_attachment=kind != "pdf",
        filename=f"van-ban-di-{document.pk}-v{number}.{extension}",
    )
