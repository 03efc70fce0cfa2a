"""Operator pages: traffic per pair, delivery times, stuck items with who must act."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from congso.hub.constants import DeliveryState, MessageKind
from congso.hub.models import Delivery
from congso.hub.services.members import operator_create
from congso.hub.tests.factories import DeliveryFactory, MemberFactory, MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    operator_create(username="vanhanh", password="mat-khau-rat-dai-123")
    client.login(username="vanhanh", password="mat-khau-rat-dai-123")
    return client


def _delivery(sender, recipient, *, age: timedelta, delivered_after: timedelta | None = None, **kw):
    """A delivery whose message was accepted `age` ago, acknowledged `delivered_after` later."""
    now = timezone.now()
    message = MessageFactory.create(sender=sender, **kw)
    delivery = DeliveryFactory.create(message=message, recipient=recipient)
    created = now - age
    type(message).objects.filter(pk=message.pk).update(created_at=created)
    changes: dict = {"created_at": created}
    if delivered_after is not None:
        changes.update(state=DeliveryState.DELIVERED, delivered_at=created + delivered_after)
    Delivery.objects.filter(pk=delivery.pk).update(**changes)
    return delivery


def test_pages_need_an_operator(client) -> None:
    # when an anonymous visitor opens the dashboard
    response = client.get("/hub/")
    # then they are sent to the login page
    assert response.status_code == 302
    assert response["Location"].startswith("/hub/dang-nhap/")
    assert client.get("/hub/dang-nhap/").status_code == 200


def test_dashboard_counts_traffic_per_pair_and_delivery_times(operator_client) -> None:
    # given A→B: two today (delivered in 10 s and 30 s), one three days ago (delivered in 50 s);
    # A→C: one today, still pending; and one from ten days ago, outside every window
    a = MemberFactory.create(code="000.00.00.H34")
    b = MemberFactory.create(code="000.00.05.H34")
    c = MemberFactory.create(code="000.00.07.H34")
    _delivery(a, b, age=timedelta(hours=1), delivered_after=timedelta(seconds=10))
    _delivery(a, b, age=timedelta(hours=2), delivered_after=timedelta(seconds=30))
    _delivery(a, b, age=timedelta(days=3), delivered_after=timedelta(seconds=50))
    _delivery(a, c, age=timedelta(minutes=5))
    _delivery(a, b, age=timedelta(days=10), delivered_after=timedelta(seconds=1))
    # when
    response = operator_client.get("/hub/")
    # then
    assert response.status_code == 200
    traffic = response.context["traffic"]
    pairs = {(p.sender, p.recipient): p for p in traffic.pairs}
    assert (pairs[(a.code, b.code)].last_24h, pairs[(a.code, b.code)].last_7d) == (2, 3)
    assert (pairs[(a.code, c.code)].last_24h, pairs[(a.code, c.code)].pending) == (1, 1)
    assert (traffic.pair_count, traffic.last_24h, traffic.last_7d, traffic.pending) == (2, 3, 4, 1)
    assert response.context["times"].count == 3
    assert response.context["times"].p50_seconds == pytest.approx(30)
    assert response.context["times"].p95_seconds == pytest.approx(50)
    html = response.content.decode()
    assert f'data-pair="{a.code}→{b.code}"' in html
    assert "30.0 giây" in html


def test_dashboard_of_a_quiet_week_says_so(operator_client) -> None:
    # given one delivery, ten days old
    a = MemberFactory.create(code="000.00.00.H34")
    _delivery(a, MemberFactory.create(code="000.00.05.H34"), age=timedelta(days=10))
    # when
    response = operator_client.get("/hub/")
    # then no pair is listed, the totals are zero and the page says the week was quiet
    traffic = response.context["traffic"]
    assert (traffic.pairs, traffic.pair_count, traffic.last_7d, traffic.pending) == ([], 0, 0, 0)
    assert "Chưa có gói tin nào trong 7 ngày qua." in response.content.decode()
    assert response.context["times"].count == 0


def test_dashboard_lists_the_busiest_pairs_and_totals_over_all(operator_client, settings) -> None:
    # given HUB_TRAFFIC_PAIRS=1, A→B with two documents this week and A→C with one
    settings.HUB_TRAFFIC_PAIRS = 1
    a = MemberFactory.create(code="000.00.00.H34")
    b = MemberFactory.create(code="000.00.05.H34")
    c = MemberFactory.create(code="000.00.07.H34")
    _delivery(a, c, age=timedelta(hours=1))
    _delivery(a, b, age=timedelta(hours=2), delivered_after=timedelta(seconds=5))
    _delivery(a, b, age=timedelta(days=2), delivered_after=timedelta(seconds=5))
    # when
    response = operator_client.get("/hub/")
    # then only the busiest pair is listed, and the totals and caption count both pairs
    traffic = response.context["traffic"]
    assert [(p.sender, p.recipient, p.last_7d) for p in traffic.pairs] == [(a.code, b.code, 2)]
    assert (traffic.pair_count, traffic.last_7d, traffic.pending) == (2, 3, 1)
    html = response.content.decode()
    assert "1 cặp có nhiều gói tin nhất trong 2 cặp đơn vị có trao đổi" in html
    assert f'data-pair="{a.code}→{c.code}"' not in html


def test_a_delivery_carries_its_messages_kind_and_sender() -> None:
    # given a status message from B
    b = MemberFactory.create(code="000.00.05.H34")
    status = MessageFactory.create(sender=b, kind=MessageKind.STATUS, status_code="01")
    # when a delivery of it is made for A
    delivery = Delivery.of(status, MemberFactory.create(code="000.00.00.H34"))
    # then the delivery is a status delivery from B (what the dashboard's indexes select on)
    assert (delivery.kind, delivery.sender_id) == (MessageKind.STATUS, b.pk)


def test_stuck_list_names_who_must_act(operator_client, settings) -> None:
    # given packages older than HUB_STUCK_AFTER (60 min): one never fetched by B, one fetched by C
    # but never answered with a final status, one status never fetched by the sender A;
    # and one answered with 03 (done, not stuck)
    settings.HUB_STUCK_AFTER = 60
    a = MemberFactory.create(code="000.00.00.H34")
    b = MemberFactory.create(code="000.00.05.H34")
    c = MemberFactory.create(code="000.00.07.H34")
    _delivery(a, b, age=timedelta(hours=3), document_id="DOC-UNFETCHED")
    _delivery(
        a,
        c,
        age=timedelta(hours=3),
        delivered_after=timedelta(minutes=1),
        document_id="DOC-UNANSWERED",
    )
    answered = _delivery(
        a, c, age=timedelta(hours=3), delivered_after=timedelta(minutes=1), document_id="DOC-DONE"
    )
    Delivery.objects.filter(pk=answered.pk).update(
        last_status_code="03", final_status_at=timezone.now()
    )
    _delivery(
        c,
        a,
        age=timedelta(hours=2),
        kind=MessageKind.STATUS,
        status_code="01",
        document_id="DOC-STATUS",
    )
    _delivery(a, b, age=timedelta(minutes=5), document_id="DOC-FRESH")
    # when
    response = operator_client.get("/hub/")
    # then
    stuck = {item.document_id: item for item in response.context["stuck"]}
    assert set(stuck) == {"DOC-UNFETCHED", "DOC-UNANSWERED", "DOC-STATUS"}
    assert stuck["DOC-UNFETCHED"].must_act == b.code
    assert stuck["DOC-UNANSWERED"].must_act == c.code
    assert stuck["DOC-STATUS"].must_act == a.code
    assert response.content.decode().count('data-col="must-act"') == 3


def test_members_page_lists_members(operator_client) -> None:
    MemberFactory.create(code="000.00.05.H34", name="Sở Nội vụ")
    response = operator_client.get("/hub/thanh-vien/")
    assert response.status_code == 200
    assert "Sở Nội vụ" in response.content.decode()


def test_a_non_staff_account_cannot_see_operator_pages(client, django_user_model) -> None:
    django_user_model.objects.create_user(username="khach", password="mat-khau-rat-dai-123")
    client.login(username="khach", password="mat-khau-rat-dai-123")
    assert client.get("/hub/").status_code == 302
