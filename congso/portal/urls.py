from django.urls import path

from congso.portal import views, views_fees

app_name = "portal"
urlpatterns = [
    path("", views.portal_home, name="home"),
    path("nop/<str:procedure_code>/", views.dossier_start, name="dossier-start"),
    path("ho-so/", views.my_dossiers, name="my-dossiers"),
    path("ho-so/<int:dossier_id>/", views.dossier_page, name="dossier"),
    path("ho-so/<int:dossier_id>/tai-len/", views.dossier_upload, name="dossier-upload"),
    path("ho-so/<int:dossier_id>/thanh-toan/", views.dossier_pay, name="dossier-pay"),
    path("ho-so/<int:dossier_id>/nop/", views.dossier_submit_view, name="dossier-submit"),
    path("ho-so/<int:dossier_id>/bien-nhan/", views.dossier_receipt, name="receipt"),
    path("ho-so/<int:dossier_id>/bo-sung/", views.dossier_supplement, name="dossier-supplement"),
    path("ho-so/<int:dossier_id>/danh-gia/", views.dossier_rate_view, name="dossier-rate"),
    path("ho-so/<int:dossier_id>/nop-tien/", views_fees.dossier_fee_pay, name="dossier-fee-pay"),
    path(
        "ho-so/<int:dossier_id>/thong-bao-dung.pdf",
        views_fees.dossier_stop_notice,
        name="dossier-stop-notice",
    ),
    path("thanh-toan/ket-qua/", views_fees.fee_callback, name="fee-callback"),
    path("tra-cuu/", views.lookup, name="lookup"),
]
