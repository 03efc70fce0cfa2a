"""Choices of the interchange hub (trục liên thông)."""

from __future__ import annotations

from django.db import models


class MessageKind(models.TextChoices):
    EDOC = "edoc", "Gói tin văn bản"
    STATUS = "status", "Gói tin trạng thái"


class BusinessKind(models.TextChoices):
    """Bussiness/BussinessDocType of QCVN 102:2016 (standards §4.3).

    0 new, 1 revoke, 2 update, 3 replace.
    """

    NEW = "new", "Văn bản mới"
    REVOKE = "revoke", "Thu hồi"
    UPDATE = "update", "Cập nhật"
    REPLACE = "replace", "Thay thế"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Chờ nhận"
    DELIVERED = "delivered", "Đã nhận"
    REVOKED = "revoked", "Đã thu hồi trước khi nhận"


class HubAuditAction(models.TextChoices):
    MEMBER_ADDED = "hub.member_added", "Đăng ký thành viên trục"
    MEMBER_UPDATED = "hub.member_updated", "Cập nhật thành viên trục"
    OPERATOR_CREATED = "hub.operator_created", "Tạo tài khoản vận hành trục"
    MESSAGE_ACCEPTED = "hub.message_accepted", "Trục nhận gói tin văn bản"
    MESSAGE_REFUSED = "hub.message_refused", "Trục từ chối gói tin"
    STATUS_ACCEPTED = "hub.status_accepted", "Trục nhận gói tin trạng thái"
    DELIVERY_ACKNOWLEDGED = "hub.delivery_acknowledged", "Thành viên xác nhận đã nhận"


# Status codes after which a recipient has nothing more to do with a document (standards §4.6):
# 02 refused, 03 accepted by the registry clerk, 06 handling done.
# Overridable: HUB_FINAL_STATUS_CODES.
DEFAULT_FINAL_STATUS_CODES = ("02", "03", "06")
