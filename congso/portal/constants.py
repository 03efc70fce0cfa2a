from django.db import models
from django.utils.translation import gettext_lazy as _


class PortalAuditAction(models.TextChoices):
    SUBMIT_REFUSED_UNPAID = "portal.submit_refused_unpaid", _("Từ chối nộp hồ sơ chưa nộp phí")
    LOOKUP_FAILED = "portal.lookup_failed", _("Tra cứu hồ sơ không thành công")
    LOOKUP_RATE_LIMITED = "portal.lookup_rate_limited", _("Chặn tra cứu vì quá số lần")


# Session key of the lookup secrets shown once on the receipt page ({dossier id: secret}).
RECEIPT_SESSION_KEY = "portal_receipt_secrets"
