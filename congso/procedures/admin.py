"""Admin for the procedure catalogue: every save and delete goes through the audited services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from congso.core.identity import Actor
from congso.procedures.constants import COMPONENT_FIELDS
from congso.procedures.models import Procedure, ProcedureComponent, ProcessStep
from congso.procedures.services import (
    procedure_part_save,
    procedure_receiving_agencies_set,
    procedure_save,
)


class ProcedureComponentInline(admin.TabularInline):
    model = ProcedureComponent
    extra = 0
    fields = list(COMPONENT_FIELDS)


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    extra = 0
    fields = ["order", "name", "agency", "days", "role"]
    autocomplete_fields = ["agency"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "field",
        "processing_days",
        "online_level",
        "is_inter_agency",
        "is_published",
    ]
    list_filter = [
        "level",
        "online_level",
        "is_inter_agency",
        "is_published",
        "is_demo_code",
        "field",
    ]
    search_fields = ["code", "national_code", "search_text"]
    autocomplete_fields = ["receiving_agencies"]
    inlines = [ProcedureComponentInline, ProcessStepInline]
    readonly_fields = ["search_text"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The code is what dossiers, the portal and imports refer to.
        return ["search_text", "code"] if obj is not None else ["search_text"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # unpublish instead: dossiers keep pointing at the procedure

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        procedure_save(actor=cast(Actor, request.user), procedure=obj)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool
    ) -> None:
        actor = cast(Actor, request.user)
        instances = formset.save(commit=False)
        for part in formset.deleted_objects:
            procedure_part_save(actor=actor, part=part, delete=True)
        for part in instances:
            procedure_part_save(actor=actor, part=part)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Not form.save_m2m(): the desk list is changed (and audited) by the service.
        procedure_receiving_agencies_set(
            actor=cast(Actor, request.user),
            procedure=form.instance,
            agencies=form.cleaned_data.get("receiving_agencies") or [],
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
