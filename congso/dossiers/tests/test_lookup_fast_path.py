"""The public lookup's lean path (issue 6, Performance): cached answer, forgotten on every status
change; one cache operation for the rate limit; the audit entry written last and without a
savepoint; fewer statements per submission."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from congso.audit.models import AuditEntry
from congso.core import throttle
from congso.dossiers import services
from congso.dossiers.constants import DossierStatus
from congso.dossiers.selectors import dossier_public_status
from congso.dossiers.tests.conftest import pdf_upload
from congso.dossiers.tests.factories import LOOKUP_SECRET, DossierFactory

pytestmark = pytest.mark.django_db
LOOKUP = "/api/v1/dossiers/lookup/"


def test_cached_answer_needs_no_query_and_still_checks_the_secret(settings: Any) -> None:
    # given: a dossier looked up once (the answer is now cached)
    settings.DOSSIER_LOOKUP_CACHE_SECONDS = 30
    dossier = DossierFactory.create()
    code = str(dossier.code)
    first = dossier_public_status(code, LOOKUP_SECRET)
    # when: looked up again, with the right and with a wrong secret
    with CaptureQueriesContext(connection) as queries:
        again = dossier_public_status(code, LOOKUP_SECRET)
        wrong = dossier_public_status(code, "ZZZZ2222")
    # then: no query, the same answer, and a wrong secret still gets nothing
    assert len(queries.captured_queries) == 0
    assert first is not None
    assert again == first
    assert again["status"] == DossierStatus.SUBMITTED
    assert again["procedure_name"] == dossier.procedure.name
    assert "lookup_secret_hash" not in again
    assert "id" not in again
    assert wrong is None


def test_status_change_forgets_the_cached_answer(
    settings: Any, citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given: a submitted dossier whose public answer is cached
    settings.DOSSIER_LOOKUP_CACHE_SECONDS = 30
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, secret = services.dossier_submit(citizen, draft)
    client = APIClient()
    before = client.get(LOOKUP, {"code": str(dossier.code), "secret": secret})
    # when: the desk receives it (a status change)
    services.dossier_receive(desk_officer, dossier)
    after = client.get(LOOKUP, {"code": str(dossier.code), "secret": secret})
    # then: the lookup answers the new status at once
    assert before.json()["status"] == DossierStatus.SUBMITTED
    assert after.json()["status"] == DossierStatus.RECEIVED
    assert after.json()["status_name"] == str(DossierStatus.RECEIVED.label)
    assert after.json()["received_at"] is not None


def test_rate_limit_costs_one_cache_operation(settings: Any, monkeypatch: Any) -> None:
    # given: a window already opened by an earlier request of this address
    settings.DOSSIER_LOOKUP_RATE = 100
    client = APIClient()
    client.get(LOOKUP, {"code": "X", "secret": "Y"}, REMOTE_ADDR="10.0.0.9")
    calls: list[str] = []
    real = throttle.cache

    class Counting:
        def __getattr__(self, name: str) -> Any:
            calls.append(name)
            return getattr(real, name)

    monkeypatch.setattr(throttle, "cache", Counting())
    # when
    response = client.get(LOOKUP, {"code": "X", "secret": "Y"}, REMOTE_ADDR="10.0.0.9")
    # then: one `incr`, nothing else
    assert response.status_code == 404
    assert calls == ["incr"]


def test_submission_writes_its_audit_entries_last_and_without_savepoints(
    citizen: Any, procedure: Any
) -> None:
    # given
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    entries = AuditEntry.objects.count()
    # when
    with CaptureQueriesContext(connection) as queries:
        submitted, _secret = services.dossier_submit(citizen, draft)
    statements = [q["sql"].upper() for q in queries.captured_queries]
    # then: one audit entry, its three statements the last of the service (no savepoint of
    # its own around them; what follows is the service's own end: COMMIT, or here the test's
    # savepoint release)
    assert AuditEntry.objects.count() == entries + 1
    head_lock = next(i for i, sql in enumerate(statements) if "AUDIT_AUDITCHAINHEAD" in sql)
    assert "SAVEPOINT" not in statements[head_lock - 1]
    assert "AUDIT_AUDITENTRY" in statements[head_lock + 1]
    assert statements[head_lock + 2].startswith('UPDATE "AUDIT_AUDITCHAINHEAD"')
    assert all("SAVEPOINT" in sql or "COMMIT" in sql for sql in statements[head_lock + 3 :])
    assert len(statements[head_lock + 3 :]) <= 1
    assert submitted.code
