import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_public_home_answers(client):
    # when
    response = client.get(reverse("web:public-home"))
    # then
    assert response.status_code == 200
