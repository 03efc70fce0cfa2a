from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueAuditAction(models.TextChoices):
    """Same value as `congso.audit.constants.AuditAction.CATALOGUE_CHANGED`."""

    CATALOGUE_CHANGED = "catalogue.changed", _("Thay đổi danh mục")


# Codes that other apps may name in code (e.g. `cong_van`): ASCII only, no spaces.
CATALOGUE_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
