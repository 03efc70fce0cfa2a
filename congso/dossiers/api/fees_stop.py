"""API actions of the financial-obligation and stop services (one service each; the answer is the
dossier detail, like every other action of `api/views.py`)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from congso.dossiers.api.views import _ActionApi, action
from congso.dossiers.services.fees import MAX_FEE_AMOUNT, dossier_fee_paid, dossier_fee_request
from congso.dossiers.services.stopping import dossier_stop


class FeeRequestSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=MAX_FEE_AMOUNT)
    reason = serializers.CharField(max_length=4000)


class FeePaidSerializer(serializers.Serializer):
    payment_reference = serializers.CharField(max_length=64)


class StopSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class FeeRequestApi(_ActionApi):
    input_serializer = FeeRequestSerializer

    @action(
        FeeRequestSerializer,
        "Yêu cầu thực hiện nghĩa vụ tài chính (Cổng DVC: 6); thời hạn giải quyết tạm dừng.",
    )
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        dossier_fee_request(user, dossier, values["amount"], values["reason"])


class FeePaidApi(_ActionApi):
    input_serializer = FeePaidSerializer

    @action(
        FeePaidSerializer,
        "Ghi nhận đã nộp tiền (biên lai, chứng từ); hồ sơ tiếp tục, hạn trả lùi theo số ngày "
        "làm việc tạm dừng.",
    )
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        dossier_fee_paid(user, dossier, values["payment_reference"])


class StopApi(_ActionApi):
    input_serializer = StopSerializer

    @action(StopSerializer, "Dừng xử lý hồ sơ (Cổng DVC: 8), kèm thông báo cho người nộp.")
    def post(self, request: Request, dossier_id: int) -> Response:
        return super().post(request, dossier_id)

    def act(self, user: Any, dossier: Any, values: dict[str, Any]) -> None:
        dossier_stop(user, dossier, values["reason"])
