from __future__ import annotations

import pytest

from congso.audit.models import AuditEntry
from congso.audit.services import audit_record


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="canbo_kiemtra", password="MatKhau@2020")


@pytest.fixture
def chain(user) -> list[AuditEntry]:
    """Five entries of assorted shapes, as services would write them."""
    return [
        audit_record(actor=None, action="demo.loaded", data={"rows": 3}),
        audit_record(actor=user, action="user.created", target=user, data={"vai_trò": ["clerk"]}),
        audit_record(actor=user, action="user.updated", target=user, data={"họ_tên": "Nguyễn A"}),
        audit_record(actor=user, action="user.login", target=user),
        audit_record(actor=user, action="user.locked", target=user, data={"failed": 5}),
    ]
