from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyPurpose(models.TextChoices):
    PERSON = "person", _("Chữ ký của người có thẩm quyền")
    ORGANISATION = "organisation", _("Chữ ký số của cơ quan (con dấu)")


class KeyProviderKind(models.TextChoices):
    PKCS11 = "pkcs11", _("Thiết bị PKCS#11 (USB token, HSM, SIM)")
    PKCS12 = "pkcs12", _("Tệp PKCS#12 (chỉ dùng khi phát triển)")
    EXTERNAL = "external", _("Ký từ xa / trình cắm (ký mã băm)")


class ValidationVerdict(models.TextChoices):
    VALID = "valid", _("Hợp lệ")
    INDETERMINATE = "indeterminate", _("Chưa xác định được")
    FAILED = "failed", _("Không hợp lệ")
    UNSIGNED = "unsigned", _("Không có chữ ký số")


class SignaturesAuditAction(models.TextChoices):
    KEY_REGISTERED = "signatures.key_registered", _("Đăng ký khóa ký số")
    SIGNED_AS_PERSON = "signatures.signed_as_person", _("Ký số văn bản (người có thẩm quyền)")
    SIGNED_AS_AGENCY = "signatures.signed_as_agency", _("Ký số văn bản (cơ quan)")
    SIGNING_REFUSED = "signatures.signing_refused", _("Từ chối ký số")
    EXTERNAL_PREPARED = "signatures.external_prepared", _("Chuẩn bị ký mã băm")
    FILE_VALIDATED = "signatures.file_validated", _("Kiểm tra chữ ký số")
    VALIDATION_RECHECKED = "signatures.validation_rechecked", _("Kiểm tra lại chữ ký số")
