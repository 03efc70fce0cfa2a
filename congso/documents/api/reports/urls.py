"""/api/v1/documents/reports/… and /api/v1/documents/case-files/… (mounted by api/urls.py)."""

from django.urls import path

from congso.documents.api.reports import casefiles, views

one = "case-files/<int:case_file_id>/"

urlpatterns = [
    path(
        "reports/registers/incoming/",
        views.IncomingRegisterApi.as_view(),
        name="report-register-incoming",
    ),
    path(
        "reports/registers/outgoing/",
        views.OutgoingRegisterApi.as_view(),
        name="report-register-outgoing",
    ),
    path("reports/handling/", views.HandlingReportApi.as_view(), name="report-handling"),
    path("case-files/", casefiles.CaseFileListCreateApi.as_view(), name="case-file-list"),
    path(one, casefiles.CaseFileDetailApi.as_view(), name="case-file-detail"),
    path(one + "documents/", casefiles.CaseFileDocumentsApi.as_view(), name="case-file-documents"),
    path(
        one + "documents/<int:item_id>/",
        casefiles.CaseFileItemApi.as_view(),
        name="case-file-item",
    ),
    path(one + "reorder/", casefiles.CaseFileReorderApi.as_view(), name="case-file-reorder"),
    path(one + "close/", casefiles.CaseFileCloseApi.as_view(), name="case-file-close"),
    path(one + "export/", casefiles.CaseFileExportApi.as_view(), name="case-file-export"),
]
