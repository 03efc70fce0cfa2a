"""Django admin for users and delegations; every change goes through the accounts services."""

from congso.accounts.admin.delegations import DelegationAdmin
from congso.accounts.admin.users import UserAdmin

__all__ = ["DelegationAdmin", "UserAdmin"]
