"""The admin shows the audit log but cannot add, change or delete entries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congso.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="sieuquantri", email="qt@example.vn", password="MatKhau@2020"
    )
    client.force_login(user)
    return client


def test_the_admin_lists_and_shows_entries(superuser_client, chain):
    listing = superuser_client.get(reverse("admin:audit_auditentry_changelist"))
    detail = superuser_client.get(reverse("admin:audit_auditentry_change", args=[chain[0].pk]))
    assert listing.status_code == 200
    assert "user.locked" in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


def test_the_admin_cannot_add_change_or_delete(superuser_client, chain):
    # when
    add = superuser_client.get(reverse("admin:audit_auditentry_add"))
    change = superuser_client.post(
        reverse("admin:audit_auditentry_change", args=[chain[0].pk]), {"action": "x"}
    )
    delete = superuser_client.post(
        reverse("admin:audit_auditentry_delete", args=[chain[0].pk]), {"post": "yes"}
    )
    # then
    assert add.status_code == 403
    assert change.status_code == 403
    assert delete.status_code == 403
    assert AuditEntry.objects.get(pk=chain[0].pk).action == "demo.loaded"
