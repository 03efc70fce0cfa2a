"""Admin for the decision table; every save and delete goes through the audited services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from congso.workdays.models import CalendarDecision
from congso.workdays.services import calendar_decision_remove, calendar_decision_set


@admin.register(CalendarDecision)
class CalendarDecisionAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "reason", "legal_basis", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["reason", "legal_basis"]
    date_hierarchy = "day"
    ordering = ["-day"]

    def get_readonly_fields(
        self, request: HttpRequest, obj: CalendarDecision | None = None
    ) -> list[str]:
        # The day identifies the decision: to move one, remove it and add another.
        return ["day"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: CalendarDecision, form: ModelForm[Any], change: bool
    ) -> None:
        saved = calendar_decision_set(
            actor=request.user,
            day=obj.day,
            kind=obj.kind,
            reason=obj.reason,
            legal_basis=obj.legal_basis,
        )
        obj.pk = saved.pk
        obj.created_at = saved.created_at
        obj.updated_at = saved.updated_at

    def delete_model(self, request: HttpRequest, obj: CalendarDecision) -> None:
        calendar_decision_remove(actor=request.user, day=obj.day)

    @transaction.atomic
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDecision]) -> None:
        for day in queryset.values_list("day", flat=True):
            calendar_decision_remove(actor=request.user, day=day)
