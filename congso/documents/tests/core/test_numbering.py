from __future__ import annotations

import pytest
from django.db import transaction

from congso.documents.constants import Direction
from congso.documents.models import DocumentRegister
from congso.documents.services.numbering import register_take_numbers
from congso.organizations.tests.factories import AgencyFactory


@pytest.mark.django_db
def test_numbers_run_from_one_per_agency_year_and_book():
    # given
    agency = AgencyFactory.create()
    # when
    with transaction.atomic():
        _, first = register_take_numbers(
            agency_id=agency.pk, year=2020, direction=Direction.INCOMING, is_secret=False
        )
        _, second = register_take_numbers(
            agency_id=agency.pk, year=2020, direction=Direction.INCOMING, is_secret=False
        )
        _, secret = register_take_numbers(
            agency_id=agency.pk, year=2020, direction=Direction.INCOMING, is_secret=True
        )
        _, next_year = register_take_numbers(
            agency_id=agency.pk, year=2021, direction=Direction.INCOMING, is_secret=False
        )
    # then
    assert (first, second, secret, next_year) == (1, 2, 1, 1)


@pytest.mark.django_db
def test_a_block_of_numbers_is_reserved_at_once():
    # given
    agency = AgencyFactory.create()
    # when
    with transaction.atomic():
        register, first = register_take_numbers(
            agency_id=agency.pk, year=2020, direction=Direction.OUTGOING, is_secret=False, count=5
        )
    # then
    assert first == 1
    assert DocumentRegister.objects.get(pk=register.pk).last_number == 5


@pytest.mark.django_db
def test_a_rolled_back_number_is_given_again():
    # given
    agency = AgencyFactory.create()

    class Abort(Exception):
        pass

    def take_then_fail() -> None:
        with transaction.atomic():
            register_take_numbers(
                agency_id=agency.pk, year=2020, direction=Direction.INCOMING, is_secret=False
            )
            raise Abort

    # when
    with pytest.raises(Abort):
        take_then_fail()
    with transaction.atomic():
        _, number = register_take_numbers(
            agency_id=agency.pk, year=2020, direction=Direction.INCOMING, is_secret=False
        )
    # then
    assert number == 1
