"""Names and small helpers shared by the incoming-document services (registration, internal
arrival, distribution, secret grants, reminders)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.workdays.calendar import local_day


class IncomingAction(models.TextChoices):
    """Audit actions of incoming documents; every entry targets the IncomingDocument."""

    REGISTERED = "documents.incoming_registered", _("Vào sổ văn bản đến")
    RECEIVED_INTERNAL = "documents.incoming_received_internal", _("Văn bản đến liên thông nội bộ")
    RECEIVED_EXCHANGE = "documents.incoming_received_exchange", _("Văn bản đến qua trục liên thông")
    ACCEPTED = "documents.incoming_accepted", _("Tiếp nhận, vào sổ")
    RETURNED = "documents.incoming_returned", _("Trả lại văn bản gửi nhầm")
    ASSIGNED = "documents.incoming_assigned", _("Phân công xử lý")
    SUB_ASSIGNED = "documents.assignment_sub_assigned", _("Giao xử lý trong đơn vị")
    STARTED = "documents.assignment_started", _("Bắt đầu xử lý")
    NOTE_ADDED = "documents.handling_note_added", _("Ghi ý kiến, tiến độ")
    COMPLETED = "documents.assignment_completed", _("Hoàn thành xử lý")
    REASSIGNED = "documents.assignment_reassigned", _("Chuyển người xử lý")
    ASSIGNMENT_RETURNED = "documents.assignment_returned", _("Trả lại lãnh đạo")
    REMINDED = "documents.assignment_reminded", _("Nhắc hạn xử lý")
    SECRET_GRANTED = "documents.secret_access_granted", _("Cấp quyền xem văn bản mật")
    SIGNATURES_CHECKED = "documents.incoming_signatures_checked", _("Kiểm tra lại chữ ký số")


def local_today() -> date:
    """Today in Asia/Ho_Chi_Minh: registers, deadlines and reminders run on the local day."""
    return local_day(timezone.now())
