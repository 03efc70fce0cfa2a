from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core.identity import Role


class UserKind(models.TextChoices):
    STAFF = "staff", _("Cán bộ, công chức")
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp, tổ chức")


__all__ = ["Role", "UserKind"]
