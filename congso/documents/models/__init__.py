from congso.documents.models.casefiles import CaseFile, CaseFileItem
from congso.documents.models.files import StoredFile
from congso.documents.models.grants import SecretAccessGrant
from congso.documents.models.incoming import (
    Assignment,
    HandlingNote,
    IncomingDocument,
    IncomingFile,
)
from congso.documents.models.outgoing import (
    DocumentRelation,
    OutboxMessage,
    OutgoingAttachment,
    OutgoingComment,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingVersion,
    ReviewStep,
)
from congso.documents.models.registers import DocumentRegister
from congso.documents.models.search import SearchEntry

__all__ = [
    "Assignment",
    "CaseFile",
    "CaseFileItem",
    "DocumentRegister",
    "DocumentRelation",
    "HandlingNote",
    "IncomingDocument",
    "IncomingFile",
    "OutboxMessage",
    "OutgoingAttachment",
    "OutgoingComment",
    "OutgoingDocument",
    "OutgoingRecipient",
    "OutgoingVersion",
    "ReviewStep",
    "SecretAccessGrant",
    "SearchEntry",
    "StoredFile",
]
