"""Admin for the directory: forms check the service rules; saves go through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from congso.core.errors import CongsoError
from congso.core.identity import Actor
from congso.organizations.models import AdministrativeUnit, Agency, Position
from congso.organizations.rules import administrative_unit_check, agency_check
from congso.organizations.services import (
    AGENCY_UPDATABLE_FIELDS,
    administrative_unit_save,
    agency_activate,
    agency_create,
    agency_deactivate,
    agency_update,
    position_save,
)


def _actor(request: HttpRequest) -> Actor:
    return cast(Actor, request.user)  # admin pages are for signed-in users only


class _RuleCheckedForm(forms.ModelForm):
    """Runs the service's rule check after Django's own, so the admin shows the rule's message."""

    def rule_check(self, instance: Any) -> None:
        raise NotImplementedError

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:
            self.rule_check(self.instance)
        except CongsoError as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, exc.message)


class AgencyForm(_RuleCheckedForm):
    class Meta:
        model = Agency
        fields = [
            "name",
            "short_name",
            "abbreviation",
            "kind",
            "parent",
            "administrative_unit",
            "code_qcvn102",
            "code_qd20",
            "is_demo_code",
            "place_name",
        ]

    def clean_code_qcvn102(self) -> str | None:
        return (self.cleaned_data.get("code_qcvn102") or "").strip() or None

    def clean_code_qd20(self) -> str | None:
        return (self.cleaned_data.get("code_qd20") or "").strip() or None

    def rule_check(self, instance: Agency) -> None:
        moved = instance.pk is None or "parent" in self.changed_data
        agency_check(instance, parent=instance.parent, is_new_placement=moved)


class AdministrativeUnitForm(_RuleCheckedForm):
    class Meta:
        model = AdministrativeUnit
        fields = ["gso_code", "name", "kind", "level", "parent"]

    def rule_check(self, instance: AdministrativeUnit) -> None:
        administrative_unit_check(instance)


def _run_each(
    request: HttpRequest,
    modeladmin: admin.ModelAdmin,
    queryset: QuerySet[Agency],
    service: Callable[..., Agency],
) -> None:
    done = 0
    for agency in queryset:
        try:
            service(actor=_actor(request), agency=agency)
            done += 1
        except CongsoError as exc:
            modeladmin.message_user(request, exc.message, level=messages.ERROR)
    if done:
        modeladmin.message_user(request, _("Đã cập nhật %(n)d cơ quan.") % {"n": done})


@admin.action(description=_("Ngừng hoạt động các cơ quan đã chọn"))
def deactivate_agencies(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Agency],
) -> None:
    # Deepest first, so a unit closes before the agency above it.
    _run_each(request, modeladmin, queryset.order_by("-level"), agency_deactivate)


@admin.action(description=_("Kích hoạt lại các cơ quan đã chọn"))
def activate_agencies(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Agency],
) -> None:
    _run_each(request, modeladmin, queryset.order_by("level"), agency_activate)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyForm
    list_display = [
        "name",
        "abbreviation",
        "kind",
        "code_qcvn102",
        "code_qd20",
        "level",
        "is_demo_code",
        "is_active",
    ]
    list_filter = ["kind", "level", "is_active", "is_demo_code"]
    search_fields = ["name", "short_name", "abbreviation", "code_qcvn102", "code_qd20"]
    autocomplete_fields = ["parent", "administrative_unit"]
    readonly_fields = ["level", "is_active"]
    list_select_related = ["parent"]
    actions = [deactivate_agencies, activate_agencies]
    ordering = ["level", "code_qcvn102", "name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # agencies are deactivated, never deleted: documents refer to them

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        if change:
            fields = {
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in AGENCY_UPDATABLE_FIELDS
            }
            saved = agency_update(actor=_actor(request), agency=obj, **fields)
        else:
            saved = agency_create(
                actor=_actor(request),
                **{name: form.cleaned_data[name] for name in AgencyForm.Meta.fields},
            )
        obj.pk = saved.pk
        obj.level = saved.level


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    form = AdministrativeUnitForm
    list_display = ["gso_code", "name", "kind", "level", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["gso_code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: AdministrativeUnit, form: Any, change: bool
    ) -> None:
        administrative_unit_save(actor=_actor(request), unit=obj)


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "is_leadership", "rank"]
    list_filter = ["is_leadership"]
    search_fields = ["name"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Position, form: Any, change: bool) -> None:
        position_save(actor=_actor(request), position=obj)
