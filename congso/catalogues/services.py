"""Writes to the reference catalogues; the admin saves through here so every edit is audited."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.catalogues.constants import CATALOGUE_CODE_PATTERN, CatalogueAuditAction
from congso.catalogues.models import CatalogueEntry
from congso.core.errors import Conflict, ValidationFailed
from congso.core.identity import Actor

EntryT = TypeVar("EntryT", bound=CatalogueEntry)

_CODE = re.compile(CATALOGUE_CODE_PATTERN)


def validate_catalogue_code(code: str) -> None:
    """A code is ASCII letters, digits, `_`, `.` or `-`, starting with a letter or digit."""
    if not code or not _CODE.fullmatch(code):
        raise ValidationFailed(
            _(
                "Mã danh mục chỉ gồm chữ cái không dấu, chữ số, dấu gạch dưới, dấu chấm hoặc "
                "gạch ngang, bắt đầu bằng chữ cái hoặc chữ số (ví dụ: cong_van, G03-GD10)."
            ),
            code="invalid_catalogue_code",
            field="code",
        )


def _editable_fields(entry: CatalogueEntry) -> list[str]:
    """The fields an administrator edits (timestamps and the id are not editable)."""
    return [
        field.attname
        for field in entry._meta.concrete_fields
        if field.editable and not field.primary_key
    ]


@transaction.atomic
def catalogue_entry_save(*, actor: Actor | None, entry: EntryT) -> EntryT:
    """Create or change one catalogue entry (document type, urgency, secrecy, field …).

    Codes are stable once saved: other apps and exchanged documents refer to them, so an entry
    is renamed or deactivated, never re-coded. Saving without a change writes nothing.
    """
    model = type(entry)
    validate_catalogue_code(entry.code)
    fields = _editable_fields(entry)
    stored = (
        model._default_manager.select_for_update().filter(pk=entry.pk).values(*fields).first()
        if entry.pk is not None
        else None
    )
    if stored is not None and stored["code"] != entry.code:
        raise ValidationFailed(
            _("Không thể đổi mã danh mục “%(code)s”; hãy tạo mục mới và ngừng dùng mục cũ.")
            % {"code": stored["code"]},
            code="catalogue_code_immutable",
            field="code",
        )
    holder = model._default_manager.filter(code=entry.code).exclude(pk=entry.pk).first()
    if holder is not None:
        raise Conflict(
            _("Mã “%(code)s” đã được dùng cho “%(name)s”.") % {"code": entry.code, "name": holder},
            code="duplicate_catalogue_code",
            field="code",
        )
    changes: dict[str, Any] = (
        {f: [stored[f], getattr(entry, f)] for f in fields if stored[f] != getattr(entry, f)}
        if stored is not None
        else {f: getattr(entry, f) for f in fields}
    )
    if stored is not None and not changes:
        return entry
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action=CatalogueAuditAction.CATALOGUE_CHANGED,
        target=entry,
        data={
            "catalogue": model._meta.model_name,
            "code": entry.code,
            "created": stored is None,
            "changes" if stored is not None else "values": changes,
        },
    )
    return entry
