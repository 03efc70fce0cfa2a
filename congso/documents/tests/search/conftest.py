"""Helpers for the search tests: documents made with the factories, then indexed directly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from congso.accounts.tests.factories import StaffUserFactory
from congso.core.identity import Role
from congso.documents.constants import Direction
from congso.documents.models import DocumentRegister, IncomingDocument, OutgoingDocument
from congso.documents.services.search_index import search_entry_refresh
from congso.documents.tests.factories import (
    IncomingDocumentFactory,
    OutgoingDocumentFactory,
    secrecy,
)
from congso.organizations.tests.factories import AgencyFactory


@pytest.fixture
def agency() -> Any:
    return AgencyFactory.create(name="Sở Thông tin và Truyền thông", abbreviation="STTTT")


@pytest.fixture
def clerk(agency: Any) -> Any:
    return StaffUserFactory.create(agency=agency, roles=[Role.CLERK])


@pytest.fixture
def make_incoming(agency: Any) -> Callable[..., IncomingDocument]:
    def make(**fields: Any) -> IncomingDocument:
        fields.setdefault("agency", agency)
        if fields.pop("secret", False):
            fields.update(is_secret=True, secrecy=secrecy("mat"))
        if "register" not in fields:
            fields["register"], _ = DocumentRegister.objects.get_or_create(
                agency=fields["agency"],
                year=2020,
                direction=Direction.INCOMING,
                is_secret=fields.get("is_secret", False),
            )
        document = IncomingDocumentFactory.create(**fields)
        search_entry_refresh(direction=Direction.INCOMING, document_id=document.pk)
        return document

    return make


@pytest.fixture
def make_outgoing(agency: Any) -> Callable[..., OutgoingDocument]:
    def make(**fields: Any) -> OutgoingDocument:
        fields.setdefault("agency", agency)
        if fields.pop("secret", False):
            fields.update(is_secret=True, secrecy=secrecy("mat"))
        document = OutgoingDocumentFactory.create(**fields)
        search_entry_refresh(direction=Direction.OUTGOING, document_id=document.pk)
        return document

    return make
