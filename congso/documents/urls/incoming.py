"""Incoming-document pages under /van-ban/ (namespace "documents")."""

from django.urls import path

from congso.documents.views import incoming as pages
from congso.documents.views import incoming_actions as actions

one = "den/<int:document_id>/"

urlpatterns = [
    path("", pages.incoming_list_page, name="incoming-list"),
    path("den/vao-so/", pages.incoming_register_page, name="incoming-register"),
    path("den/cho-vao-so/", pages.incoming_awaiting_page, name="incoming-awaiting"),
    path("den/phan-phoi/", pages.incoming_inbox_page, name="incoming-inbox"),
    path("den/qua-han/", pages.incoming_overdue_page, name="incoming-overdue"),
    path("viec-cua-toi/", pages.incoming_tasks_page, name="incoming-tasks"),
    path(one, pages.incoming_detail_page, name="incoming-detail"),
    path(one + "tep/<int:file_id>/", pages.incoming_file_download, name="incoming-file"),
    path(one + "tiep-nhan/", actions.accept, name="incoming-accept"),
    path(one + "tra-lai/", actions.return_to_sender, name="incoming-return"),
    path(one + "phan-cong/", actions.assign, name="incoming-assign"),
    path(one + "y-kien/", actions.note, name="incoming-note"),
    path(one + "cap-quyen-mat/", actions.grant_secret, name="incoming-grant-secret"),
    path(
        one + "phan-cong/<int:assignment_id>/<slug:action>/",
        actions.assignment_action,
        name="incoming-assignment-action",
    ),
]
