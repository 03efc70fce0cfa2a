"""Staff, citizen and business identities; roles; delegations of authority (ủy quyền)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from congso.accounts.constants import Role, UserKind
from congso.core.models import TimeStampedModel
from congso.core.sealing import SealedCharField


class User(AbstractUser):
    """One login. Staff belong to an agency; citizens and businesses never do.

    Staff and public accounts share this table (one authentication path) but are kept apart by
    `kind`, by database constraints, and by separate login pages and access gates.
    """

    kind = models.CharField(
        _("loại tài khoản"), max_length=10, choices=UserKind.choices, default=UserKind.STAFF
    )
    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    unit = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("đơn vị (phòng, ban)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit_staff",
    )
    position = models.ForeignKey(
        "organizations.Position",
        verbose_name=_("chức vụ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="holders",
    )
    citizen_id_number = models.CharField(
        _("số CCCD"), max_length=12, unique=True, null=True, blank=True
    )
    tax_code = models.CharField(_("mã số thuế"), max_length=14, unique=True, null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(_("số lần đăng nhập sai"), default=0)
    locked_until = models.DateTimeField(_("khóa đến"), null=True, blank=True)
    # Sealed at rest (congso/core/sealing.py): a copy of the database does not give the codes.
    totp_secret = SealedCharField(_("khóa TOTP"), max_length=255, blank=True)
    totp_enabled = models.BooleanField(_("bật xác thực hai lớp"), default=False)
    totp_last_used_step = models.PositiveBigIntegerField(
        _("bước TOTP đã dùng gần nhất"),
        null=True,
        blank=True,
        help_text=_("Chặn dùng lại một mã TOTP trong cùng khoảng 30 giây."),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=UserKind.STAFF) | models.Q(agency__isnull=True),
                name="user_public_accounts_have_no_agency",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=UserKind.CITIZEN)
                | models.Q(citizen_id_number__isnull=False),
                name="user_citizen_has_id_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=UserKind.BUSINESS) | models.Q(tax_code__isnull=False),
                name="user_business_has_tax_code",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == UserKind.STAFF

    def is_locked_at(self, moment: datetime) -> bool:
        """Locked out (too many failed logins) at `moment`."""
        return self.locked_until is not None and self.locked_until > moment

    @property
    def is_locked(self) -> bool:
        return self.is_locked_at(timezone.now())

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @cached_property
    def role_set(self) -> frozenset[str]:
        """Roles granted to this user (cached per instance; a fresh instance sees changes)."""
        if not self.pk:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, role: str) -> bool:
        if self.is_superuser and role == Role.ADMINISTRATOR:
            return True
        return role in self.role_set


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class Delegation(TimeStampedModel):
    """Ủy quyền: `delegate` acts with `delegator`'s authority from `starts_on` to `ends_on`."""

    delegator = models.ForeignKey(
        User,
        verbose_name=_("người ủy quyền"),
        on_delete=models.PROTECT,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        User,
        verbose_name=_("người được ủy quyền"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    scope = models.CharField(_("nội dung ủy quyền"), max_length=255, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="delegation_period_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")),
                name="delegation_not_to_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.starts_on}–{self.ends_on})"
