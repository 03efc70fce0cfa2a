from django.db import models
from django.utils.translation import gettext_lazy as _


class AdministrativeLevel(models.IntegerChoices):
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")


class AdministrativeUnitKind(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CITY = "thanh_pho", _("Thành phố")
    TOWN = "thi_xa", _("Thị xã")
    DISTRICT = "huyen", _("Huyện")
    WARD = "phuong", _("Phường")
    COMMUNE = "xa", _("Xã")
    TOWNSHIP = "thi_tran", _("Thị trấn")


class AgencyKind(models.TextChoices):
    PROVINCIAL_COMMITTEE = "ubnd_tinh", _("UBND tỉnh")
    PROVINCIAL_BODY = "co_quan_tinh", _("Cơ quan chuyên môn, đơn vị thuộc tỉnh")
    DISTRICT_COMMITTEE = "ubnd_huyen", _("UBND cấp huyện")
    COMMUNE_COMMITTEE = "ubnd_xa", _("UBND cấp xã")
    INTERNAL_UNIT = "don_vi_noi_bo", _("Đơn vị nội bộ (phòng, ban)")
    OTHER = "khac", _("Cơ quan, tổ chức khác")


class OrganizationAuditAction(models.TextChoices):
    """Audit actions written by this app; values shared with `congso.audit.constants` match it."""

    AGENCY_CREATED = "agency.created", _("Tạo cơ quan")
    AGENCY_UPDATED = "agency.updated", _("Cập nhật cơ quan")
    AGENCY_DEACTIVATED = "agency.deactivated", _("Ngừng hoạt động cơ quan")
    AGENCY_ACTIVATED = "agency.activated", _("Kích hoạt lại cơ quan")
    ADMIN_UNIT_CREATED = "admin_unit.created", _("Tạo đơn vị hành chính")
    ADMIN_UNIT_UPDATED = "admin_unit.updated", _("Cập nhật đơn vị hành chính")
    POSITION_CREATED = "position.created", _("Tạo chức vụ")
    POSITION_UPDATED = "position.updated", _("Cập nhật chức vụ")
    DEMO_DATA_LOADED = "demo.loaded", _("Nạp dữ liệu mẫu")


# `congso.accounts.constants.UserKind.STAFF`: named here because organizations sits below accounts.
STAFF_USER_KIND = "staff"
