"""Named enum components for the outgoing API's choice fields.

drf-spectacular names an enum after its field; several components have a `status` field with
different choices (and other apps have theirs), which ends in hashed names like `Status404Enum`.
`NamedChoiceField` gives each choice set one stable component name instead.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers


class NamedChoiceField(serializers.ChoiceField):
    def __init__(self, choices_class: type[models.TextChoices], name: str, **kwargs: Any) -> None:
        super().__init__(choices=choices_class.choices, **kwargs)
        self.choices_class = choices_class
        self.component_name = name


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "congso.documents.api.outgoing.schema.NamedChoiceField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        field = self.target
        choices = field.choices_class
        component = ResolvedComponent(
            name=field.component_name,
            type=ResolvedComponent.SCHEMA,
            object=f"congso-enum-{field.component_name}",
            schema={
                "type": "string",
                "enum": list(choices.values),
                "description": "\n".join(f"* `{v}` - {label}" for v, label in choices.choices),
            },
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref
