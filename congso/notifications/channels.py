"""Delivery channels: e-mail through Django's mail backend (SMTP in production) and SMS through a
pluggable provider. A channel either hands the message over or raises `DeliveryError`; it never
reports a success that did not happen."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The channel could not hand the message over; worth another attempt later."""


@dataclass(frozen=True)
class DeliveryResult:
    # True only when the message left congso (accepted by the SMTP server or the SMS gateway).
    delivered: bool
    note: str


class EmailChannel:
    """Sends through the configured Django e-mail backend (`EMAIL_BACKEND`, SMTP by default)."""

    def send(self, *, to: str, subject: str, body: str) -> DeliveryResult:
        connection = get_connection(fail_silently=False)
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            connection=connection,
        )
        try:
            count = message.send()
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{type(error).__name__}: {error}") from error
        if count != 1:
            raise DeliveryError("Máy chủ thư không nhận thư.")
        return DeliveryResult(delivered=True, note="Máy chủ thư đã nhận thư.")


class SmsProvider(Protocol):
    """An SMS gateway (brandname SMS of a Vietnamese carrier, for instance)."""

    name: str

    def send(self, *, phone: str, text: str) -> DeliveryResult: ...


class LogSmsProvider:
    """Development provider: writes the message to the log and says it did not send it."""

    name = "log"

    def send(self, *, phone: str, text: str) -> DeliveryResult:
        logger.info("SMS (not sent, log provider) to %s: %s", phone, text)
        return DeliveryResult(
            delivered=False,
            note=(
                "Nhà cung cấp SMS phát triển: tin nhắn chỉ được ghi nhật ký, "
                "không gửi tới nhà mạng."
            ),
        )


def sms_provider() -> SmsProvider:
    provider: SmsProvider = import_string(settings.CONGSO_SMS_PROVIDER)()
    return provider
