"""The signed and sealed PDFs the platform makes are stored with their text at once: no text
task follows the signer's approval, the văn thư's seal or the issuing."""

from __future__ import annotations

from typing import Any

import pytest

from congso.documents.constants import VersionOrigin
from congso.documents.services import outgoing as services
from congso.documents.services.outgoing_signing import outgoing_document_seal
from congso.documents.tests.spies import text_task_calls

pytestmark = pytest.mark.django_db


def test_signed_sealed_and_issued_pdfs_carry_their_text_and_send_no_text_task(
    submitted: Any,
    signer: Any,
    clerk: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a submitted document, and a spy on the text tasks from now on
    document = submitted()
    sent = text_task_calls(monkeypatch)
    # when the person signs, the văn thư seals and issues, each transaction committing
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_step_approve(actor=signer, document=document)
    with django_capture_on_commit_callbacks(execute=True):
        outgoing_document_seal(clerk=clerk, document=document)
    with django_capture_on_commit_callbacks(execute=True):
        services.outgoing_document_issue(clerk=clerk, document=document)
    # then every signed version and the issued one were stored with their text
    versions = document.versions.filter(
        origin__in=[VersionOrigin.SIGNED, VersionOrigin.ISSUED]
    ).select_related("rendered_file")
    assert [v.origin for v in versions.order_by("number")] == [
        VersionOrigin.SIGNED,
        VersionOrigin.SIGNED,
        VersionOrigin.ISSUED,
    ]
    for version in versions:
        assert document.number_notation in version.rendered_file.text_content
    # and no text task was sent for any of them
    assert [ids for ids in sent if set(ids) & {v.rendered_file_id for v in versions}] == []
