"""Errors of the dossiers domain, each with a stable code for the API and a Vietnamese message."""

from __future__ import annotations

from django.utils.translation import gettext as _

from congso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed


class DossierNotFound(NotFound):
    """Missing, or not the caller's: both look the same (404, never 403)."""

    code = "dossier_not_found"

    def __init__(self, dossier_id: object = None) -> None:
        super().__init__(_("Không tìm thấy hồ sơ hoặc bạn không có quyền truy cập."))
        self.dossier_id = dossier_id


class InvalidTransition(Conflict):
    code = "dossier_invalid_transition"


class StepForbidden(PermissionDenied):
    """The officer's agency does not hold the dossier's current step (or is not its desk)."""

    code = "dossier_step_forbidden"


class ExtensionOnce(Conflict):
    code = "dossier_extension_once"


class UploadRejected(ValidationFailed):
    code = "upload_invalid_type"
