"""Signing keys, signing records and stored validation reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from congso.core.models import TimeStampedModel
from congso.signatures.constants import KeyProviderKind, KeyPurpose, ValidationVerdict


class SigningKey(TimeStampedModel):
    """Where a person's or an agency's private key lives. Never holds a PIN or a key: the PIN
    comes from an environment variable named here, or from the user at signing time."""

    purpose = models.CharField(_("mục đích"), max_length=20, choices=KeyPurpose.choices)
    provider = models.CharField(_("loại thiết bị"), max_length=20, choices=KeyProviderKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_keys",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_keys",
    )
    module_path = models.CharField(_("thư viện PKCS#11"), max_length=255, blank=True)
    token_label = models.CharField(_("nhãn thiết bị"), max_length=64, blank=True)
    key_label = models.CharField(_("nhãn khóa"), max_length=64, blank=True)
    pkcs12_path = models.CharField(_("tệp PKCS#12"), max_length=255, blank=True)
    pin_env = models.CharField(_("biến môi trường chứa PIN"), max_length=64, blank=True)
    certificate_subject = models.CharField(_("chủ thể chứng thư"), max_length=500, blank=True)
    certificate_sha256 = models.CharField(_("dấu vân tay SHA-256"), max_length=64, blank=True)
    image = models.BinaryField(_("ảnh chữ ký / con dấu (PNG)"), blank=True, default=b"")
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("khóa ký số")
        verbose_name_plural = _("khóa ký số")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(purpose=KeyPurpose.PERSON, owner__isnull=False)
                    | Q(purpose=KeyPurpose.ORGANISATION, agency__isnull=False)
                ),
                name="signing_key_has_holder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.certificate_subject or self.key_label}"


class SigningRecord(models.Model):
    """One signature applied by congso (who, with which key, on which bytes)."""

    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="records")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_records"
    )
    purpose = models.CharField(_("mục đích"), max_length=20, choices=KeyPurpose.choices)
    document_ref = models.CharField(_("văn bản"), max_length=100, blank=True)
    field_name = models.CharField(_("ô chữ ký"), max_length=64)
    level = models.CharField(_("mức PAdES"), max_length=8)
    input_sha256 = models.CharField(max_length=64)
    output_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(_("thời điểm ký"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần ký số")
        verbose_name_plural = _("các lần ký số")
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.field_name} {self.output_sha256[:12]}"


def _validation_upload_to(instance: ValidationRecord, filename: str) -> str:
    return f"signatures/validations/{instance.file_sha256[:2]}/{instance.file_sha256}.pdf"


class ValidationRecord(TimeStampedModel):
    """A stored validation report (biên bản kiểm tra chữ ký số) for one file."""

    file = models.FileField(_("tệp"), upload_to=_validation_upload_to, max_length=255)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64, db_index=True)
    file_size = models.BigIntegerField(_("kích thước"))
    verdict = models.CharField(_("kết luận"), max_length=20, choices=ValidationVerdict.choices)
    summary = models.TextField(_("tóm tắt"))
    report = models.JSONField(_("biên bản (JSON)"))
    etsi_report_xml = models.TextField(_("báo cáo ETSI TS 119 102-2"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="validation_records",
    )
    agency = models.ForeignKey(
        "organizations.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="validation_records",
    )
    document_ref = models.CharField(_("văn bản"), max_length=100, blank=True)
    validated_at = models.DateTimeField(_("thời điểm kiểm tra"))
    check_count = models.PositiveIntegerField(_("số lần kiểm tra"), default=1)

    class Meta:
        verbose_name = _("biên bản kiểm tra chữ ký số")
        verbose_name_plural = _("biên bản kiểm tra chữ ký số")
        ordering = ["-validated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} — {self.get_verdict_display()}"


class ExternalSigningSession(TimeStampedModel):
    """Between the two requests of hash signing (browser plug-in, PKI SIM, remote HSM): the
    prepared PDF and signed attributes wait here until the device returns the signature value.

    `prepared` is `lib.external.PreparedSignature.to_dict()`; nothing in it is secret (the
    device's private key never reaches congso)."""

    id = models.UUIDField(primary_key=True)
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="external_sessions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_signings"
    )
    document_ref = models.CharField(_("văn bản"), max_length=100, blank=True)
    input_sha256 = models.CharField(max_length=64)
    prepared = models.JSONField()
    expires_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    output_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("phiên ký mã băm")
        verbose_name_plural = _("các phiên ký mã băm")

    def __str__(self) -> str:
        return f"{self.pk} ({self.key})"
