"""The writes of the accounts app, one function per use case (import from here)."""

from congso.accounts.services.delegations import (
    delegation_grant,
    delegation_grant_check,
    delegation_revoke,
)
from congso.accounts.services.login import (
    login_attempt,
    login_totp_verify,
    password_login_check,
)
from congso.accounts.services.registration import business_register, citizen_register
from congso.accounts.services.totp import (
    totp_disable,
    totp_setup_begin,
    totp_setup_confirm,
    totp_step_matching,
)
from congso.accounts.services.users import (
    UNSET,
    staff_user_create,
    staff_user_update,
    user_admin_access_set,
    user_deactivate,
    user_password_set,
    user_reactivate,
    user_roles_set,
    user_unlock,
)

__all__ = [
    "UNSET",
    "business_register",
    "citizen_register",
    "delegation_grant",
    "delegation_grant_check",
    "delegation_revoke",
    "login_attempt",
    "login_totp_verify",
    "password_login_check",
    "staff_user_create",
    "staff_user_update",
    "totp_disable",
    "totp_setup_begin",
    "totp_setup_confirm",
    "totp_step_matching",
    "user_admin_access_set",
    "user_deactivate",
    "user_password_set",
    "user_reactivate",
    "user_roles_set",
    "user_unlock",
]
