"""Outgoing documents (văn bản đi): the public use cases, one import away.

drafting (compose, upload, versions, comments, attachments, recipients), circuit (submit,
approve, return), issuing (number, date, final PDF, delivery, outbox) and relations (revoke,
replace, correct). Each lives in its own module; this one only gathers them.
"""

from congso.documents.services.outgoing_circuit import (
    outgoing_document_submit,
    outgoing_step_approve,
    outgoing_step_return,
)
from congso.documents.services.outgoing_common import RecipientSpec
from congso.documents.services.outgoing_drafting import (
    outgoing_attachment_add,
    outgoing_comment_add,
    outgoing_draft_create,
    outgoing_draft_update,
    outgoing_recipients_set,
)
from congso.documents.services.outgoing_issuing import (
    outgoing_document_deliver,
    outgoing_document_issue,
)
from congso.documents.services.outgoing_relations import (
    outgoing_document_correct,
    outgoing_document_replace,
    outgoing_document_revoke,
)
from congso.documents.services.outgoing_uploads import (
    outgoing_draft_upload,
    outgoing_version_convert,
    outgoing_version_upload,
)

__all__ = [
    "RecipientSpec",
    "outgoing_attachment_add",
    "outgoing_comment_add",
    "outgoing_document_correct",
    "outgoing_document_deliver",
    "outgoing_document_issue",
    "outgoing_document_replace",
    "outgoing_document_revoke",
    "outgoing_document_submit",
    "outgoing_draft_create",
    "outgoing_draft_update",
    "outgoing_draft_upload",
    "outgoing_recipients_set",
    "outgoing_step_approve",
    "outgoing_step_return",
    "outgoing_version_convert",
    "outgoing_version_upload",
]
