"""/api/v1/documents/incoming/… (mounted by congso/documents/api/urls.py)."""

from django.urls import path

from congso.documents.api.incoming import actions, views

one = "incoming/<int:document_id>/"
assignment = one + "assignments/<int:assignment_id>/"

urlpatterns = [
    path("incoming/", views.IncomingListRegisterApi.as_view(), name="incoming-list"),
    path("incoming/overdue/", views.OverdueAssignmentListApi.as_view(), name="incoming-overdue"),
    path(
        "incoming/overdue/summary/",
        views.OverdueSummaryApi.as_view(),
        name="incoming-overdue-summary",
    ),
    path(one, views.IncomingDetailApi.as_view(), name="incoming-detail"),
    path(
        one + "files/<int:file_id>/",
        views.IncomingFileDownloadApi.as_view(),
        name="incoming-file-download",
    ),
    path(one + "stamp/", views.IncomingStampApi.as_view(), name="incoming-stamp"),
    path(one + "accept/", actions.IncomingAcceptApi.as_view(), name="incoming-accept"),
    path(
        one + "signatures/recheck/",
        actions.IncomingSignaturesRecheckApi.as_view(),
        name="incoming-signatures-recheck",
    ),
    path(one + "return/", actions.IncomingReturnApi.as_view(), name="incoming-return"),
    path(one + "assignments/", actions.IncomingAssignApi.as_view(), name="incoming-assign"),
    path(one + "notes/", actions.HandlingNoteApi.as_view(), name="incoming-note"),
    path(one + "secret-grants/", actions.SecretGrantApi.as_view(), name="incoming-secret-grant"),
    path(
        assignment + "sub-assign/",
        actions.AssignmentSubAssignApi.as_view(),
        name="incoming-assignment-sub-assign",
    ),
    path(
        assignment + "start/",
        actions.AssignmentStartApi.as_view(),
        name="incoming-assignment-start",
    ),
    path(
        assignment + "complete/",
        actions.AssignmentCompleteApi.as_view(),
        name="incoming-assignment-complete",
    ),
    path(
        assignment + "reassign/",
        actions.AssignmentReassignApi.as_view(),
        name="incoming-assignment-reassign",
    ),
    path(
        assignment + "return/",
        actions.AssignmentReturnApi.as_view(),
        name="incoming-assignment-return",
    ),
]
