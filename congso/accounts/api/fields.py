"""Choice fields for roles and account kinds, each documented once as a named schema component.

Other apps reuse `RoleChoiceField` for any role-valued field, so every role list in the API
points at the same `Role` component.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from congso.accounts.constants import Role, UserKind


class RoleChoiceField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Role.choices, **kwargs)


class UserKindChoiceField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=UserKind.choices, **kwargs)
