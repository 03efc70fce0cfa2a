"""Tables of the interchange hub: members, stored packages, per-recipient deliveries, used tokens.

A package (`Message`) is stored once on disk by SHA-256 and delivered to each recipient through a
`Delivery` row that stays `pending` until the recipient acknowledges it. Status packages are
messages of kind `status`, delivered to the sender of the document they answer.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.hub.constants import BusinessKind, DeliveryState, MessageKind


class Member(models.Model):
    """An organisation connected to the hub, known by its identifier code and public key."""

    code = models.CharField(_("mã định danh"), max_length=35, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    public_key_pem = models.TextField(_("khóa công khai (PEM)"))
    xml_certificates_pem = models.TextField(
        _("chứng thư ký gói tin (PEM)"),
        blank=True,
        help_text=_("Chứng thư số đơn vị dùng để ký XML gói tin (xem HUB_XML_SIGNERS)."),
    )
    is_active = models.BooleanField(_("đang kết nối"), default=True)
    created_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("thành viên trục")
        verbose_name_plural = _("thành viên trục")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_authenticated(self) -> bool:
        """DRF treats the authenticated member as `request.user`."""
        return True


class Message(models.Model):
    """One accepted package (edoc or status), its bytes under HUB_STORE_DIR by SHA-256."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("loại"), max_length=10, choices=MessageKind.choices)
    sender = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="sent_messages", verbose_name=_("nơi gửi")
    )
    document_id = models.CharField(_("DocumentId"), max_length=255)
    business = models.CharField(
        _("nghiệp vụ"), max_length=10, choices=BusinessKind.choices, default=BusinessKind.NEW
    )
    status_code = models.CharField(_("mã trạng thái"), max_length=4, blank=True)
    refers_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followers",
        verbose_name=_("gói tin gốc"),
        help_text=_("Văn bản bị thu hồi/cập nhật/thay thế, hoặc văn bản mà trạng thái trả lời."),
    )
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    stored_path = models.CharField(max_length=255)
    idempotency_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("gói tin")
        verbose_name_plural = _("gói tin")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=MessageKind.EDOC) | ~models.Q(status_code=""),
                name="hub_status_has_code",
            ),
            models.UniqueConstraint(fields=["idempotency_key"], name="hub_message_taken_once"),
        ]
        # Declared here rather than with db_index/unique on the fields, so that PostgreSQL gets
        # no `varchar_pattern_ops` twin: the hub looks these up by equality only (ADR 0025).
        indexes = [models.Index(fields=["document_id"], name="hub_message_document")]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id} ({self.id})"


class Delivery(models.Model):
    """A message on its way to one recipient; delivered when the recipient acknowledges it."""

    # No index of their own: the unique (message, recipient) and the inbox index lead with them.
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    # The message's kind, copied when the delivery is made (never changes): the operator's
    # queries and the inboxes select on it through partial indexes, without joining the
    # messages (docs/adr/0025).
    kind = models.CharField(
        _("loại"), max_length=10, choices=MessageKind.choices, default=MessageKind.EDOC
    )
    # The message's sender, copied likewise (the traffic per pair reads deliveries alone).
    sender = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", db_index=False)
    recipient = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("nơi nhận"),
        db_index=False,
    )
    state = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=DeliveryState.choices,
        default=DeliveryState.PENDING,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(_("thời điểm nhận"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("số lần tải"), default=0)
    # For document deliveries: the recipient's latest status reply (standards §4.6), so the
    # operator view can tell who must act without scanning status messages.
    last_status_code = models.CharField(max_length=4, blank=True)
    last_status_at = models.DateTimeField(null=True, blank=True)
    final_status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("lượt chuyển")
        verbose_name_plural = _("lượt chuyển")
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient"], name="hub_delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "state", "kind", "created_at"], name="hub_delivery_inbox"
            ),
            # The operator's dashboard (selectors): traffic of the last days, recent delivery
            # times, and the stuck items, each read from a small partial index.
            models.Index(
                fields=["created_at"],
                condition=models.Q(kind=MessageKind.EDOC),
                name="hub_delivery_edoc_made",
            ),
            models.Index(
                fields=["delivered_at"],
                condition=models.Q(kind=MessageKind.EDOC, state=DeliveryState.DELIVERED),
                name="hub_delivery_edoc_delivered",
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(state=DeliveryState.PENDING),
                name="hub_delivery_pending",
            ),
            models.Index(
                fields=["delivered_at"],
                condition=models.Q(
                    kind=MessageKind.EDOC,
                    state=DeliveryState.DELIVERED,
                    final_status_at__isnull=True,
                ),
                name="hub_delivery_unanswered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.recipient_id} ({self.state})"

    @classmethod
    def of(cls, message: Message, recipient: Member) -> Delivery:
        """A new delivery of `message` to `recipient` (kind and sender copied from the message)."""
        return cls(
            message=message, recipient=recipient, kind=message.kind, sender_id=message.sender_id
        )


class UsedToken(models.Model):
    """A JWT id already seen; kept until the token expires so it cannot be replayed."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "jti"], name="hub_token_used_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.jti}"
