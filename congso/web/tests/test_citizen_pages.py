"""The citizens' home page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory


@pytest.mark.django_db
def test_citizen_home_shows_the_name_and_a_masked_id_number(client):
    # given
    citizen = CitizenUserFactory.create(
        username="062190001234", citizen_id_number="062190001234", full_name="Y Thị Hoa"
    )
    client.force_login(citizen)
    # when
    response = client.get(reverse("web:citizen-home"))
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "Xin chào, Y Thị Hoa" in content
    assert "********1234" in content
    assert "062190001234" not in content


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_citizen_login(client):
    # when
    response = client.get(reverse("web:citizen-home"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:public-login"))


@pytest.mark.django_db
def test_staff_opening_the_citizen_home_go_back_to_their_workspace(client):
    # given
    client.force_login(StaffUserFactory.create())
    # when
    response = client.get(reverse("web:citizen-home"))
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:staff-home")
