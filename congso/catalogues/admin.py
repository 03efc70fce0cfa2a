"""Admin for the catalogues: every save goes through `catalogue_entry_save` (audited)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from congso.catalogues.models import (
    CatalogueEntry,
    CopyKind,
    DocumentType,
    ProcedureField,
    SecrecyLevel,
    UrgencyLevel,
)
from congso.catalogues.services import catalogue_entry_save, validate_catalogue_code
from congso.core.errors import CongsoError
from congso.core.identity import Actor


class CatalogueEntryForm(forms.ModelForm):
    def clean_code(self) -> str:
        code = str(self.cleaned_data.get("code") or "").strip()
        try:
            validate_catalogue_code(code)
        except CongsoError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return code


class CatalogueEntryAdmin(admin.ModelAdmin):
    form = CatalogueEntryForm
    list_display = ["code", "name", "ordinal", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    ordering = ["ordinal", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Codes are stable once saved (other apps and documents refer to them).
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: past documents keep their type

    def save_model(
        self, request: HttpRequest, obj: CatalogueEntry, form: Any, change: bool
    ) -> None:
        catalogue_entry_save(actor=cast(Actor, request.user), entry=obj)


@admin.register(DocumentType)
class DocumentTypeAdmin(CatalogueEntryAdmin):
    list_display = ["ordinal", "code", "name", "abbreviation", "is_active"]


@admin.register(CopyKind)
class CopyKindAdmin(CatalogueEntryAdmin):
    list_display = ["ordinal", "code", "name", "abbreviation", "is_active"]


@admin.register(UrgencyLevel)
class UrgencyLevelAdmin(CatalogueEntryAdmin):
    pass


@admin.register(SecrecyLevel)
class SecrecyLevelAdmin(CatalogueEntryAdmin):
    list_display = ["ordinal", "code", "name", "is_secret", "is_active"]


@admin.register(ProcedureField)
class ProcedureFieldAdmin(CatalogueEntryAdmin):
    list_display = ["ordinal", "code", "name", "is_demo_code", "is_active"]
    list_filter = ["is_active", "is_demo_code"]
