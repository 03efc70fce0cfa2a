"""Nobody finds what they may not read: the search index obeys the rules of access.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from congso.accounts.tests.factories import (
    CitizenUserFactory,
    DelegationFactory,
    StaffUserFactory,
)
from congso.core.identity import Role
from congso.documents.access import (
    incoming_visible_to,
    outgoing_visible_to,
    search_entries_visible_to,
)
from congso.documents.constants import AssignmentRole, ReviewStepKind
from congso.documents.models import Assignment, ReviewStep, SecretAccessGrant
from congso.documents.selectors.search import document_search
from congso.organizations.tests.factories import AgencyFactory, InternalUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(agency, make_incoming, make_outgoing):
    """Two agencies, every kind of reader, and documents reaching each reader a different way."""
    unit = InternalUnitFactory.create(parent=agency)
    leader = StaffUserFactory.create(agency=agency, roles=[Role.LEADER])
    people = SimpleNamespace(
        clerk=StaffUserFactory.create(agency=agency, roles=[Role.CLERK]),
        leader=leader,
        admin=StaffUserFactory.create(agency=agency, roles=[Role.ADMINISTRATOR]),
        granted_clerk=StaffUserFactory.create(agency=agency, roles=[Role.CLERK]),
        specialist=StaffUserFactory.create(agency=agency, unit=unit, roles=[Role.SPECIALIST]),
        unit_mate=StaffUserFactory.create(agency=agency, unit=unit, roles=[Role.SPECIALIST]),
        loner=StaffUserFactory.create(agency=agency, roles=[Role.SPECIALIST]),
        delegate=StaffUserFactory.create(agency=agency, roles=[Role.SPECIALIST]),
        no_roles=StaffUserFactory.create(agency=agency),
        stranger=StaffUserFactory.create(roles=[Role.CLERK, Role.LEADER]),
        citizen=CitizenUserFactory.create(),
    )
    DelegationFactory.create(delegator=leader, delegate=people.delegate)
    other_agency = AgencyFactory.create()
    s = people.specialist
    docs = SimpleNamespace(
        open_in=make_incoming(subject="Công văn chung"),
        to_person=make_incoming(subject="Công văn giao cá nhân"),
        to_unit=make_incoming(subject="Công văn giao phòng"),
        secret_in=make_incoming(subject="Công văn mật đến", secret=True),
        secret_in_assigned=make_incoming(subject="Công văn mật giao", secret=True),
        open_out=make_outgoing(subject="Công văn đi chung"),
        drafted=make_outgoing(subject="Công văn đi soạn", created_by=s),
        signed=make_outgoing(subject="Công văn đi ký", signer=people.unit_mate),
        reviewed=make_outgoing(subject="Công văn đi duyệt"),
        secret_out=make_outgoing(subject="Công văn đi mật", secret=True, created_by=s),
        elsewhere_in=make_incoming(subject="Công văn nơi khác", agency=other_agency),
        elsewhere_out=make_outgoing(subject="Công văn đi nơi khác", agency=other_agency),
    )
    for document, target in (
        (docs.to_person, {"assignee": s}),
        (docs.to_unit, {"unit": unit}),
        (docs.secret_in_assigned, {"assignee": s}),
    ):
        Assignment.objects.create(
            document=document, role=AssignmentRole.LEAD, assigned_by=leader, **target
        )
    ReviewStep.objects.create(
        document=docs.reviewed, ordinal=1, kind=ReviewStepKind.REVIEW, reviewer=people.loner
    )
    for user, field, document in (
        (people.granted_clerk, "incoming", docs.secret_in),
        (people.granted_clerk, "outgoing", docs.secret_out),
        (people.unit_mate, "incoming", docs.secret_in_assigned),
    ):
        SecretAccessGrant.objects.create(user=user, granted_by=leader, **{field: document})
    return SimpleNamespace(people=people, docs=docs)


def _gate_answer(user):
    incoming = {("incoming", pk) for pk in incoming_visible_to(user).values_list("pk", flat=True)}
    outgoing = {("outgoing", pk) for pk in outgoing_visible_to(user).values_list("pk", flat=True)}
    return incoming | outgoing


def _index_answer(user):
    return set(search_entries_visible_to(user).values_list("direction", "document_id"))


@pytest.mark.parametrize(
    "who",
    [
        "clerk",
        "leader",
        "admin",
        "granted_clerk",
        "specialist",
        "unit_mate",
        "loner",
        "delegate",
        "no_roles",
        "stranger",
        "citizen",
    ],
)
def test_the_index_filter_agrees_with_the_document_gates(corpus, who):
    # given
    user = getattr(corpus.people, who)
    # when
    index_answer = _index_answer(user)
    # then
    assert index_answer == _gate_answer(user)


def test_the_mixed_corpus_exercises_every_rule(corpus):
    # given / when
    d, p = corpus.docs, corpus.people
    # then: spot checks so the agreement test cannot pass on empty sets
    assert ("incoming", d.to_person.pk) in _index_answer(p.specialist)
    assert ("incoming", d.to_unit.pk) in _index_answer(p.unit_mate)
    assert ("outgoing", d.drafted.pk) in _index_answer(p.specialist)
    assert ("outgoing", d.signed.pk) in _index_answer(p.unit_mate)
    assert ("outgoing", d.reviewed.pk) in _index_answer(p.loner)
    assert ("incoming", d.secret_in.pk) in _index_answer(p.granted_clerk)
    assert ("incoming", d.secret_in.pk) not in _index_answer(p.clerk)
    assert ("outgoing", d.secret_out.pk) not in _index_answer(p.specialist)
    assert ("incoming", d.secret_in_assigned.pk) not in _index_answer(p.specialist)
    assert ("incoming", d.secret_in_assigned.pk) in _index_answer(p.unit_mate)
    assert ("incoming", d.open_in.pk) not in _index_answer(p.specialist)
    assert _index_answer(p.citizen) == set()
    assert not {("incoming", d.elsewhere_in.pk)} & _index_answer(p.clerk)
    assert len(_index_answer(p.clerk)) == 7


def test_a_secret_document_is_absent_from_hits_and_facet_counts(corpus):
    # given
    clerk = corpus.people.clerk
    # when
    result = document_search(user=clerk, query="mat")
    everything = document_search(user=clerk, query="cong van")
    # then
    assert result.hits == []
    assert result.total == 0
    assert all(values == [] for values in result.facets.values())
    assert "Công văn mật đến" not in [hit.subject for hit in everything.hits]
    assert sum(v.count for v in everything.facets["direction"]) == everything.total == 7


def test_a_granted_user_finds_the_secret_document(corpus):
    # given
    user = corpus.people.granted_clerk
    # when
    result = document_search(user=user, query="cong van mat")
    # then
    assert {hit.document_id for hit in result.hits} == {
        corpus.docs.secret_in.pk,
        corpus.docs.secret_out.pk,
    }
    assert result.total == 2


def test_another_agency_finds_nothing_of_ours_even_by_notation(corpus):
    # given
    stranger = corpus.people.stranger
    notation = corpus.docs.open_in.number_notation
    # when
    by_text = document_search(user=stranger, query="cong van")
    by_notation = document_search(user=stranger, query=notation)
    # then
    assert by_text.hits == []
    assert by_notation.hits == []
    assert by_text.total == 0


def test_a_specialist_finds_only_what_reached_them(corpus):
    # given
    user = corpus.people.specialist
    # when
    result = document_search(user=user, query="cong van")
    # then
    assert {(hit.direction, hit.document_id) for hit in result.hits} == {
        ("incoming", corpus.docs.to_person.pk),
        ("incoming", corpus.docs.to_unit.pk),
        ("outgoing", corpus.docs.drafted.pk),
    }


def test_a_citizen_finds_nothing(corpus):
    # when
    result = document_search(user=corpus.people.citizen, query="cong van")
    # then
    assert result.hits == []
    assert result.total == 0


def test_a_stale_index_row_is_not_shown(corpus):
    # given: the document became secret but its index row was not refreshed yet
    document = corpus.docs.open_in
    type(document).objects.filter(pk=document.pk).update(is_secret=True)
    # when
    result = document_search(user=corpus.people.clerk, query="cong van chung")
    # then
    assert ("incoming", document.pk) not in {(h.direction, h.document_id) for h in result.hits}
    assert [h.document_id for h in result.hits] == [corpus.docs.open_out.pk]
