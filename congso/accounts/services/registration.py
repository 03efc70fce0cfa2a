"""Self-registration of public accounts: citizens by CCCD number, businesses by tax code."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from congso.accounts.constants import AccountsAuditAction, UserKind
from congso.accounts.models import User
from congso.accounts.services._checks import full_name_check, password_check
from congso.accounts.validators import citizen_id_number_normalise, tax_code_normalise
from congso.audit.services import audit_record
from congso.core.errors import Conflict


def _save_new_public_account(user: User, *, password: str, conflict: Conflict) -> User:
    password_check(password, user)
    user.set_password(password)
    user.full_clean(validate_unique=False)
    try:
        # A concurrent registration of the same number loses here, not with a 500.
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise conflict from error
    audit_record(
        actor=user,
        action=AccountsAuditAction.USER_REGISTERED,
        target=user,
        agency_id=None,
        data={"username": user.username, "kind": user.kind},
    )
    return user


@transaction.atomic
def citizen_register(
    *,
    citizen_id_number: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
) -> User:
    """Open a citizen account; the 12-digit CCCD number is both the identity and the user name.

    The number is checked for form only (`citizen_id_number_normalise`), not against the national
    population database.
    """
    number = citizen_id_number_normalise(citizen_id_number)
    conflict = Conflict(
        _("Số căn cước công dân này đã được đăng ký."),
        code="already_registered",
        field="citizen_id_number",
    )
    if (
        User.objects.filter(username=number).exists()
        or User.objects.filter(citizen_id_number=number).exists()
    ):
        raise conflict
    user = User(
        username=number,
        citizen_id_number=number,
        kind=UserKind.CITIZEN,
        full_name=full_name_check(full_name),
        email=(email or "").strip(),
        phone=(phone or "").strip(),
    )
    return _save_new_public_account(user, password=password, conflict=conflict)


@transaction.atomic
def business_register(*, tax_code: str, name: str, password: str, email: str = "") -> User:
    """Open a business or organisation account; the tax code (mã số thuế) is the user name."""
    code = tax_code_normalise(tax_code)
    conflict = Conflict(
        _("Mã số thuế này đã được đăng ký."), code="already_registered", field="tax_code"
    )
    if User.objects.filter(username=code).exists() or User.objects.filter(tax_code=code).exists():
        raise conflict
    user = User(
        username=code,
        tax_code=code,
        kind=UserKind.BUSINESS,
        full_name=full_name_check(name, field="name"),
        email=(email or "").strip(),
    )
    return _save_new_public_account(user, password=password, conflict=conflict)
