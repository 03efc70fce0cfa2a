from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.identity import Role


class UserKind(models.TextChoices):
    STAFF = "staff", _("Cán bộ, công chức")
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp, tổ chức")


class LoginPortal(models.TextChoices):
    """Which sign-in page an attempt came through: staff and public accounts never mix."""

    STAFF = "staff", _("Cổng cán bộ")
    PUBLIC = "public", _("Cổng công dân, doanh nghiệp")


PORTAL_KINDS: dict[str, frozenset[str]] = {
    LoginPortal.STAFF: frozenset({UserKind.STAFF}),
    LoginPortal.PUBLIC: frozenset({UserKind.CITIZEN, UserKind.BUSINESS}),
}


class LoginFailureCode(models.TextChoices):
    INVALID_CREDENTIALS = "invalid_credentials", _("Sai tên đăng nhập hoặc mật khẩu")
    ACCOUNT_LOCKED = "account_locked", _("Tài khoản đang bị tạm khóa")
    TOTP_REQUIRED = "totp_required", _("Cần mã xác thực hai lớp")
    TOTP_INVALID = "totp_invalid", _("Mã xác thực hai lớp không đúng")
    WRONG_PORTAL = "wrong_portal", _("Sai cổng đăng nhập")
    ACCOUNT_INACTIVE = "account_inactive", _("Tài khoản đã ngừng hoạt động")


class AccountsAuditAction(models.TextChoices):
    """Audit actions of this app that `congso.audit.constants.AuditAction` does not list."""

    USER_DEACTIVATED = "user.deactivated", _("Ngừng hoạt động tài khoản")
    USER_REACTIVATED = "user.reactivated", _("Kích hoạt lại tài khoản")
    USER_PASSWORD_CHANGED = "user.password_changed", _("Đổi mật khẩu")
    USER_ADMIN_ACCESS_CHANGED = "user.admin_access_changed", _("Thay đổi quyền vào trang quản trị")
    USER_TOTP_SETUP_STARTED = "user.totp_setup_started", _("Bắt đầu cài xác thực hai lớp")
    USER_REGISTERED = "user.registered", _("Đăng ký tài khoản công dân, doanh nghiệp")


# Roles that a delegation (ủy quyền) does not pass on: running the system is not an authority
# of office that Nghị định 30/2020/NĐ-CP, Điều 13 khoản 3 lets a head of agency hand over.
NON_DELEGABLE_ROLES: frozenset[str] = frozenset({Role.ADMINISTRATOR})

TOTP_ISSUER = "congso"
# Codes from one 30-second step either side of the server clock are accepted (clock drift).
TOTP_VALID_WINDOW = 1

__all__ = [
    "NON_DELEGABLE_ROLES",
    "PORTAL_KINDS",
    "TOTP_ISSUER",
    "TOTP_VALID_WINDOW",
    "AccountsAuditAction",
    "LoginFailureCode",
    "LoginPortal",
    "Role",
    "UserKind",
]
