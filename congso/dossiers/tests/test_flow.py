"""A dossier from draft to rating through the services, on the real 2020 calendar."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from congso.audit.models import AuditEntry
from congso.dossiers import hooks, services
from congso.dossiers.constants import DossierStatus, EventKind
from congso.dossiers.errors import StepForbidden
from congso.dossiers.lookup import lookup_secret_matches
from congso.dossiers.models import Dossier
from congso.dossiers.tests.conftest import pdf_upload
from congso.workdays.calendar import LOCAL_TZ

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def submitted(citizen: Any, procedure: Any) -> tuple[Dossier, str]:
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé Na"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    return services.dossier_submit(citizen, draft)


def test_online_dossier_is_coded_received_and_due_after_tet(
    clock: Any, citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given: submitted Friday 17/01/2020 15:30
    clock.set(2020, 1, 17, 15, 30)
    dossier, secret = submitted(citizen, procedure)
    # when: the desk receives it at 16:00 (after the 15:00 cut-off)
    clock.set(2020, 1, 17, 16, 0)
    received = services.dossier_receive(desk_officer, dossier)
    # then: code of the receiving agency and day, secret hashed, due after Tết
    assert dossier.code == "000.01.22.H34-200117-0001"
    assert lookup_secret_matches(secret, received.lookup_secret_hash)
    assert received.status == DossierStatus.RECEIVED
    assert received.receipt_number == "1/2020"
    assert received.due_at == at(2020, 1, 30, 17, 0)
    first = received.steps.get()
    assert first.assignee == desk_officer
    assert first.due_at == at(2020, 1, 21, 12, 0)  # half a day from Monday 20/01
    kinds = list(received.events.values_list("kind", "portal_status"))
    assert kinds == [
        (EventKind.DRAFTED, None),
        (EventKind.SUBMITTED, 1),
        (EventKind.RECEIVED, 2),
    ]


def test_supplement_pauses_and_resumes_the_clock(
    clock: Any, citizen: Any, procedure: Any, desk_officer: Any, specialist: Any
) -> None:
    # given: received Monday 02/03/2020 09:00 → due Thursday 05/03 17:00
    clock.set(2020, 3, 2, 9, 0)
    dossier, _secret = submitted(citizen, procedure)
    dossier = services.dossier_receive(desk_officer, dossier)
    services.dossier_step_forward(desk_officer, dossier, assignee=specialist)
    assert Dossier.objects.get(pk=dossier.pk).due_at == at(2020, 3, 5, 17, 0)
    # when: the specialist asks for more on Tuesday 03/03, the citizen supplies on Friday 06/03
    clock.set(2020, 3, 3, 10, 0)
    paused = services.dossier_supplement_request(
        specialist, dossier, [{"component_code": "TP2", "name": "Bản sao CCCD"}], "Thiếu bản sao"
    )
    assert paused.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert paused.paused_at == at(2020, 3, 3, 10, 0)
    clock.set(2020, 3, 6, 8, 0)
    resumed = services.dossier_supplement_submit(citizen, dossier, {"TP2": pdf_upload("cccd.pdf")})
    # then: 3 working days paused (04, 05, 06/03); due moves to Tuesday 10/03
    assert resumed.status == DossierStatus.PROCESSING
    assert resumed.paused_days_total == 3
    assert resumed.due_at == at(2020, 3, 10, 17, 0)
    assert resumed.legal_due_at == resumed.due_at
    step = resumed.steps.get(finished_at__isnull=True)
    assert step.assignee == specialist
    assert step.due_at == at(2020, 3, 9, 17, 0)  # 2 days from 02/03 12:00 slot + 3 paused
    event = resumed.events.get(kind=EventKind.SUPPLEMENTED)
    assert event.data["paused_days"] == 3
    assert event.portal_status == 4
    assert resumed.files.filter(is_supplement=True).count() == 1


def test_inter_agency_dossier_splits_and_parent_finishes_when_child_does(
    clock: Any,
    citizen: Any,
    inter_procedure: Any,
    desk_officer: Any,
    specialist: Any,
    leader: Any,
    other_officer: Any,
    other_agency: Any,
) -> None:
    # given: a received inter-agency dossier with the specialist
    clock.set(2020, 3, 2, 9, 0)
    dossier, _secret = submitted(citizen, inter_procedure)
    dossier = services.dossier_receive(desk_officer, dossier)
    services.dossier_step_forward(desk_officer, dossier, assignee=specialist, note="Đủ hồ sơ")
    # when: the specialist forwards to the other agency's part
    clock.set(2020, 3, 3, 14, 0)
    services.dossier_step_forward(
        specialist, dossier, to_agency=other_agency, assignee=other_officer
    )
    # then: a linked sub-dossier holds that part
    child = Dossier.objects.get(parent=dossier)
    assert child.code == f"{dossier.code}.1"
    assert child.handling_agency == other_agency
    assert child.status == DossierStatus.PROCESSING
    assert child.steps.get().assignee == other_officer
    holder = dossier.steps.get(finished_at__isnull=True)
    assert holder.sub_dossier == child
    # the parent cannot finish while the child is open, nor can its officers act on the part
    with pytest.raises(StepForbidden):
        services.dossier_step_complete(specialist, dossier)
    # when: the other agency finishes its part
    clock.set(2020, 3, 4, 10, 0)
    services.dossier_finish(other_officer, child, pdf_upload("xac-nhan.pdf"))
    # then: the parent moves on to the leader's step
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PROCESSING
    assert dossier.steps.get(pk=holder.pk).outcome == "early"
    open_step = dossier.steps.get(finished_at__isnull=True)
    assert open_step.agency_id == dossier.receiving_agency_id
    assert open_step.name == "Phê duyệt, ký kết quả"
    # when: the leader finishes, the desk returns, the citizen rates
    clock.set(2020, 3, 5, 9, 0)
    services.dossier_finish(leader, dossier, pdf_upload("giay-khai-sinh.pdf"))
    services.dossier_return(desk_officer, dossier, "post")
    rating = services.dossier_rate(citizen, dossier, "very_satisfied", "Nhanh")
    # then
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.result_file.read().startswith(b"%PDF-")
    assert dossier.result_signed is False
    assert dossier.result_signature_verdict == "unsigned"
    assert rating.level == "very_satisfied"
    assert [e for e in dossier.events.values_list("portal_status", flat=True) if e][-3:] == [
        9,
        10,
        10,
    ]


def test_child_as_last_part_finishes_the_parent(
    clock: Any,
    citizen: Any,
    desk_agency: Any,
    other_agency: Any,
    desk_officer: Any,
    other_officer: Any,
) -> None:
    # given: a procedure whose last step is the other agency's
    from decimal import Decimal

    from congso.procedures.tests.factories import ProcedureFactory, ProcessStepFactory

    proc = ProcedureFactory(receiving_agencies=[desk_agency], steps=0)
    ProcessStepFactory(procedure=proc, order=1, days=Decimal("0.5"))
    ProcessStepFactory(procedure=proc, order=2, days=Decimal("2"), agency=other_agency)
    clock.set(2020, 3, 2, 9, 0)
    dossier, _secret = submitted(citizen, proc)
    services.dossier_receive(desk_officer, dossier)
    services.dossier_step_complete(desk_officer, dossier)
    child = Dossier.objects.get(parent=dossier)
    # when
    services.dossier_finish(other_officer, child, pdf_upload("ket-qua.pdf"))
    # then
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DONE
    assert dossier.result_file.name == Dossier.objects.get(pk=child.pk).result_file.name


def test_every_change_is_audited_and_tells_the_hooks(
    clock: Any,
    citizen: Any,
    procedure: Any,
    desk_officer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: a registered listener
    heard: list[tuple[int, int]] = []

    def listener(dossier_id: int, event_id: int) -> None:
        heard.append((dossier_id, event_id))

    hooks.on_status_change(listener)
    try:
        dossier, _secret = submitted(citizen, procedure)
        # when
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_receive(desk_officer, dossier)
    finally:
        hooks.remove(listener)
    # then
    event = dossier.events.get(kind=EventKind.RECEIVED)
    assert heard == [(dossier.pk, event.pk)]
    entry = AuditEntry.objects.filter(action="dossiers.received").get()
    assert entry.target_id == str(dossier.pk)
    assert entry.data["event_id"] == event.pk


def test_in_transaction_hooks_run_inside_the_service_and_can_roll_it_back(
    citizen: Any, procedure: Any, desk_officer: Any
) -> None:
    # given: an in-transaction listener that sees the saved change, and a submitted dossier
    dossier, _secret = submitted(citizen, procedure)
    seen: list[tuple[str, str]] = []

    def listener(dossier_id: int, event_id: int) -> None:
        saved = Dossier.objects.get(pk=dossier_id)
        seen.append((saved.status, saved.events.get(pk=event_id).kind))

    def refuse(dossier_id: int, event_id: int) -> None:
        raise RuntimeError("outbox unavailable")

    hooks.in_transaction(listener)
    hooks.in_transaction(listener)  # twice is a no-op
    try:
        # when: the desk receives it
        services.dossier_receive(desk_officer, dossier)
        # then: called once, inside the transaction, with the saved status and event
        assert seen == [(DossierStatus.RECEIVED, EventKind.RECEIVED)]
        # when: a callback raises during the next change
        hooks.in_transaction(refuse)
        with pytest.raises(RuntimeError):
            services.dossier_supplement_request(desk_officer, dossier, ["TP1"], "Thiếu bản sao")
    finally:
        hooks.remove(listener)
        hooks.remove(refuse)
    # then: the change rolled back with its event and audit entry; the registries are clean
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert not dossier.events.filter(kind=EventKind.SUPPLEMENT_REQUESTED).exists()
    assert not AuditEntry.objects.filter(action="dossiers.supplement_requested").exists()
    assert listener not in hooks.registered_in_transaction()


def test_counter_dossier_and_withdrawal(desk_officer: Any, procedure: Any) -> None:
    # given / when: a dossier handed in at the counter
    dossier, secret = services.dossier_counter_create(
        desk_officer,
        procedure,
        {"applicant_name": "Y Thị Hoa", "applicant_phone": "0905000111"},
        {"TP1": pdf_upload()},
    )
    # then
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.channel == 1
    assert dossier.files.count() == 1
    assert len(secret) == 8
    # when: withdrawn at the desk on the applicant's request
    withdrawn = services.dossier_withdraw(desk_officer, dossier, "Công dân xin rút")
    # then
    assert withdrawn.status == DossierStatus.WITHDRAWN
    last = withdrawn.events.last()
    assert last is not None
    assert last.portal_status == 7
