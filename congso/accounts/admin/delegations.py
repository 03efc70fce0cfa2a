"""Admin for delegations (ủy quyền): granted and revoked through the services, never edited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from congso.accounts.admin.forms import DelegationAddForm
from congso.accounts.models import Delegation
from congso.accounts.services import delegation_grant, delegation_revoke
from congso.core.errors import CongsoError


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    form = DelegationAddForm
    list_display = ["delegator", "delegate", "starts_on", "ends_on", "scope", "revoked_at"]
    list_filter = ["starts_on", "revoked_at"]
    search_fields = ["delegator__username", "delegator__full_name", "delegate__username"]
    list_select_related = ["delegator", "delegate"]
    raw_id_fields = ["delegator", "delegate"]
    actions = ["revoke_selected"]
    _fields = ["delegator", "delegate", "starts_on", "ends_on", "scope", "revoked_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self._fields if obj is not None else self._fields[:-1]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self._fields if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, never deleted

    def get_queryset(self, request: HttpRequest) -> QuerySet[Delegation]:
        delegations = super().get_queryset(request)
        if request.user.is_superuser:
            return delegations
        return delegations.filter(delegator__agency_id=getattr(request.user, "agency_id", None))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class: Any = super().get_form(request, obj, change=change, **kwargs)
        form_class.actor = request.user  # a fresh class per request
        return form_class

    def save_model(self, request: HttpRequest, obj: Delegation, form: Any, change: bool) -> None:
        if change:
            return  # delegations are not edited; revoke and grant anew
        data = form.cleaned_data
        created = delegation_grant(
            actor=request.user,  # type: ignore[arg-type]
            delegator=data["delegator"],
            delegate=data["delegate"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            scope=data.get("scope", ""),
        )
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db

    @admin.action(description=_("Thu hồi các ủy quyền đã chọn"))
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[Delegation]) -> None:
        count = 0
        for delegation in queryset.select_related("delegator"):
            try:
                delegation_revoke(actor=request.user, delegation=delegation)  # type: ignore[arg-type]
            except CongsoError as error:
                self.message_user(request, f"{delegation}: {error.message}", messages.ERROR)
            else:
                count += 1
        self.message_user(request, _("Đã thu hồi %(count)d ủy quyền.") % {"count": count})
