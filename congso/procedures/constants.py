"""Choices and audit actions of the procedure catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureLevel(models.TextChoices):
    """Cấp thực hiện thủ tục hành chính."""

    PROVINCE = "tinh", _("Cấp tỉnh")
    DISTRICT = "huyen", _("Cấp huyện")
    COMMUNE = "xa", _("Cấp xã")


class OnlineLevel(models.IntegerChoices):
    """Mức độ dịch vụ công trực tuyến (NĐ 43/2011/NĐ-CP; standards.md §7.1)."""

    LEVEL_1 = 1, _("Mức độ 1")
    LEVEL_2 = 2, _("Mức độ 2")
    LEVEL_3 = 3, _("Mức độ 3")
    LEVEL_4 = 4, _("Mức độ 4")


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class ProcedureAuditAction(models.TextChoices):
    PROCEDURE_CREATED = "procedure.created", _("Tạo thủ tục hành chính")
    PROCEDURE_UPDATED = "procedure.updated", _("Cập nhật thủ tục hành chính")
    PROCEDURE_IMPORTED = "procedure.imported", _("Nhập danh mục thủ tục hành chính")
    PROCEDURE_EXPORTED = "procedure.exported", _("Xuất danh mục thủ tục hành chính")


# The component fields shown to people (admin inline, API), in display order.
COMPONENT_FIELDS = (
    "order",
    "code",
    "name",
    "originals",
    "copies",
    "is_required",
    "template",
    "accepted_types",
)

DEFAULT_ACCEPTED_TYPES = ["application/pdf", "image/jpeg", "image/png"]


def default_accepted_types() -> list[str]:
    return list(DEFAULT_ACCEPTED_TYPES)
