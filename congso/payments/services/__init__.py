from congso.payments.services.payments import (
    CallbackResult,
    payment_callback_receive,
    payment_create,
)
from congso.payments.services.testbank import test_bank_order_check, test_bank_respond

__all__ = [
    "CallbackResult",
    "payment_callback_receive",
    "payment_create",
    "test_bank_order_check",
    "test_bank_respond",
]
