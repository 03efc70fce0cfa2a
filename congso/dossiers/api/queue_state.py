"""GET /api/v1/dossiers/queue/state/: the counters of an agency today (last number taken, last
number called, how many wait) — for the desk and the hall's display board."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from congso.core.api.fields import IdField
from congso.core.errors import ValidationFailed
from congso.dossiers.selectors_queue import queue_state


class QueueStateFilterSerializer(serializers.Serializer):
    agency = IdField(
        required=False, min_value=1, help_text="Default: the signed-in officer's agency."
    )
    day = serializers.DateField(
        required=False, help_text="Staff only; default (and always, without login): today."
    )


class CounterStateSerializer(serializers.Serializer):
    counter = serializers.IntegerField(source="counter.pk")
    code = serializers.CharField(source="counter.code")
    name = serializers.CharField(source="counter.name")
    last_number = serializers.IntegerField()
    last_called_number = serializers.IntegerField(allow_null=True)
    last_called_at = serializers.DateTimeField(allow_null=True)
    waiting = serializers.IntegerField()


class QueueStateSerializer(serializers.Serializer):
    agency = serializers.IntegerField()
    day = serializers.DateField()
    counters = CounterStateSerializer(many=True)


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "kind", "") == "staff"


class QueueStateApi(APIView):
    """Public (the display board): `agency` is required and the day is today. Staff: their own
    agency by default, any `day`."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[QueueStateFilterSerializer], responses={200: QueueStateSerializer})
    def get(self, request: Request) -> Response:
        filters = QueueStateFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        staff = _is_staff(request.user)
        agency = filters.validated_data.get("agency") or (
            request.user.agency_id if staff else None  # type: ignore[union-attr]
        )
        if agency is None:
            raise ValidationFailed(
                _("Chọn cơ quan (tham số agency)."), code="queue_agency_required", field="agency"
            )
        today = timezone.localdate()
        day = filters.validated_data.get("day", today) if staff else today
        body = {"agency": agency, "day": day, "counters": queue_state(agency, day)}
        return Response(QueueStateSerializer(body).data)
