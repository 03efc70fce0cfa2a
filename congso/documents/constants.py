"""States and kinds of the documents domain (Nghị định 30/2020/NĐ-CP)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Documents of the Vietnamese state: none is dated before 1945; report periods and list filters
# end with 2100 (the ends of Python's calendar cannot be turned into local-time bounds).
EARLIEST_YEAR = 1945
LATEST_YEAR = 2100


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")


class IncomingSource(models.TextChoices):
    PAPER = "paper", _("Văn bản giấy (scan)")
    UPLOAD = "upload", _("Văn bản điện tử tải lên")
    INTERNAL = "internal", _("Liên thông nội bộ")
    EXCHANGE = "exchange", _("Trục liên thông")


class IncomingStatus(models.TextChoices):
    """Handling state; maps onto the QCVN 102:2016 status codes 01–06 (standards.md §4.6)."""

    RECEIVED = "received", _("Đã đến")  # 01
    ACCEPTED = "accepted", _("Đã tiếp nhận, vào sổ")  # 03
    ASSIGNED = "assigned", _("Đã phân công")  # 04
    IN_PROGRESS = "in_progress", _("Đang xử lý")  # 05
    DONE = "done", _("Hoàn thành")  # 06
    RETURNED = "returned", _("Trả lại")  # 02 (từ chối)
    REVOKED = "revoked", _("Đã thu hồi")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Xử lý chính")
    COORDINATE = "coordinate", _("Phối hợp")
    INFORM = "inform", _("Để biết")


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Chưa xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    DONE = "done", _("Đã hoàn thành")
    RETURNED = "returned", _("Trả lại")
    REASSIGNED = "reassigned", _("Đã chuyển người khác")


class HandlingNoteKind(models.TextChoices):
    OPINION = "opinion", _("Ý kiến")
    PROGRESS = "progress", _("Tiến độ")
    DIRECTION = "direction", _("Ý kiến chỉ đạo")
    COMPLETION = "completion", _("Hoàn thành")
    RETURN = "return", _("Trả lại")


class OutgoingStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Đang trình duyệt")
    APPROVED = "approved", _("Đã duyệt, chờ ban hành")
    ISSUED = "issued", _("Đã ban hành")
    REVOKED = "revoked", _("Đã thu hồi")
    REPLACED = "replaced", _("Đã bị thay thế")


class SignatureState(models.TextChoices):
    """Interface with the signatures issue: what has been applied to the issued PDF."""

    NOT_SIGNED = "not_signed", _("Chưa ký số")
    PERSON_SIGNED = "person_signed", _("Người có thẩm quyền đã ký")
    FULLY_SIGNED = "fully_signed", _("Đã ký số người và cơ quan")


class VersionOrigin(models.TextChoices):
    """How an OutgoingVersion came to be."""

    COMPOSED = "composed", _("Soạn trên hệ thống")
    UPLOADED = "uploaded", _("Tải lên")
    SIGNED = "signed", _("Ký số người có thẩm quyền")
    ISSUED = "issued", _("Bản ban hành")


class RenditionStatus(models.TextChoices):
    """Whether a version has its PDF (a DOCX waits for LibreOffice conversion)."""

    READY = "ready", _("Đã có bản PDF")
    PENDING = "pending", _("Chờ chuyển sang PDF")
    FAILED = "failed", _("Chuyển sang PDF lỗi")


class ReviewStepKind(models.TextChoices):
    REVIEW = "review", _("Thẩm định, cho ý kiến")
    SIGN = "sign", _("Ký ban hành")


class ReviewStepStatus(models.TextChoices):
    WAITING = "waiting", _("Chưa đến lượt")
    PENDING = "pending", _("Đang chờ")
    APPROVED = "approved", _("Đồng ý")
    RETURNED = "returned", _("Trả lại")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DELIVERED = "delivered", _("Đã chuyển đến")
    FAILED = "failed", _("Gửi lỗi")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi qua trục")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Lỗi")
    CANCELLED = "cancelled", _("Đã hủy")


class FileRole(models.TextChoices):
    MAIN = "main", _("Tệp văn bản")
    ATTACHMENT = "attachment", _("Tệp đính kèm")
    APPENDIX = "appendix", _("Phụ lục")


class RelationKind(models.TextChoices):
    """Nghị định 30/2020/NĐ-CP, Điều 18: a later document acting on an issued one."""

    REPLACES = "replaces", _("Thay thế")
    CORRECTS = "corrects", _("Đính chính")
    REVOKES = "revokes", _("Thu hồi")


# QCVN 102:2016 status replies as the sender shows them (standards.md §4.6).
EXCHANGE_STATUS_NAMES = {
    "01": _("Đã đến"),
    "02": _("Từ chối tiếp nhận"),
    "03": _("Đã tiếp nhận"),
    "04": _("Phân công"),
    "05": _("Đang xử lý"),
    "06": _("Hoàn thành"),
    "13": _("Yêu cầu lấy lại văn bản"),
    "15": _("Đồng ý lấy lại văn bản"),
    "16": _("Từ chối lấy lại văn bản"),
}
