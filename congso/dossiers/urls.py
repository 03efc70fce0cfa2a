"""Staff pages of the one-stop desk, mounted at /mot-cua/ (namespace "dossiers")."""

from django.urls import path

from congso.dossiers.views import actions, lists, pages, printouts

app_name = "dossiers"
one = "ho-so/<int:dossier_id>/"

urlpatterns = [
    path("", pages.queue_page, name="queue"),
    path("dang-giai-quyet/", pages.handling_page, name="handling"),
    path("tiep-nhan-tai-quay/", pages.counter_intake_page, name="intake"),
    path("han-xu-ly/", lists.deadlines_page, name="deadlines"),
    path("so-theo-doi/", printouts.tracking_book_page, name="book"),
    path("so-theo-doi.<slug:kind>", printouts.tracking_book_file, name="book-file"),
    path("so-thu-tu/", lists.queue_numbers_page, name="queue-numbers"),
    path("so-thu-tu/quay/<int:counter_id>/lay-so/", lists.queue_ticket_new, name="ticket-new"),
    path("so-thu-tu/quay/<int:counter_id>/goi-so/", lists.queue_ticket_call, name="ticket-call"),
    path(one, pages.detail_page, name="detail"),
    path(one + "tep/<int:file_id>/", pages.file_download, name="file"),
    path(one + "ket-qua/", pages.result_download, name="result"),
    path(one + "in/<slug:form>.pdf", printouts.form_pdf, name="form-pdf"),
    path(one + "tiep-nhan/", actions.receive, name="receive"),
    path(one + "yeu-cau-bo-sung/", actions.supplement_request, name="supplement-request"),
    path(one + "nhan-bo-sung/", actions.supplement_submit, name="supplement-submit"),
    path(one + "tu-choi/", actions.refuse, name="refuse"),
    path(one + "chuyen/", actions.forward, name="forward"),
    path(one + "hoan-thanh-buoc/", actions.complete_step, name="complete-step"),
    path(one + "gia-han/", actions.extend, name="extend"),
    path(one + "ket-thuc/", actions.finish, name="finish"),
    path(one + "tra-ket-qua/", actions.give_back, name="return"),
    path(one + "yeu-cau-nop-tien/", actions.fee_request, name="fee-request"),
    path(one + "da-nop-tien/", actions.fee_paid, name="fee-paid"),
    path(one + "dung-xu-ly/", actions.stop, name="stop"),
]
