"""Admin for user accounts: staff and public accounts, roles inline, lock information."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.accounts.access import is_administrator
from congso.accounts.admin.forms import (
    AuditedAdminPasswordChangeForm,
    StaffUserAddForm,
    StaffUserChangeForm,
    UserRoleFormSet,
    password_actor,
)
from congso.accounts.constants import UserKind
from congso.accounts.models import User, UserRole
from congso.accounts.services import (
    staff_user_create,
    staff_user_update,
    totp_disable,
    user_admin_access_set,
    user_deactivate,
    user_reactivate,
    user_roles_set,
    user_unlock,
)
from congso.core.errors import CongsoError


class StaffKindFilter(admin.SimpleListFilter):
    title = _("nhóm tài khoản")
    parameter_name = "group"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("staff", _("Cán bộ, công chức")), ("public", _("Công dân, doanh nghiệp"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "staff":
            return queryset.filter(kind=UserKind.STAFF)
        if self.value() == "public":
            return queryset.filter(kind__in=[UserKind.CITIZEN, UserKind.BUSINESS])
        return queryset


class LockedFilter(admin.SimpleListFilter):
    title = _("khóa đăng nhập")
    parameter_name = "locked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Đang bị khóa")), ("no", _("Không bị khóa"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(locked_until__gt=now)
        if self.value() == "no":
            return queryset.exclude(locked_until__gt=now)
        return queryset


class UserRoleInline(admin.TabularInline):
    model = UserRole
    formset = UserRoleFormSet
    extra = 0
    verbose_name = _("vai trò")
    verbose_name_plural = _("vai trò")

    # Role rows are saved by `user_roles_set`, whose own rules decide; whoever may edit the user
    # in this admin may edit their roles here.
    def _may_edit_roles(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_authenticated and is_administrator(user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit_roles(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit_roles(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit_roles(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_edit_roles(request)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset_class: Any = super().get_formset(request, obj, **kwargs)
        formset_class.actor = request.user  # a fresh class per request (inlineformset_factory)
        return formset_class


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = StaffUserChangeForm
    add_form = StaffUserAddForm
    change_password_form = AuditedAdminPasswordChangeForm
    inlines = [UserRoleInline]
    list_display = [
        "username",
        "full_name",
        "kind",
        "agency",
        "unit",
        "is_active",
        "locked_until",
        "totp_enabled",
    ]
    list_filter = [StaffKindFilter, "kind", LockedFilter, "is_active", "totp_enabled", "agency"]
    search_fields = ["username", "full_name", "email", "citizen_id_number", "tax_code"]
    ordering = ["username"]
    list_select_related = ["agency", "unit"]
    actions = ["unlock_selected", "disable_totp_selected"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Thông tin"),
            {
                "fields": [
                    "full_name",
                    "email",
                    "phone",
                    "kind",
                    "agency",
                    "unit",
                    "position",
                    "citizen_id_number",
                    "tax_code",
                ]
            },
        ),
        (_("Trạng thái"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (
            _("Khóa đăng nhập, xác thực hai lớp"),
            {"fields": ["failed_login_count", "locked_until", "totp_enabled"]},
        ),
        (_("Thời điểm"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "agency",
                    "unit",
                    "position",
                    "roles",
                    "email",
                    "phone",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]
    _always_read_only = [
        "username",
        "kind",
        "agency",
        "citizen_id_number",
        "tax_code",
        "failed_login_count",
        "locked_until",
        "totp_enabled",
        "last_login",
        "date_joined",
    ]

    # --- who may use it -----------------------------------------------------------------------
    def _may_administer(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_authenticated and is_administrator(user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_administer(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_administer(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_administer(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_administer(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted (audit trail, PROTECT links)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        actor = request.user
        if actor.is_superuser:
            return users
        return users.filter(agency_id=getattr(actor, "agency_id", None))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        fields = list(self._always_read_only)
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser"]
        if obj.kind != UserKind.STAFF:
            fields += [
                "full_name",
                "email",
                "phone",
                "unit",
                "position",
                "is_staff",
                "is_superuser",
            ]
        return fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        if obj is None or obj.kind != UserKind.STAFF:
            return []
        return list(self.inlines)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class: Any = super().get_form(request, obj, change=change, **kwargs)
        form_class.actor = request.user  # a fresh class per request (modelform_factory)
        return form_class

    # --- saving through the services -----------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        data = form.cleaned_data
        if not change:
            created = staff_user_create(
                actor=actor,
                username=data["username"],
                full_name=data["full_name"],
                agency=data["agency"],
                unit=data.get("unit"),
                position=data.get("position"),
                roles=data.get("roles", []),
                email=data.get("email", ""),
                phone=data.get("phone", ""),
                password=data["password1"],
            )
            obj.pk = created.pk
            obj._state.adding = False
            obj._state.db = created._state.db
            return
        user = User.objects.get(pk=obj.pk)  # `obj` already carries the form's values
        changed = set(form.changed_data)
        details = {"full_name", "email", "phone", "unit", "position"} & changed
        if details and user.kind == UserKind.STAFF:
            staff_user_update(actor=actor, user=user, **{name: data[name] for name in details})
        if "is_active" in changed:
            if data["is_active"]:
                user_reactivate(actor=actor, user=user)
            else:
                user_deactivate(actor=actor, user=user)
        if {"is_staff", "is_superuser"} & changed:
            user_admin_access_set(
                actor=actor,
                user=user,
                is_staff=data.get("is_staff", user.is_staff),
                is_superuser=data.get("is_superuser", user.is_superuser),
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not UserRole:
            super().save_formset(request, form, formset, change)
            return
        roles = [
            row.cleaned_data["role"]
            for row in formset.forms
            if row.cleaned_data
            and row.cleaned_data.get("role")
            and not row.cleaned_data.get("DELETE")
        ]
        user = User.objects.get(pk=form.instance.pk)
        user_roles_set(actor=request.user, user=user, roles=roles)  # type: ignore[arg-type]
        # The admin's change message reads these; the audit entry holds the real record.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        token = password_actor.set(request.user)  # type: ignore[arg-type]
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            password_actor.reset(token)

    # --- actions -------------------------------------------------------------------------------
    @admin.action(description=_("Mở khóa đăng nhập cho các tài khoản đã chọn"))
    def unlock_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._run_each(request, queryset, user_unlock, _("Đã mở khóa %(count)d tài khoản."))

    @admin.action(description=_("Tắt xác thực hai lớp cho các tài khoản đã chọn"))
    def disable_totp_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._run_each(
            request, queryset, totp_disable, _("Đã tắt xác thực hai lớp cho %(count)d tài khoản.")
        )

    def _run_each(
        self, request: HttpRequest, queryset: QuerySet[User], service: Any, done: Any
    ) -> None:
        count = 0
        for user in queryset:
            try:
                service(actor=request.user, user=user)
            except CongsoError as error:
                self.message_user(request, f"{user.username}: {error.message}", messages.ERROR)
            else:
                count += 1
        self.message_user(request, done % {"count": count}, messages.SUCCESS)
