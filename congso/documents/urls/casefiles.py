"""Case file pages under /van-ban/ho-so/ (namespace "documents")."""

from django.urls import path

from congso.documents.views import casefiles

one = "<int:case_file_id>/"
urlpatterns = [
    path("", casefiles.casefile_list_page, name="casefile-list"),
    path(one, casefiles.casefile_detail_page, name="casefile-detail"),
    path(one + "them-van-ban/", casefiles.casefile_add_document, name="casefile-add"),
    path(one + "sap-xep/", casefiles.casefile_move, name="casefile-move"),
    path(one + "bo-van-ban/", casefiles.casefile_remove, name="casefile-remove"),
    path(one + "ket-thuc/", casefiles.casefile_close, name="casefile-close"),
    path(one + "xuat/<str:fmt>/", casefiles.casefile_export, name="casefile-export"),
]
