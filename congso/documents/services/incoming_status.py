"""Incoming handling state as the status codes of QCVN 102:2016/BTTTT (standards.md §4.6).

For the exchange issue: the status message sent back to the sender carries `StatusCode`.
"""

from __future__ import annotations

from typing import Any

from congso.documents.constants import IncomingStatus

STATUS_CODES: dict[str, str] = {
    IncomingStatus.RECEIVED: "01",  # Đã đến: the system received it, the clerk has not acted
    IncomingStatus.RETURNED: "02",  # Từ chối tiếp nhận (with the reason)
    IncomingStatus.ACCEPTED: "03",  # Đã tiếp nhận
    IncomingStatus.ASSIGNED: "04",  # Phân công
    IncomingStatus.IN_PROGRESS: "05",  # Đang xử lý
    IncomingStatus.DONE: "06",  # Hoàn thành
    IncomingStatus.REVOKED: "15",  # Đồng ý lấy lại: the sender's revocation was carried out
}


def exchange_status_code(document: Any) -> str:
    """The two-digit QCVN 102 StatusCode of an incoming document's current status."""
    return STATUS_CODES[document.status]
