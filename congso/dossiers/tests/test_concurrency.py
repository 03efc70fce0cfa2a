"""Dossier codes stay gap-free and unique under concurrent submissions (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from congso.dossiers import services
from congso.dossiers.errors import UploadRejected
from congso.dossiers.models import Dossier, QueueTicket
from congso.dossiers.tests.conftest import pdf_upload
from congso.dossiers.tests.factories import ServiceCounterFactory

WORKERS = 50
POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers by design (one IMMEDIATE transaction at a time): "
    "the concurrent-numbering check needs PostgreSQL's row locks",
)


def race(work: Any) -> list[BaseException]:
    start = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            work(n)
        except BaseException as error:  # collected and reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_counter_dossiers_take_codes_one_to_fifty(
    desk_officer: Any, procedure: Any, clock: Any
) -> None:
    # given: fifty applicants at the counters of one agency on Monday 02/03/2020
    clock.set(2020, 3, 2, 9, 0)

    def work(n: int) -> None:
        services.dossier_counter_create(
            desk_officer, procedure, {"applicant_name": f"Người nộp {n}"}, {"TP1": pdf_upload()}
        )

    # when
    errors = race(work)
    # then
    assert errors == []
    codes = sorted(str(code) for code in Dossier.objects.values_list("code", flat=True))
    assert codes == [f"000.01.22.H34-200302-{n:04d}" for n in range(1, WORKERS + 1)]


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_queue_tickets_are_numbered_one_to_fifty(desk_agency: Any) -> None:
    # given
    counter = ServiceCounterFactory.create(agency=desk_agency)
    # when
    errors = race(lambda n: services.queue_ticket_take(counter))
    # then
    assert errors == []
    numbers = sorted(QueueTicket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, WORKERS + 1))


@pytest.mark.django_db
def test_codes_restart_per_day_and_a_rollback_gives_the_number_back(
    desk_officer: Any, procedure: Any, clock: Any
) -> None:
    # given: one dossier on Monday
    clock.set(2020, 3, 2, 9, 0)
    first, _ = services.dossier_counter_create(desk_officer, procedure, {"applicant_name": "A"})
    # when: a counter dossier fails (disguised file) and another one succeeds, then Tuesday
    with pytest.raises(UploadRejected):
        services.dossier_counter_create(
            desk_officer, procedure, {"applicant_name": "B"}, {"TP1": pdf_upload("x.pdf", b"nope")}
        )
    second, _ = services.dossier_counter_create(desk_officer, procedure, {"applicant_name": "C"})
    clock.set(2020, 3, 3, 9, 0)
    third, _ = services.dossier_counter_create(desk_officer, procedure, {"applicant_name": "D"})
    # then
    assert first.code == "000.01.22.H34-200302-0001"
    assert second.code == "000.01.22.H34-200302-0002"
    assert third.code == "000.01.22.H34-200303-0001"
