"""Another citizen's dossier is a 404; public tracking by code + secret; satisfaction rating."""

from __future__ import annotations

import pytest

from congso.accounts.tests.factories import CitizenUserFactory, StaffUserFactory
from congso.audit.models import AuditEntry
from congso.dossiers.constants import DossierStatus
from congso.dossiers.models import Rating
from congso.dossiers.tests.factories import LOOKUP_SECRET, DossierFactory
from congso.portal.constants import PortalAuditAction

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["", "tai-len/", "thanh-toan/", "nop/", "bien-nhan/", "danh-gia/"],
)
def test_a_citizen_opening_another_citizens_dossier_gets_404(client, path):
    # given
    dossier = DossierFactory.create(status=DossierStatus.DRAFT, code=None)
    intruder = CitizenUserFactory()
    client.force_login(intruder)
    # when
    url = f"/dich-vu-cong/ho-so/{dossier.pk}/{path}"
    response = client.post(url) if path not in ("", "bien-nhan/") else client.get(url)
    # then
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT


def test_staff_are_sent_to_their_workspace(client):
    client.force_login(StaffUserFactory())
    response = client.get("/dich-vu-cong/ho-so/")
    assert response.status_code == 302
    assert response["Location"] == "/lam-viec/"


def test_anyone_tracks_a_dossier_with_code_and_secret(client):
    # given
    dossier = DossierFactory.create(status=DossierStatus.RECEIVED)
    # when
    response = client.post(
        "/dich-vu-cong/tra-cuu/", {"code": dossier.code, "secret": LOOKUP_SECRET}
    )
    # then
    assert response.status_code == 200
    text = response.content.decode()
    assert dossier.code in text
    assert "Đã tiếp nhận" in text


def test_a_wrong_secret_and_an_unknown_code_get_the_same_answer(client):
    # given
    dossier = DossierFactory.create()
    # when
    wrong_secret = client.post(
        "/dich-vu-cong/tra-cuu/", {"code": dossier.code, "secret": "ZZZZ9999"}
    )
    unknown = client.post(
        "/dich-vu-cong/tra-cuu/", {"code": "000.00.00.H34-000000-0000", "secret": "ZZZZ9999"}
    )
    # then
    assert wrong_secret.status_code == unknown.status_code == 404

    def message(response):
        return response.content.decode().split('role="alert">')[1].split("</div>")[0]

    assert message(wrong_secret) == message(unknown)
    assert "Không tìm thấy hồ sơ" in message(wrong_secret)
    assert dossier.procedure.name not in wrong_secret.content.decode()
    assert AuditEntry.objects.filter(action=PortalAuditAction.LOOKUP_FAILED).count() == 2


def test_lookups_are_rate_limited_per_address(client, settings):
    # given
    settings.CONGSO_LOOKUP_MAX_TRIES = 3
    dossier = DossierFactory.create()
    for _ in range(3):
        client.post("/dich-vu-cong/tra-cuu/", {"code": "X", "secret": "Y"})
    # when: the fourth try, even with the right secret
    blocked = client.post("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "secret": LOOKUP_SECRET})
    # then
    assert blocked.status_code == 429
    assert "tra cứu quá nhiều lần" in blocked.content.decode()
    assert dossier.procedure.name not in blocked.content.decode()
    assert AuditEntry.objects.filter(action=PortalAuditAction.LOOKUP_RATE_LIMITED).count() == 1
    # then: another address is not affected
    other = client.post(
        "/dich-vu-cong/tra-cuu/",
        {"code": dossier.code, "secret": LOOKUP_SECRET},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200


def test_the_applicant_rates_a_returned_dossier_once(client):
    # given
    dossier = DossierFactory.create(status=DossierStatus.RETURNED)
    client.force_login(dossier.applicant)
    page = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/")
    assert "Đánh giá mức độ hài lòng" in page.content.decode()
    # when
    response = client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", {"level": "satisfied", "comment": "Nhanh"}
    )
    # then
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.level, rating.comment) == ("satisfied", "Nhanh")
    after = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    assert "Ông/Bà đã đánh giá" in after
    # when: a second rating
    again = client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", {"level": "unsatisfied"}, follow=True
    )
    # then
    assert "Hồ sơ đã được đánh giá." in again.content.decode()
    assert Rating.objects.count() == 1


def test_rating_before_the_result_is_returned_is_refused(client):
    # given
    dossier = DossierFactory.create(status=DossierStatus.PROCESSING)
    client.force_login(dossier.applicant)
    # when
    response = client.post(
        f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", {"level": "satisfied"}, follow=True
    )
    # then
    assert not Rating.objects.exists()
    assert "Không thực hiện được thao tác này" in response.content.decode()


def test_an_invalid_rating_level_is_refused(client):
    dossier = DossierFactory.create(status=DossierStatus.RETURNED)
    client.force_login(dossier.applicant)
    response = client.post(f"/dich-vu-cong/ho-so/{dossier.pk}/danh-gia/", {"level": "tuyet_voi"})
    assert response.status_code == 400
    assert not Rating.objects.exists()
