from congso.core.errors import CongsoError, NotFound


class PaymentRejected(CongsoError):
    """A callback or a request the payment flow refuses; nothing about the payment changed."""

    code = "payment_rejected"


class PaymentNotFound(NotFound):
    code = "payment_not_found"
