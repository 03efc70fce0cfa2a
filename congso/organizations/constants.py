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
