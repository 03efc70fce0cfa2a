"""Admin: keys are registered through the service (audited); reports are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from congso.signatures import services
from congso.signatures.models import SigningKey, SigningRecord, ValidationRecord


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ["purpose", "provider", "owner", "agency", "token_label", "is_active"]
    list_filter = ["purpose", "provider", "is_active"]
    exclude = ["image"]

    def save_model(self, request: HttpRequest, obj: SigningKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.signing_key_register(
            actor=request.user,  # type: ignore[arg-type]
            purpose=obj.purpose,
            provider=obj.provider,
            owner=obj.owner,
            agency=obj.agency,
            module_path=obj.module_path,
            token_label=obj.token_label,
            key_label=obj.key_label,
            pkcs12_path=obj.pkcs12_path,
            pin_env=obj.pin_env,
            certificate_subject=obj.certificate_subject,
            certificate_sha256=obj.certificate_sha256,
        )
        obj.pk = created.pk


@admin.register(SigningRecord)
class SigningRecordAdmin(admin.ModelAdmin):
    list_display = ["signed_at", "purpose", "actor", "document_ref", "level"]
    readonly_fields = [f.name for f in SigningRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ValidationRecord)
class ValidationRecordAdmin(admin.ModelAdmin):
    list_display = ["validated_at", "file_name", "verdict", "agency", "check_count"]
    list_filter = ["verdict"]
    readonly_fields = [f.name for f in ValidationRecord._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
