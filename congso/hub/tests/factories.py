"""Factories of the hub's rows; keys come from `keys.member_keypair_write` in conftest."""

from __future__ import annotations

import hashlib
import uuid

import factory
from factory.django import DjangoModelFactory

from congso.hub.constants import BusinessKind, DeliveryState, MessageKind
from congso.hub.models import Delivery, Member, Message

# Members created without a real key cannot authenticate; tests that call the API use the
# `member_keys` fixture instead.
PLACEHOLDER_KEY = "-----BEGIN PUBLIC KEY-----\nplaceholder\n-----END PUBLIC KEY-----\n"


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{n % 90 + 10:02d}.H34")
    name = factory.Sequence(lambda n: f"Sở số {n}")
    public_key_pem = PLACEHOLDER_KEY


class MessageFactory(DjangoModelFactory):
    class Meta:
        model = Message

    kind = MessageKind.EDOC
    sender = factory.SubFactory(MemberFactory)
    document_id = factory.Sequence(lambda n: f"000.00.00.H34,2020/01/02,{n}/UBND-VP")
    business = BusinessKind.NEW
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(uuid.uuid4().bytes).hexdigest())
    size = 1000
    stored_path = factory.LazyAttribute(lambda o: f"{o.sha256[:2]}/{o.sha256[2:4]}/{o.sha256}")
    idempotency_key = factory.LazyFunction(lambda: uuid.uuid4().hex)


class DeliveryFactory(DjangoModelFactory):
    class Meta:
        model = Delivery

    message = factory.SubFactory(MessageFactory)
    kind = factory.LazyAttribute(lambda delivery: delivery.message.kind)
    sender = factory.LazyAttribute(lambda delivery: delivery.message.sender)
    recipient = factory.SubFactory(MemberFactory)
    state = DeliveryState.PENDING
