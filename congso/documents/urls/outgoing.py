"""Outgoing-document pages under /van-ban/di/ (namespace "documents")."""

from django.urls import path

from congso.documents.views import outgoing, outgoing_actions

urlpatterns = [
    path("", outgoing.outgoing_list, name="outgoing-list"),
    path("soan-thao/", outgoing.outgoing_compose, name="outgoing-compose"),
    path("cho-toi-duyet/", outgoing.outgoing_pending_review, name="outgoing-pending-review"),
    path("cho-ban-hanh/", outgoing.outgoing_ready_to_issue, name="outgoing-ready"),
    path("da-ban-hanh/", outgoing.outgoing_issued, name="outgoing-issued"),
    path("<int:document_id>/", outgoing.outgoing_detail, name="outgoing-detail"),
    path("<int:document_id>/sua/", outgoing.outgoing_edit, name="outgoing-edit"),
    path(
        "<int:document_id>/phien-ban/<int:number>/<str:kind>/",
        outgoing.outgoing_version_file,
        name="outgoing-version-file",
    ),
    path("<int:document_id>/trinh/", outgoing_actions.outgoing_submit, name="outgoing-submit"),
    path("<int:document_id>/duyet/", outgoing_actions.outgoing_decide, name="outgoing-decide"),
    path("<int:document_id>/ban-hanh/", outgoing_actions.outgoing_issue, name="outgoing-issue"),
    path("<int:document_id>/thu-hoi/", outgoing_actions.outgoing_revoke, name="outgoing-revoke"),
    path("<int:document_id>/y-kien/", outgoing_actions.outgoing_comment, name="outgoing-comment"),
]
