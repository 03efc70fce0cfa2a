"""Outgoing documents under /api/v1/documents/outgoing/."""

from django.urls import path

from congso.documents.api.outgoing import actions, views

P = "outgoing/<int:document_id>/"

urlpatterns = [
    path("outgoing/", views.OutgoingListCreateApi.as_view(), name="outgoing-list"),
    path("outgoing/upload/", views.OutgoingUploadApi.as_view(), name="outgoing-upload"),
    path(
        "outgoing/pending-review/",
        views.OutgoingPendingReviewApi.as_view(),
        name="outgoing-pending-review",
    ),
    path(
        "outgoing/ready-to-issue/",
        views.OutgoingReadyToIssueApi.as_view(),
        name="outgoing-ready-to-issue",
    ),
    path(P, views.OutgoingDetailApi.as_view(), name="outgoing-detail"),
    path(P + "versions/", views.OutgoingVersionsApi.as_view(), name="outgoing-versions"),
    path(
        P + "versions/<int:number>/<str:kind>/",
        views.OutgoingVersionFileApi.as_view(),
        name="outgoing-version-file",
    ),
    path(P + "comments/", views.OutgoingCommentsApi.as_view(), name="outgoing-comments"),
    path(P + "attachments/", views.OutgoingAttachmentsApi.as_view(), name="outgoing-attachments"),
    path(
        P + "attachments/<int:attachment_id>/file/",
        views.OutgoingAttachmentFileApi.as_view(),
        name="outgoing-attachment-file",
    ),
    path(P + "recipients/", actions.OutgoingRecipientsApi.as_view(), name="outgoing-recipients"),
    path(P + "submit/", actions.OutgoingSubmitApi.as_view(), name="outgoing-submit"),
    path(P + "approve/", actions.OutgoingApproveApi.as_view(), name="outgoing-approve"),
    path(P + "return/", actions.OutgoingReturnApi.as_view(), name="outgoing-return"),
    path(P + "seal/", actions.OutgoingSealApi.as_view(), name="outgoing-seal"),
    path(P + "issue/", actions.OutgoingIssueApi.as_view(), name="outgoing-issue"),
    path(P + "revoke/", actions.OutgoingRevokeApi.as_view(), name="outgoing-revoke"),
    path(P + "replace/", actions.OutgoingReplaceApi.as_view(), name="outgoing-replace"),
    path(P + "correct/", actions.OutgoingCorrectApi.as_view(), name="outgoing-correct"),
]
