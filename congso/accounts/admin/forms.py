"""Admin forms: they run the services' own checks so errors show on the form, not as a 500."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django import forms
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from congso.accounts.access import require_agency_administrator
from congso.accounts.constants import Role, UserKind
from congso.accounts.models import Delegation, User
from congso.accounts.services import delegation_grant_check, user_password_set
from congso.accounts.services._checks import (
    full_name_check,
    password_check,
    roles_check,
    staff_agency_check,
    unit_check,
)
from congso.core.errors import CongsoError

# The admin user changing a password, for the password form (ModelAdmin instances are shared
# between requests, so this cannot live on `self`).
password_actor: ContextVar[User | None] = ContextVar("congso_admin_password_actor", default=None)


def add_service_error(form: forms.BaseForm, error: CongsoError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class StaffUserAddForm(forms.ModelForm):
    """New staff account: checked with the service's own rules before `staff_user_create`."""

    actor: User | None = None

    roles = forms.MultipleChoiceField(
        label=_("vai trò"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    password1 = forms.CharField(label=_("mật khẩu"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(
        label=_("nhập lại mật khẩu"), strip=False, widget=forms.PasswordInput
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "agency", "unit", "position", "email", "phone"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Hai mật khẩu không khớp."))
            return data
        agency = data.get("agency")
        if agency is None:
            self.add_error("agency", _("Cần chọn cơ quan của cán bộ."))
            return data
        try:
            require_agency_administrator(self.actor, agency.pk)
            data["full_name"] = full_name_check(data.get("full_name", ""))
            staff_agency_check(agency)
            unit_check(agency=agency, unit=data.get("unit"))
            roles_check(data.get("roles", []))
            password_check(data.get("password1", ""), self.instance)
        except CongsoError as error:
            add_service_error(self, error)
        return data


class StaffUserChangeForm(UserChangeForm):
    actor: User | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = self.instance
        try:
            if "unit" in data:
                unit_check(agency=user.agency, unit=data.get("unit"))
            if "full_name" in data and user.kind == UserKind.STAFF:
                data["full_name"] = full_name_check(data["full_name"])
        except CongsoError as error:
            add_service_error(self, error)
        actor = self.actor
        if actor is not None and actor.pk == user.pk:
            if data.get("is_active") is False:
                self.add_error("is_active", _("Không thể tự ngừng hoạt động tài khoản của mình."))
            if data.get("is_superuser") is False and user.is_superuser:
                self.add_error("is_superuser", _("Không thể tự bỏ quyền siêu quản trị của mình."))
        return data


class AuditedAdminPasswordChangeForm(AdminPasswordChangeForm):
    """Django's admin password form (Argon2 through PASSWORD_HASHERS), saved by the service."""

    def save(self, commit: bool = True) -> Any:
        usable = self.cleaned_data.get("set_usable_password", True)
        password = self.cleaned_data.get("password1") if usable else None
        return user_password_set(actor=password_actor.get(), user=self.user, password=password)


class UserRoleFormSet(forms.BaseInlineFormSet):
    """Refuses, before anything is saved, what `user_roles_set` would refuse."""

    actor: User | None = None

    def clean(self) -> None:
        super().clean()
        actor, user = self.actor, self.instance
        if actor is None or actor.pk != user.pk or actor.is_superuser:
            return
        kept = {
            row.cleaned_data.get("role")
            for row in self.forms
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        }
        if user.has_role(Role.ADMINISTRATOR) and Role.ADMINISTRATOR not in kept:
            raise forms.ValidationError(
                _("Không thể tự bỏ vai trò quản trị hệ thống của chính mình.")
            )


class DelegationAddForm(forms.ModelForm):
    actor: User | None = None

    class Meta:
        model = Delegation
        fields = ["delegator", "delegate", "starts_on", "ends_on", "scope"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = ("delegator", "delegate", "starts_on", "ends_on")
        if any(data.get(name) is None for name in needed):
            return data
        try:
            delegation_grant_check(
                actor=self.actor,
                delegator=data["delegator"],
                delegate=data["delegate"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except CongsoError as error:
            add_service_error(self, error)
        return data

    def _post_clean(self) -> None:
        # Fill the instance but leave the rules to `delegation_grant_check` (no duplicate messages).
        self.instance = construct_instance(self, self.instance, self._meta.fields)
