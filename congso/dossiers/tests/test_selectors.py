"""Deadline lists per agency and officer, delay attribution, the access gate, the public lookup."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from congso.dossiers import services
from congso.dossiers.access import access_dossier_by_id, dossier_visible_to
from congso.dossiers.errors import DossierNotFound
from congso.dossiers.selectors import (
    dossier_delay_attribution,
    dossier_public_lookup,
    dossiers_nearing_due,
    dossiers_overdue,
    steps_overdue,
)
from congso.dossiers.tests.conftest import pdf_upload
from congso.dossiers.tests.factories import LOOKUP_SECRET, DossierFactory
from congso.workdays.calendar import LOCAL_TZ

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_TZ)


def at_specialist(
    clock: Any, citizen: Any, procedure: Any, desk_officer: Any, specialist: Any
) -> Any:
    clock.set(2020, 3, 2, 9, 0)  # due Thursday 05/03 17:00; specialist's step due Wed 04/03
    draft = services.dossier_draft_create(citizen, procedure, {"form_data": {"ho_ten": "Bé"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, _secret = services.dossier_submit(citizen, draft)
    services.dossier_receive(desk_officer, dossier)
    return services.dossier_step_forward(desk_officer, dossier, assignee=specialist)


def test_overdue_and_nearing_due_per_agency_and_officer(
    clock: Any,
    citizen: Any,
    procedure: Any,
    desk_officer: Any,
    specialist: Any,
    desk_agency: Any,
    other_agency: Any,
) -> None:
    # given
    dossier = at_specialist(clock, citizen, procedure, desk_officer, specialist)
    # when / then: Wednesday 04/03 morning — nearing due (within one working day), not overdue
    wednesday = at(2020, 3, 4, 9, 0)
    assert list(dossiers_nearing_due(desk_agency, days=1, as_of=wednesday)) == [dossier]
    assert list(dossiers_overdue(desk_agency, as_of=wednesday)) == []
    # Friday 06/03: overdue for the agency and for the officer holding it, not for others
    friday = at(2020, 3, 6, 9, 0)
    assert list(dossiers_overdue(desk_agency, as_of=friday)) == [dossier]
    assert list(dossiers_overdue(desk_agency, as_of=friday, officer=specialist)) == [dossier]
    assert list(dossiers_overdue(desk_agency, as_of=friday, officer=desk_officer)) == []
    assert list(dossiers_overdue(other_agency, as_of=friday)) == []
    assert [s.dossier_id for s in steps_overdue(officer=specialist, as_of=friday)] == [dossier.pk]


def test_paused_dossier_is_not_overdue(
    clock: Any, citizen: Any, procedure: Any, desk_officer: Any, specialist: Any, desk_agency: Any
) -> None:
    dossier = at_specialist(clock, citizen, procedure, desk_officer, specialist)
    services.dossier_supplement_request(specialist, dossier, ["Bản sao CCCD"], "Thiếu")
    assert list(dossiers_overdue(desk_agency, as_of=at(2020, 3, 20, 9))) == []


def test_delay_is_attributed_to_the_step_that_held_the_dossier(
    clock: Any, citizen: Any, procedure: Any, desk_officer: Any, specialist: Any, leader: Any
) -> None:
    # given: due Thursday 05/03; the specialist keeps it until Tuesday 10/03, the leader signs
    # on Wednesday 11/03
    dossier = at_specialist(clock, citizen, procedure, desk_officer, specialist)
    clock.set(2020, 3, 10, 9, 0)
    services.dossier_step_forward(specialist, dossier, assignee=leader)
    clock.set(2020, 3, 11, 10, 0)
    services.dossier_finish(leader, dossier, pdf_upload("kq.pdf"))
    dossier.refresh_from_db()
    # when
    delay = dossier_delay_attribution(dossier)
    # then: 06, 09 → specialist's step; 10 (hand-over day: the leader's at day end), 11 → leader
    by_name = {share.step_name: share.days for share in delay.shares}
    assert delay.total_days == 4
    assert by_name == {"Thẩm định hồ sơ": 2, "Phê duyệt, ký kết quả": 2}
    specialist_step = dossier.steps.get(name="Thẩm định hồ sơ")
    assert specialist_step.outcome == "late"


def test_access_gate(citizen: Any, desk_officer: Any, other_officer: Any) -> None:
    # given
    own = DossierFactory.create(applicant=citizen, receiving_agency=desk_officer.agency)
    # then: the applicant and the receiving agency see it; another agency does not
    assert list(dossier_visible_to(citizen)) == [own]
    assert access_dossier_by_id(desk_officer, own.pk) == own
    with pytest.raises(DossierNotFound):
        access_dossier_by_id(other_officer, own.pk)


def test_public_lookup_selector() -> None:
    dossier = DossierFactory.create()
    code = str(dossier.code)
    assert dossier_public_lookup(code, LOOKUP_SECRET) == dossier
    assert dossier_public_lookup(code, "WRONG222") is None
    assert dossier_public_lookup("nope", LOOKUP_SECRET) is None


def test_sub_dossier_clock_pauses_with_its_parent(
    clock: Any,
    citizen: Any,
    inter_procedure: Any,
    desk_officer: Any,
    specialist: Any,
    other_officer: Any,
    other_agency: Any,
) -> None:
    # given: the other agency's part is open (sub-dossier due Thursday 05/03)
    clock.set(2020, 3, 2, 9, 0)
    draft = services.dossier_draft_create(citizen, inter_procedure, {"form_data": {"ho_ten": "B"}})
    services.dossier_file_add(citizen, draft, "TP1", pdf_upload())
    dossier, _secret = services.dossier_submit(citizen, draft)
    services.dossier_receive(desk_officer, dossier)
    services.dossier_step_forward(desk_officer, dossier, assignee=specialist)
    clock.set(2020, 3, 3, 9, 0)
    services.dossier_step_forward(specialist, dossier, assignee=other_officer)
    child = dossier.children.get()
    assert child.due_at == at(2020, 3, 5, 17, 0)
    # when: the other agency asks (through the parent) for a supplement, supplied a week later
    services.dossier_supplement_request(other_officer, dossier, ["Giấy xác nhận"], "Thiếu")
    paused_list = list(dossiers_overdue(other_agency, as_of=at(2020, 3, 9, 9)))
    clock.set(2020, 3, 10, 9, 0)
    services.dossier_supplement_submit(citizen, dossier, {"TP2": pdf_upload("bs.pdf")})
    # then: not overdue while paused; its due date moved by the 5 working days paused
    assert paused_list == []
    child.refresh_from_db()
    assert child.paused_at is None
    assert child.due_at == at(2020, 3, 12, 17, 0)
    assert child.steps.get().due_at == at(2020, 3, 12, 17, 0)
