from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from congso.documents.constants import Direction
from congso.documents.models import SearchEntry
from congso.documents.tests.factories import IncomingDocumentFactory


@pytest.mark.django_db
def test_rebuild_command_indexes_every_document():
    # given
    documents = IncomingDocumentFactory.create_batch(3)
    SearchEntry.objects.all().delete()
    out = StringIO()
    # when
    call_command("search_index_rebuild", stdout=out)
    # then
    indexed = set(
        SearchEntry.objects.filter(direction=Direction.INCOMING).values_list(
            "document_id", flat=True
        )
    )
    assert indexed == {document.pk for document in documents}
    assert "3 văn bản" in out.getvalue()
