"""drf-spectacular extensions: `Role` and `UserKind` as named enum components.

Without them the enum post-processing names each choice set after the field it appears in, so the
same roles show up as `RolesEnum`, `EffectiveRolesEnum`…, and `kind` collides with other apps'
`kind` fields. A `$ref` to one component per choice set avoids both.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent

from congso.accounts.constants import Role, UserKind


def _enum_component(auto_schema: Any, name: str, choices: type[models.TextChoices]) -> Any:
    component = ResolvedComponent(
        name=name,
        type=ResolvedComponent.SCHEMA,
        object=f"congso-enum-{name}",
        schema={
            "type": "string",
            "enum": list(choices.values),
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.choices),
        },
    )
    auto_schema.registry.register_on_missing(component)
    return component.ref


class RoleChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "congso.accounts.api.fields.RoleChoiceField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        return _enum_component(auto_schema, "Role", Role)


class UserKindChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "congso.accounts.api.fields.UserKindChoiceField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        return _enum_component(auto_schema, "UserKind", UserKind)
